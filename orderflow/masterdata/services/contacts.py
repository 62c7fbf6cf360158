"""A customer's contact people, with phones and emails; edited by the customer's maintainers."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core.errors import NotFound
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from ..models import Contact, Customer
from .common import apply_changes, clean_texts, created_changes, flag, reject_unknown

TEXT_FIELDS = {"name": (64, True), "title": (64, False), "phone": (32, False),
               "mobile": (32, False), "email": (254, False)}
FIELDS = (*TEXT_FIELDS, "is_primary")
_PHONE = re.compile(r"^[0-9+()\-\s/#转,，;；]+$")


def contact_clean(data: dict, errors: Errors, *, creating: bool, prefix: str = "") -> dict:
    """Checked contact fields (every field when creating)."""
    reject_unknown(data, FIELDS)
    clean: dict = clean_texts(data, errors, TEXT_FIELDS, creating=creating, prefix=prefix)
    for field in ("phone", "mobile"):
        if clean.get(field) and not _PHONE.match(clean[field]):
            errors.add(prefix + field, _("Enter a phone number (digits, spaces, + - ( ))."))
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors.add(prefix + "email", _("Enter a valid email address."))
    if "is_primary" in data:
        clean["is_primary"] = flag(errors, prefix + "is_primary", data["is_primary"])
    if creating:
        check_reachable(errors, clean, prefix=prefix)
    return clean


def contact_validate(*, data: dict) -> None:
    """Check a complete set of contact fields without saving. Raises: ValidationFailed."""
    errors = Errors()
    contact_clean(data, errors, creating=True)
    errors.raise_if_any()


def check_reachable(errors: Errors, values: dict, *, prefix: str = "") -> None:
    if values.get("name") and not any(values.get(f) for f in ("phone", "mobile", "email")):
        errors.add(prefix + "phone", _("Give a phone number or an email address."))


def _make_only_primary(contact: Contact) -> None:
    Contact.objects.filter(customer_id=contact.customer_id, is_primary=True) \
        .exclude(pk=contact.pk).update(is_primary=False)


def contact_insert(customer: Customer, clean: dict, actor) -> Contact:
    """Save a checked contact; the first one is the primary contact."""
    first = not customer.contacts.exists()
    contact = Contact.objects.create(customer=customer, **{
        **clean, "is_primary": bool(clean.get("is_primary")) or first})
    if contact.is_primary:
        _make_only_primary(contact)
    audit.record(actor, "customer.contact_added", customer,
                 data={"contact_id": contact.pk, "changes": created_changes(clean)})
    return contact


def _lock_contact(contact_id, customer_id=None) -> Contact:
    qs = Contact.objects.select_for_update(of=("self",)).select_related("customer")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    contact = qs.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("Contact not found."))
    return contact


@transaction.atomic
def contact_add(*, customer_id: int, actor, **data) -> Contact:
    """Raises: NotFound, NotPermitted, ValidationFailed."""
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("Customer not found."))
    require(actor, "masterdata.change_customer", customer)
    errors = Errors()
    clean = contact_clean(data, errors, creating=True)
    errors.raise_if_any()
    return contact_insert(customer, clean, actor)


@transaction.atomic
def contact_update(*, contact_id: int, actor, customer_id: int | None = None,
                   **data) -> Contact:
    """Change the fields given. Raises: NotFound, NotPermitted, ValidationFailed."""
    contact = _lock_contact(contact_id, customer_id)
    require(actor, "masterdata.change_customer", contact.customer)
    errors = Errors()
    clean = contact_clean(data, errors, creating=False)
    merged = {f: clean.get(f, getattr(contact, f)) for f in TEXT_FIELDS}
    check_reachable(errors, merged)
    errors.raise_if_any()
    changes = apply_changes(contact, clean)
    if changes:
        contact.save()
        if contact.is_primary:
            _make_only_primary(contact)
        audit.record(actor, "customer.contact_updated", contact.customer,
                     data={"contact_id": contact.pk, "contact": contact.name,
                           "changes": changes})
    return contact


@transaction.atomic
def contact_remove(*, contact_id: int, actor, customer_id: int | None = None) -> None:
    """Raises: NotFound, NotPermitted."""
    contact = _lock_contact(contact_id, customer_id)
    customer = contact.customer
    require(actor, "masterdata.change_customer", customer)
    was_primary, contact_pk, name = contact.is_primary, contact.pk, contact.name
    contact.delete()
    if was_primary:
        successor = customer.contacts.order_by("id").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    audit.record(actor, "customer.contact_removed", customer,
                 data={"contact_id": contact_pk, "changes": [
                     {"field": "contact", "old": name, "new": None}]})
