"""Purchase contracts (P5.2.1): draft, sign (Procurement only), cancel, close."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.masterdata.models import Product, Supplier

from ...domain import procurement as rules
from ...models import (
    PurchaseContract,
    PurchaseContractLine,
    ReturnStatus,
    SupplierDelivery,
    SupplierDeliveryLine,
    SupplierReturn,
)
from ..common import Locked, lock_package, next_number
from ._common import (
    DEPT,
    MAX_LINES,
    MAX_PRICE,
    MAX_QUANTITY,
    MAX_TEXT,
    _id,
    _lock_contract,
    _require_state,
)

# -- purchase contracts (P5.2.1) ---------------------------------------------------------

def _clean_line(errors: Errors, i: int, line: dict) -> dict:
    prefix = f"lines.{i}."
    row = {"description": errors.text(prefix + "description", line.get("description"),
                                      required=True, max_length=200),
           "specification": errors.text(prefix + "specification", line.get("specification"),
                                        max_length=200),
           "quantity": errors.decimal(prefix + "quantity", line.get("quantity"), positive=True,
                                      max_value=MAX_QUANTITY, places=3),
           "unit": errors.text(prefix + "unit", line.get("unit"), required=True,
                               max_length=16),
           "unit_price": errors.decimal(prefix + "unit_price", line.get("unit_price"),
                                        min_value=0, max_value=MAX_PRICE, places=2),
           "product_id": None}
    if line.get("product_id") not in (None, ""):
        row["product_id"] = _id(errors, prefix + "product_id", line.get("product_id"))
    return row


def _clean_contract(errors: Errors, *, supplier_id, contract_date, delivery_date, lines,
                    note) -> dict:
    clean = {"supplier_id": _id(errors, "supplier_id", supplier_id),
             "contract_date": errors.date("contract_date", contract_date),
             "delivery_date": errors.date("delivery_date", delivery_date),
             "note": errors.text("note", note, max_length=MAX_TEXT)}
    if clean["supplier_id"] is not None and not Supplier.objects.filter(
            pk=clean["supplier_id"], is_active=True).exists():
        errors.add("supplier_id", _("Choose an active supplier."))
    if (clean["contract_date"] and clean["delivery_date"]
            and clean["delivery_date"] < clean["contract_date"]):
        errors.add("delivery_date", _("The delivery date cannot be before the contract date."))
    lines = [line for line in (lines or []) if isinstance(line, dict)]
    if not lines:
        errors.add("lines", _("Enter at least one item."))
    elif len(lines) > MAX_LINES:
        errors.add("lines", _("At most %(n)s items.") % {"n": MAX_LINES})
    rows = [_clean_line(errors, i, line) for i, line in enumerate(lines[:MAX_LINES])]
    products = {r["product_id"] for r in rows if r["product_id"]}
    known = set(Product.objects.filter(pk__in=products).values_list("pk", flat=True))
    for i, row in enumerate(rows):
        if row["product_id"] and row["product_id"] not in known:
            errors.add(f"lines.{i}.product_id", _("Choose an existing product."))
    clean["lines"] = rows
    return clean


@transaction.atomic
def purchase_contract_create(*, order_id: int, actor, supplier_id, contract_date,
                             delivery_date, lines: list[dict], note: str = "") -> PurchaseContract:
    """A draft purchase contract for the order (P5.2.1): supplier, items with quantity and
    price, agreed delivery date; numbered PC-YYYY-NNNNN, total = sum of the amounts.

    Raises:
        ValidationFailed (field paths like `delivery_date`, `lines.0.quantity`),
        NotFound, NotPermitted (not Procurement), TransitionNotAllowed.
    """
    errors = Errors()
    clean = _clean_contract(errors, supplier_id=supplier_id, contract_date=contract_date,
                            delivery_date=delivery_date, lines=lines, note=note)
    errors.raise_if_any()
    locked = lock_package(order_id, DEPT, actor)
    now = clock.now()
    rows = [{**r, "amount": rules.line_amount(r["quantity"], r["unit_price"])}
            for r in clean.pop("lines")]
    contract = PurchaseContract.objects.create(
        order=locked.order, package=locked.package, created_by=actor,
        on_behalf_of=locked.principal, created_at=now, updated_at=now,
        number=next_number("PC", clock.today().year),
        total_amount=sum((r["amount"] for r in rows), Decimal("0")), **clean)
    PurchaseContractLine.objects.bulk_create(
        PurchaseContractLine(contract=contract, position=i, **row)
        for i, row in enumerate(rows, start=1))
    audit.record(actor, "purchase_contract.created", contract, to_state=contract.status,
                 data={"order": locked.order.number, "supplier": contract.supplier_id,
                       "total": contract.total_amount, "lines": len(rows),
                       "delivery_date": contract.delivery_date},
                 on_behalf_of=locked.principal)
    return contract


def _move(contract: PurchaseContract, action: str, actor, locked: Locked, data: dict,
          **fields) -> PurchaseContract:
    from_state = contract.status
    contract.status = rules.CONTRACT_TARGETS[action]
    contract.updated_at = clock.now()
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.save(update_fields=["status", "updated_at", *fields])
    audit.record(actor, f"purchase_contract.{contract.status}", contract,
                 from_state=from_state, to_state=contract.status,
                 data={"order": locked.order.number, **data}, on_behalf_of=locked.principal)
    return contract


@transaction.atomic
def purchase_contract_sign(*, contract_id: int, actor) -> PurchaseContract:
    """Procurement signs the draft contract (P5.2.1): only a member of the order's
    procurement package, or a deputy of one, signs.

    Raises: NotFound, NotPermitted, TransitionNotAllowed (not a draft).
    """
    locked, contract = _lock_contract(contract_id, actor)
    _require_state(contract, "sign")
    return _move(contract, "sign", actor, locked, {"total": contract.total_amount},
                 signed_by=actor, signed_at=clock.now())


@transaction.atomic
def purchase_contract_cancel(*, contract_id: int, actor, reason: str) -> PurchaseContract:
    """Cancel a draft or signed contract against which nothing was received.

    Raises: ValidationFailed (no reason), NotFound, NotPermitted, TransitionNotAllowed.
    """
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    errors.raise_if_any()
    locked, contract = _lock_contract(contract_id, actor)
    _require_state(contract, "cancel")
    if SupplierDelivery.objects.filter(contract_id=contract.pk).exists():
        raise TransitionNotAllowed(_("Goods were already received against this contract; "
                                     "it cannot be cancelled."))
    return _move(contract, "cancel", actor, locked, {"reason": reason})


def _close_reasons(contract: PurchaseContract) -> list[str]:
    lines = list(PurchaseContractLine.objects.filter(contract_id=contract.pk)
                 .values_list("quantity", "received_quantity"))
    uninspected = SupplierDeliveryLine.objects.filter(
        delivery__contract_id=contract.pk, inspection__isnull=True).count()
    open_returns = SupplierReturn.objects.filter(contract_id=contract.pk,
                                                 status=ReturnStatus.OPEN).count()
    words = {"not_received": _("not everything has been received"),
             "not_inspected": _("delivered items awaiting incoming inspection: %(n)s")
             % {"n": uninspected},
             "open_returns": _("returns or exchanges still open: %(n)s") % {"n": open_returns}}
    return [words[code] for code in rules.close_blockers(
        lines=lines, uninspected=uninspected, open_returns=open_returns)]


@transaction.atomic
def purchase_contract_close(*, contract_id: int, actor) -> PurchaseContract:
    """Close a signed contract: everything received and inspected, no open return (P5.2).

    Raises: NotFound, NotPermitted, TransitionNotAllowed (wrong state or not finished).
    """
    locked, contract = _lock_contract(contract_id, actor)
    _require_state(contract, "close")
    reasons = _close_reasons(contract)
    if reasons:
        raise TransitionNotAllowed(_("The contract cannot be closed yet: %(reasons)s.")
                                   % {"reasons": "；".join(reasons)})
    return _move(contract, "close", actor, locked, {}, closed_at=clock.now())
