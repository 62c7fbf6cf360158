"""Customers (issue 2 §4): maintained by Sales, credit terms by Finance (see permissions)."""

import re
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core.errors import NotFound
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from ..models import CreditRating, Customer
from .common import (
    apply_changes,
    cents,
    clean_texts,
    created_changes,
    flag,
    reject_unknown,
    unique_conflicts,
)
from .contacts import contact_clean, contact_insert

TEXT_FIELDS = {"code": (32, True), "name": (200, True), "tax_id": (32, True),
               "address": (300, False), "industry": (64, False)}
CREDIT_FIELDS = ("credit_rating", "credit_limit", "receivables_outstanding")
CREDIT_DEFAULTS = {"credit_rating": CreditRating.B, "credit_limit": Decimal("0"),
                   "receivables_outstanding": Decimal("0")}
FIELDS = (*TEXT_FIELDS, *CREDIT_FIELDS, "is_active", "owner_id")
MAX_AMOUNT = Decimal("99999999999999.99")  # max_digits=16, decimal_places=2
_TAX_ID = re.compile(r"^[0-9A-Z-]+$")
_RATING_WORD = re.compile(r"[\s·.:：]")


def customer_clean(data: dict, errors: Errors, *, creating: bool, prefix: str = "") -> dict:
    """Checked values of the fields given (every field when creating); owner aside."""
    clean: dict = clean_texts(data, errors, TEXT_FIELDS, creating=creating, prefix=prefix)
    if clean.get("tax_id"):
        clean["tax_id"] = clean["tax_id"].upper().replace(" ", "")
        if not _TAX_ID.match(clean["tax_id"]):
            errors.add(prefix + "tax_id", _("Use only digits, letters and hyphens."))
    if creating or "credit_rating" in data:
        # "A", "a" or a label such as "A · excellent" all mean rating A.
        rating = _RATING_WORD.split(str(data.get("credit_rating") or "").strip())[0].upper()
        if creating and not rating:
            rating = CreditRating.B
        clean["credit_rating"] = errors.choice(prefix + "credit_rating", rating,
                                               CreditRating.choices)
    for field in ("credit_limit", "receivables_outstanding"):
        if creating or field in data:
            value = data.get(field)
            value = "0" if creating and value in (None, "") else value
            clean[field] = cents(errors.decimal(prefix + field, value, min_value=0,
                                                max_value=MAX_AMOUNT))
    if "is_active" in data:
        clean["is_active"] = flag(errors, prefix + "is_active", data["is_active"])
    return clean


def check_unique(errors: Errors, clean: dict, *, exclude_pk=None, prefix: str = "") -> None:
    """Code and tax ID belong to one customer each."""
    messages = {"code": _("A customer with this code already exists."),
                "tax_id": _("A customer with this tax ID already exists.")}
    for field, message in messages.items():
        value = clean.get(field)
        if value and Customer.objects.filter(**{field: value}).exclude(pk=exclude_pk).exists():
            errors.add(prefix + field, message)


def owner_clean(errors: Errors, field: str, value) -> int | None:
    """An active salesperson's id, or None for "no owner"."""
    if value in (None, ""):
        return None
    try:
        user = User.objects.filter(pk=int(value), is_active=True,
                                   department__code=Dept.SALES).first()
    except (TypeError, ValueError):
        user = None
    if user is None:
        errors.add(field, _("Choose an active salesperson."))
        return None
    return user.pk


def require_field_perms(actor, customer: Customer, changed: set[str]) -> None:
    """Each group of fields has its maintainer (see permissions)."""
    if changed - {*CREDIT_FIELDS, "owner_id"}:
        require(actor, "masterdata.change_customer", customer)
    if changed & set(CREDIT_FIELDS):
        require(actor, "masterdata.change_customer_credit", customer,
                _("Only Finance, a Sales head or a system admin may change credit terms."))
    if "owner_id" in changed:
        require(actor, "masterdata.assign_customer_owner", customer,
                _("Only a Sales head or a system admin may hand a customer to someone else."))


def lock_customer(customer_id) -> Customer:
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("Customer not found."))
    return customer


def require_insert_perms(actor, clean: dict) -> None:
    """Creating needs add_customer (checked by the caller); credit terms other than the
    defaults and an owner other than oneself need their own permissions."""
    changed = {f for f in CREDIT_FIELDS if f in clean and clean[f] != CREDIT_DEFAULTS[f]}
    if clean.get("owner_id") not in (None, actor.pk):
        changed.add("owner_id")
    require_field_perms(actor, Customer(owner_id=clean.get("owner_id")), changed)


def customer_insert(clean: dict, actor) -> Customer:
    """Save a new, checked customer and audit it (the caller holds the transaction)."""
    require_insert_perms(actor, clean)
    customer = Customer.objects.create(**clean)
    audit.record(actor, "customer.created", customer,
                 data={"changes": created_changes(clean)})
    return customer


def customer_apply(customer: Customer, clean: dict, actor) -> list[dict]:
    """Check the field permissions and set the checked values; the changes (not saved)."""
    changed = {f for f, v in clean.items() if getattr(customer, f) != v}
    require_field_perms(actor, customer, changed)
    return apply_changes(customer, clean)


def customer_validate(*, data: dict, customer_id: int | None = None) -> None:
    """Check fields without saving (e.g. for a form before it saves through the service).

    Raises: ValidationFailed.
    """
    errors = Errors()
    clean = customer_clean(data, errors, creating=customer_id is None)
    if data.get("owner_id") is not None:
        owner_clean(errors, "owner_id", data["owner_id"])
    check_unique(errors, clean, exclude_pk=customer_id)
    errors.raise_if_any()


@unique_conflicts
@transaction.atomic
def customer_create(*, actor, contacts: list[dict] | None = None, **data) -> Customer:
    """A new customer, owned by the salesperson creating it unless another owner is given.

    Raises: NotPermitted, ValidationFailed (field paths like `tax_id`, `contacts.0.email`).
    """
    require(actor, "masterdata.add_customer")
    reject_unknown(data, FIELDS)
    errors = Errors()
    clean = customer_clean(data, errors, creating=True)
    default_owner = actor.pk if actor.dept_code == Dept.SALES else None
    clean["owner_id"] = (owner_clean(errors, "owner_id", data["owner_id"])
                         if "owner_id" in data else default_owner)
    contact_rows = [contact_clean(c, errors, creating=True, prefix=f"contacts.{i}.")
                    for i, c in enumerate(contacts or [])]
    check_unique(errors, clean)
    errors.raise_if_any()
    customer = customer_insert(clean, actor)
    for row in contact_rows:
        contact_insert(customer, row, actor)
    return customer


@unique_conflicts
@transaction.atomic
def customer_update(*, customer_id: int, actor, **data) -> Customer:
    """Change the fields given; each field group needs its maintainer's permission.

    Raises: NotFound, NotPermitted, ValidationFailed.
    """
    customer = lock_customer(customer_id)
    require(actor, "masterdata.edit_customer", customer)
    reject_unknown(data, FIELDS)
    errors = Errors()
    clean = customer_clean(data, errors, creating=False)
    if "owner_id" in data:
        clean["owner_id"] = owner_clean(errors, "owner_id", data["owner_id"])
    check_unique(errors, clean, exclude_pk=customer.pk)
    errors.raise_if_any()
    changes = customer_apply(customer, clean, actor)
    if changes:
        customer.save()
        audit.record(actor, "customer.updated", customer, data={"changes": changes})
    return customer
