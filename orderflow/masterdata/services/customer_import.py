"""Customers from a spreadsheet: new codes are created, known codes updated (P11)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from ..domain.columns import CUSTOMER_COLUMNS
from ..models import Contact, Customer
from .common import apply_changes, changed_attributes, unique_conflicts
from .contacts import contact_clean
from .customers import FIELDS, customer_apply, customer_clean, require_insert_perms
from .imports import (
    ImportFailed,
    ImportResult,
    ImportRun,
    read_records,
    row_errors,
    text_key,
)
from .imports import present as present_cells

CONTACT_KEYS = {"contact_name": "name", "contact_phone": "phone", "contact_email": "email"}


@dataclass
class _Known:
    customers: dict   # code -> locked Customer
    tax_holders: dict  # tax ID -> code
    owners: dict      # username -> User
    contacts: dict    # (customer id, contact name) -> Contact
    with_contacts: set  # ids of customers that have a contact already
    seen_codes: dict
    seen_tax: dict


@dataclass
class _Plan:
    code: str
    current: Customer | None
    clean: dict
    contact: Contact | None
    contact_clean: dict | None


def customers_import(*, upload, actor, file_name: str = "") -> ImportResult:
    """Import the customers of an .xlsx file, all or nothing.

    Raises: NotPermitted, ValidationFailed (file problems), ImportFailed (row problems).
    """
    require(actor, "masterdata.import_customers")
    records, labels = read_records(upload, CUSTOMER_COLUMNS)
    return _import(records, labels, actor, file_name or getattr(upload, "name", ""))


def _known(records) -> _Known:
    codes = {text_key(v.get("code")) for _n, v in records}
    tax_ids = {text_key(v.get("tax_id")).upper().replace(" ", "") for _n, v in records}
    owners = {text_key(v.get("owner")) for _n, v in records} - {""}
    customers = {c.code: c for c in Customer.objects.select_for_update().filter(code__in=codes)}
    contacts = {(c.customer_id, c.name): c
                for c in Contact.objects.filter(customer__in=customers.values())}
    return _Known(
        customers=customers,
        tax_holders=dict(Customer.objects.filter(tax_id__in=tax_ids)
                         .values_list("tax_id", "code")),
        owners={u.username: u for u in User.objects.filter(
            username__in=owners, is_active=True, department__code=Dept.SALES)},
        contacts=contacts, with_contacts={c.customer_id for c in contacts.values()},
        seen_codes={}, seen_tax={})


def _plan(number: int, values: dict, errors: Errors, known: _Known) -> _Plan:
    code = text_key(values.get("code"))
    current = known.customers.get(code)
    data = present_cells(values, [k for k in FIELDS if k != "owner_id"])
    clean = customer_clean(data, errors, creating=current is None)
    if code and code in known.seen_codes:
        errors.add("code", _("This code appears again (first in row %(row)s).")
                   % {"row": known.seen_codes[code]})
    known.seen_codes.setdefault(code, number)
    tax_id = clean.get("tax_id")
    if tax_id:
        holder = known.tax_holders.get(tax_id, known.seen_tax.get(tax_id, code))
        if holder != code:
            errors.add("tax_id", _("Customer %(code)s already has this tax ID.")
                       % {"code": holder})
        known.seen_tax.setdefault(tax_id, code)
    if values.get("owner") is not None:
        owner = known.owners.get(text_key(values["owner"]))
        if owner is None:
            errors.add("owner", _("No active salesperson has the user name %(name)s.")
                       % {"name": values["owner"]})
        clean["owner_id"] = owner.pk if owner else None
    return _plan_contact(_Plan(code, current, clean, None, None), values, errors, known)


def _plan_contact(plan: _Plan, values: dict, errors: Errors, known: _Known) -> _Plan:
    cells = {CONTACT_KEYS[k]: v for k, v in present_cells(values, CONTACT_KEYS).items()}
    if not cells:
        return plan
    if plan.current is not None and "name" in cells:
        plan.contact = known.contacts.get((plan.current.pk, text_key(cells["name"])))
    clean = contact_clean(cells, errors, creating=plan.contact is None, prefix="contact_")
    plan.contact_clean = {k: clean[k] for k in cells} if plan.contact else clean
    return plan


@unique_conflicts
@transaction.atomic
def _import(records, labels: dict, actor, file_name: str) -> ImportResult:
    known = _known(records)
    plans, problems = [], []
    for number, values in records:
        errors = Errors()
        plans.append(_plan(number, values, errors, known))
        problems += row_errors(number, errors, labels)
    if problems:
        raise ImportFailed(problems)
    result, updates = _write(plans, actor, known)
    # One event for the whole import, with every field changed, record by record: an
    # import of thousands of rows stays one short transaction.
    audit.record(actor, "masterdata.customers_imported", ImportRun("customers", file_name),
                 data={"file": file_name, "created": result.created, "updated": updates,
                       "unchanged": len(result.unchanged)})
    return result


def _write(plans: list[_Plan], actor, known: _Known) -> tuple[ImportResult, list[dict]]:
    """Insert and update in bulk; the permission of each field is checked first."""
    result, updates = ImportResult(), []
    known_plans = [p for p in plans if p.current is not None]
    fresh = [p for p in plans if p.current is None]
    for plan in fresh:
        require_insert_perms(actor, plan.clean)
        plan.current = Customer(**plan.clean)
    Customer.objects.bulk_create([p.current for p in fresh], batch_size=500)
    result.created = [p.code for p in fresh]
    changed, fields = [], set()
    for plan in known_plans:
        entry = {"code": plan.code, "changes": customer_apply(plan.current, plan.clean, actor)}
        if entry["changes"]:
            changed.append(plan.current)
            fields.update(changed_attributes(entry["changes"]))
        contact = _contact_entry(plan)
        if contact:
            entry["contact"] = contact
        if entry["changes"] or contact:
            updates.append(entry)
            result.updated.append(plan.code)
        else:
            result.unchanged.append(plan.code)
    if changed:
        # Only the columns that changed: bulk updates grow with rows x columns.
        Customer.objects.bulk_update(changed, sorted(fields), batch_size=200)
        Customer.objects.filter(pk__in=[c.pk for c in changed]).update(updated_at=clock.now())
    _write_contacts(plans, actor, known)
    return result, updates


def _contact_entry(plan: _Plan) -> dict | None:
    """What the row does to its contact (applied to the object, not saved yet)."""
    if plan.contact is not None:
        changes = apply_changes(plan.contact, plan.contact_clean)
        plan.contact_clean = {c["field"]: getattr(plan.contact, c["field"]) for c in changes}
        return {"name": plan.contact.name, "changes": changes} if changes else None
    if plan.contact_clean is not None:
        return {"name": plan.contact_clean["name"], "added": True}
    return None


def _write_contacts(plans: list[_Plan], actor, known: _Known) -> None:
    """New contacts (the first of a customer is its primary one) and changed ones."""
    touched = [p for p in plans if p.contact_clean]
    for plan in touched:
        require(actor, "masterdata.change_customer", plan.current)
    Contact.objects.bulk_create(
        [Contact(customer=p.current, **{**p.contact_clean,
                                        "is_primary": p.current.pk not in known.with_contacts})
         for p in touched if p.contact is None], batch_size=500)
    changed = [p for p in touched if p.contact is not None]
    fields = sorted({k for p in changed for k in p.contact_clean})
    if fields:
        Contact.objects.bulk_update([p.contact for p in changed], fields, batch_size=200)
