"""Helpers shared by the master-data services: field changes, yes/no flags, unique races."""

import functools
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.utils.translation import gettext as _

from orderflow.core.errors import Conflict
from orderflow.core.validation import Errors

from ..domain.columns import parse_flag

_FIELD_NAMES = {"owner_id": "owner"}  # foreign keys are set by id, audited by name


def plain(value):
    """A field value as the audit log stores it."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def cents(value: Decimal | None) -> Decimal | None:
    """Money with two decimals, as stored, so the audit log shows 1100.00, not 1100."""
    if value is None:
        return None
    try:
        return value.quantize(Decimal("0.01"))
    except InvalidOperation:  # far too big: the range check has reported it already
        return value


def apply_changes(obj, clean: dict) -> list[dict]:
    """Set the cleaned values on obj; the field-level changes, as the audit log wants them."""
    changes = []
    for field, new in clean.items():
        old = getattr(obj, field)
        if old != new:
            changes.append({"field": _FIELD_NAMES.get(field, field), "old": plain(old),
                            "new": plain(new)})
            setattr(obj, field, new)
    return changes


def created_changes(clean: dict) -> list[dict]:
    """The changes of a new record: every field given a value, from nothing."""
    return [{"field": _FIELD_NAMES.get(field, field), "old": None, "new": plain(value)}
            for field, value in clean.items() if value not in (None, "")]


def changed_attributes(changes: list[dict]) -> set[str]:
    """The model attributes behind audited changes (for bulk updates of only those)."""
    by_name = {name: attr for attr, name in _FIELD_NAMES.items()}
    return {by_name.get(c["field"], c["field"]) for c in changes}


def flag(errors: Errors, field: str, value) -> bool | None:
    parsed = parse_flag(value)
    if parsed is None:
        errors.add(field, _("Enter yes or no."))
    return parsed


def clean_texts(data: dict, errors: Errors, fields: dict, *, creating: bool,
                prefix: str = "") -> dict:
    """The given text fields (every one when creating), checked for presence and length.

    `fields` maps a field name to (max_length, required).
    """
    return {field: errors.text(prefix + field, data.get(field), required=required,
                               max_length=length)
            for field, (length, required) in fields.items() if creating or field in data}


def reject_unknown(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")


def unique_conflicts(func):
    """Two people saving the same new code at once: the loser gets a Conflict (409)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except IntegrityError as exc:
            raise Conflict(_("Someone else saved a record with the same code or tax ID "
                             "at the same time; please reload and try again.")) from exc

    return wrapper
