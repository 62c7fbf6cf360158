"""Shared steps of the procurement services (P5.2): constants, locking a contract
(order first), field cleaners."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Dept
from orderflow.core import clock
from orderflow.core.errors import NotFound, TransitionNotAllowed
from orderflow.core.validation import Errors

from ...domain import procurement as rules
from ...models import (
    ContractStatus,
    PurchaseContract,
)
from ..common import Locked, lock_package, order_of

DEPT = Dept.PROCUREMENT.value
MAX_LINES = 100
MAX_LISTED = 10          # contract numbers named in a completion blocker
MAX_TEXT = 4000
MAX_QUANTITY = Decimal("99999999999.999")   # max_digits=14, decimal_places=3
MAX_PRICE = Decimal("999999999999.99")      # max_digits=14, decimal_places=2
_STATUS_LABELS = dict(ContractStatus.choices)
RECEIVED_TITLE = gettext_lazy("Goods received on purchase contract %(number)s (order "
                              "%(order)s): incoming inspection needed.")
LATE_TITLE = gettext_lazy("Purchase contract %(number)s (order %(order)s) is late: "
                          "delivery was due on %(due)s.")


# -- shared steps -----------------------------------------------------------------------

def _lock_contract(contract_id: int, actor, *, member: bool = True) -> tuple[Locked,
                                                                           PurchaseContract]:
    """Lock the contract's order, its procurement package (checking the actor works on it
    unless member=False), then the contract."""
    locked = lock_package(order_of(PurchaseContract, contract_id), DEPT, actor,
                          member=member)
    contract = (PurchaseContract.objects.select_for_update(of=("self",))
                .select_related("supplier").filter(pk=contract_id, order_id=locked.order.pk)
                .first())
    if contract is None:
        raise NotFound(_("Purchase contract not found."))
    contract.order = locked.order
    return locked, contract


def _require_state(contract: PurchaseContract, action: str) -> None:
    if not rules.allows(contract.status, action):
        raise TransitionNotAllowed(
            _("This is not possible while the purchase contract is “%(state)s”.")
            % {"state": _STATUS_LABELS.get(contract.status, contract.status)})


def _order_of(model, pk: int, path: str) -> int:
    """The order (or contract) id of a record below a contract, found along `path`."""
    order_id = model.objects.filter(pk=pk).values_list(path, flat=True).first()
    if order_id is None:
        raise NotFound(_("%(what)s not found.") % {"what": model._meta.verbose_name})
    return order_id


def _not_future(errors: Errors, field: str, day: dt.date | None) -> None:
    if day is not None and day > clock.today():
        errors.add(field, _("This date cannot be in the future."))


def _moment(errors: Errors, field: str, value) -> dt.datetime | None:
    """A date and time (ISO text or datetime; naive means company time), not in the future."""
    if value in (None, ""):
        errors.add(field, _("This field is required."))
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(field, _("Enter a valid date and time (YYYY-MM-DD HH:MM)."))
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > clock.now() + dt.timedelta(minutes=5):
        errors.add(field, _("This moment cannot be in the future."))
    return moment


def _id(errors: Errors, field: str, value) -> int | None:
    number = errors.integer(field, value, min_value=1)
    if number is not None and number >= 2**63:
        errors.add(field, _("Select a valid choice."))
        return None
    return number
