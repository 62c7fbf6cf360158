"""Suppliers (P5.2.1): master data for purchase contracts, maintained by Procurement and
system admins (see permissions). A supplier is never deleted (contracts refer to it): it
is deactivated, and an inactive supplier gets no new contracts."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core.errors import NotFound
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from ..models import Supplier
from .common import (
    apply_changes,
    clean_texts,
    created_changes,
    flag,
    reject_unknown,
    unique_conflicts,
)

TEXT_FIELDS = {"code": (32, True), "name": (200, True), "tax_id": (32, False),
               "contact_name": (64, False), "phone": (32, False), "email": (254, False),
               "address": (300, False), "categories": (200, False)}
FIELDS = (*TEXT_FIELDS, "is_active")


def supplier_clean(data: dict, errors: Errors, *, creating: bool) -> dict:
    """Checked values of the fields given (every text field when creating)."""
    reject_unknown(data, FIELDS)
    clean = clean_texts(data, errors, TEXT_FIELDS, creating=creating)
    if clean.get("code"):
        clean["code"] = clean["code"].upper()
    if clean.get("tax_id"):
        clean["tax_id"] = clean["tax_id"].upper().replace(" ", "")
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except DjangoValidationError:
            errors.add("email", _("Enter a valid email address."))
    if "is_active" in data:
        clean["is_active"] = flag(errors, "is_active", data["is_active"])
    return clean


def _check_unique(errors: Errors, clean: dict, *, exclude_pk=None) -> None:
    code = clean.get("code")
    if code and Supplier.objects.filter(code__iexact=code).exclude(pk=exclude_pk).exists():
        errors.add("code", _("A supplier with this code already exists."))


def _lock(supplier_id) -> Supplier:
    supplier = Supplier.objects.select_for_update().filter(pk=supplier_id).first()
    if supplier is None:
        raise NotFound(_("Supplier not found."))
    return supplier


@unique_conflicts
@transaction.atomic
def supplier_create(*, actor, code, name, **data) -> Supplier:
    """A new supplier (P5.2.1).

    Raises: NotPermitted (not Procurement or an admin), ValidationFailed (e.g. `code`
    taken, `email` invalid).
    """
    require(actor, "masterdata.add_supplier")
    errors = Errors()
    clean = supplier_clean({"code": code, "name": name, **data}, errors, creating=True)
    _check_unique(errors, clean)
    errors.raise_if_any()
    supplier = Supplier.objects.create(**clean)
    audit.record(actor, "supplier.created", supplier, data={"changes": created_changes(clean)})
    return supplier


@unique_conflicts
@transaction.atomic
def supplier_update(*, supplier_id: int, actor, **fields) -> Supplier:
    """Change the fields given (is_active=False deactivates).

    Raises: NotFound, NotPermitted, ValidationFailed.
    """
    supplier = _lock(supplier_id)
    require(actor, "masterdata.change_supplier", supplier)
    errors = Errors()
    clean = supplier_clean(fields, errors, creating=False)
    _check_unique(errors, clean, exclude_pk=supplier.pk)
    errors.raise_if_any()
    changes = apply_changes(supplier, clean)
    if changes:
        supplier.save()
        audit.record(actor, "supplier.updated", supplier, data={"changes": changes})
    return supplier


@transaction.atomic
def supplier_set_active(*, supplier_id: int, actor, active: bool) -> Supplier:
    """Activate or deactivate a supplier; an inactive one gets no new contracts (P5.2.1).

    Raises: NotFound, NotPermitted.
    """
    supplier = _lock(supplier_id)
    require(actor, "masterdata.change_supplier", supplier)
    active = bool(active)
    if supplier.is_active != active:
        changes = apply_changes(supplier, {"is_active": active})
        supplier.save(update_fields=["is_active", "updated_at"])
        audit.record(actor, "supplier.activated" if active else "supplier.deactivated",
                     supplier, data={"changes": changes})
    return supplier
