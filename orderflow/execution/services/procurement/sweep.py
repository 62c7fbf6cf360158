"""The late-delivery sweep (P5.2.2) and the package's completion guard (P5)."""


from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from orderflow.accounts.selectors import users_with
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.notifications.services import notify

from ...models import (
    ContractStatus,
    PurchaseContract,
    PurchaseContractLine,
    ReturnStatus,
    SupplierReturn,
)
from ._common import (
    DEPT,
    LATE_TITLE,
    MAX_LISTED,
)

# -- the late-delivery sweep (P5.2.2) and the completion guard (P5) -----------------------

def _late_candidates():
    owed = PurchaseContractLine.objects.filter(contract_id=OuterRef("pk"),
                                               received_quantity__lt=F("quantity"))
    return PurchaseContract.objects.filter(
        Exists(owed), status=ContractStatus.SIGNED, delivery_date__lt=clock.today(),
        late_alerted_at__isnull=True)


def _alert_one(pk: int, procurement: list) -> bool:
    """Claim one late contract (SKIP LOCKED), stamp it, tell Procurement and the order's
    salesperson. False if another worker has it or it is no longer late."""
    with transaction.atomic():
        contract = (_late_candidates().select_for_update(of=("self",), skip_locked=True)
                    .select_related("order", "order__salesperson").filter(pk=pk).first())
        if contract is None:
            return False
        now = clock.now()
        contract.late_alerted_at = now
        contract.save(update_fields=["late_alerted_at"])
        recipients = [*procurement, contract.order.salesperson]
        notify(recipients=recipients, kind="procurement.contract_late", title=LATE_TITLE,
               params={"number": contract.number, "order": contract.order.number,
                       "due": contract.delivery_date.isoformat()},
               url=f"/work-packages/{contract.package_id}/#contract-{contract.pk}")
        audit.record(None, "purchase_contract.late_alerted", contract, data={
            "order": contract.order.number, "delivery_date": contract.delivery_date,
            "notified": sorted({r.pk for r in recipients if r is not None and r.is_active})})
        return True


def procurement_late_sweep(*, limit: int = 500) -> int:
    """P5.2.2: alert once for each signed contract whose delivery date has passed with
    goods still owed; safe on several workers. Returns how many alerts went out."""
    ids = list(_late_candidates().order_by("delivery_date", "pk")
               .values_list("pk", flat=True)[:max(limit, 0)])
    if not ids:
        return 0
    procurement = list(users_with(dept=DEPT))
    return sum(_alert_one(pk, procurement) for pk in ids)


def completion_blockers(package) -> list[str]:
    """Why the procurement package cannot be done yet (empty: it can): contracts still in
    draft or signed but not closed, returns or exchanges still open (P5.2)."""
    unfinished = list(PurchaseContract.objects.filter(
        package_id=package.pk, status__in=[ContractStatus.DRAFT, ContractStatus.SIGNED])
        .order_by("number").values_list("status", "number")[:MAX_LISTED + 1])
    open_returns = SupplierReturn.objects.filter(contract__package_id=package.pk,
                                                 status=ReturnStatus.OPEN).count()
    reasons = []
    for status, message in (
            (ContractStatus.DRAFT, _("purchase contracts still in draft (sign or cancel "
                                     "them): %(numbers)s")),
            (ContractStatus.SIGNED, _("signed purchase contracts not closed: %(numbers)s"))):
        numbers = [number for state, number in unfinished if state == status]
        if numbers:
            reasons.append(message % {"numbers": "、".join(numbers[:MAX_LISTED])})
    if open_returns:
        reasons.append(_("returns or exchanges still open: %(n)s") % {"n": open_returns})
    return reasons
