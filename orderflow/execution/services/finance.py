"""Finance (P5.4.3): the order's actual costs, recorded by category. Records are never
edited or deleted; a mistake is corrected by a negative record naming the one it
corrects (same order and category, never more than is left of it)."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.validation import Errors

from ..domain.margin import correction_problem
from ..models import CostCategory, CostRecord
from .common import lock_package

DEPT = "finance"
MAX_AMOUNT = Decimal("99999999999999.99")


def _validated(errors: Errors, *, category, amount, incurred_on, description, reference,
               corrects_id) -> dict:
    values = {
        "category": errors.choice("category", category, CostCategory.choices),
        "amount": errors.decimal("amount", amount, min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT,
                                 places=2),
        "incurred_on": errors.date("incurred_on", incurred_on),
        "description": errors.text("description", description, required=True, max_length=200),
        "reference": errors.text("reference", reference, max_length=64),
        "corrects_id": errors.integer("corrects_id", corrects_id, required=False, min_value=1),
    }
    if values["amount"] is not None and values["amount"] == 0 and "amount" not in errors.errors:
        errors.add("amount", _("The amount cannot be zero."))
    if values["incurred_on"] and values["incurred_on"] > clock.today():
        errors.add("incurred_on", _("The date cannot be in the future."))
    return values


def _check_correction(errors: Errors, order_id: int, values: dict) -> CostRecord | None:
    """A negative amount corrects a record of the same order and category (P5.4.3)."""
    amount, corrects_id = values["amount"], values["corrects_id"]
    if amount is None or "amount" in errors.errors or "corrects_id" in errors.errors:
        return None
    if amount > 0:
        if corrects_id is not None:
            errors.add("corrects_id", _("A correction has a negative amount."))
        return None
    if corrects_id is None:
        errors.add("corrects_id", _("A negative amount corrects a record: choose which one."))
        return None
    corrected = (CostRecord.objects.select_for_update()
                 .filter(pk=corrects_id, order_id=order_id).first())
    if corrected is None:
        errors.add("corrects_id", _("Choose a cost record of this order."))
        return None
    if values["category"] and corrected.category != values["category"]:
        errors.add("category", _("A correction has the category of the record it corrects."))
    already = corrected.corrections.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    problem = correction_problem(amount=amount, corrected_amount=corrected.amount,
                                 already_corrected=already)
    if problem == "corrects_a_correction":
        errors.add("corrects_id", _("A correction cannot itself be corrected."))
    elif problem == "exceeds_record":
        errors.add("amount", _("The correction exceeds what is left of the record "
                               "(%(left)s).") % {"left": corrected.amount + already})
    return corrected


@transaction.atomic
def cost_record_add(*, order_id: int, actor, category, amount, incurred_on, description,
                    reference="", corrects_id=None) -> CostRecord:
    """Record an actual cost of the order (P5.4.3), or a negative correction of one.

    Raises:
        NotFound, NotPermitted (not Finance or its deputy), TransitionNotAllowed (order
        not in execution, package done), ValidationFailed field by field (category,
        amount zero or a negative without a valid record to correct, date in the future,
        description missing).
    """
    errors = Errors()
    values = _validated(errors, category=category, amount=amount, incurred_on=incurred_on,
                        description=description, reference=reference, corrects_id=corrects_id)
    locked = lock_package(order_id, DEPT, actor)
    corrected = _check_correction(errors, locked.order.pk, values)
    errors.raise_if_any()
    record = CostRecord.objects.create(
        order=locked.order, package=locked.package, created_by=actor,
        on_behalf_of=locked.principal, created_at=clock.now(), category=values["category"],
        amount=values["amount"], incurred_on=values["incurred_on"],
        description=values["description"], reference=values["reference"], corrects=corrected)
    audit.record(actor, "cost.recorded", record,
                 data={"order": locked.order.number, "category": record.category,
                       "amount": str(record.amount),
                       "incurred_on": record.incurred_on.isoformat(),
                       **({"corrects": corrected.pk} if corrected else {})},
                 on_behalf_of=locked.principal)
    return record


def completion_blockers(package) -> list[str]:
    """Why Finance cannot finish yet (P5.4.3): no cost recorded for the order."""
    if not CostRecord.objects.filter(order_id=package.order_id).exists():
        return [_("no cost has been recorded yet")]
    return []
