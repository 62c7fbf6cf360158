"""Collecting bad input field by field, so a form or API shows every problem at once."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .errors import ValidationFailed

_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def search_term(value, *, max_length: int = 100) -> str:
    """A free-text search term as the database can compare it: no control characters
    (PostgreSQL text cannot hold NUL), trimmed and bounded."""
    return _UNSTORABLE.sub("", str(value or "")).strip()[:max_length]


_ID = re.compile(r"[0-9]{1,18}")


def as_id(value) -> int | None:
    """A database id written as 1-18 ASCII digits, else None (str.isdigit() accepts "²",
    which int() then refuses)."""
    text = str(value if value is not None else "").strip()
    return int(text) if _ID.fullmatch(text) else None


class Errors:
    """Accumulates messages per field path; `raise_if_any()` ends the validation."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def text(self, field, value, *, required=False, max_length=None) -> str:
        value = "" if value is None else str(value).strip()
        if required and not value:
            self.add(field, _("This field is required."))
        elif max_length and len(value) > max_length:
            self.add(field, _("At most %(n)s characters.") % {"n": max_length})
        return value

    def decimal(self, field, value, *, required=True, positive=False, min_value=None,
                max_value=None, places=2) -> Decimal | None:
        if value is None or value == "":
            if required:
                self.add(field, _("This field is required."))
            return None
        try:
            number = Decimal(str(value).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            self.add(field, _("Enter a number."))
            return None
        if not number.is_finite():
            self.add(field, _("Enter a number."))
            return None
        errors_before = len(self.errors.get(field, []))
        if positive and number <= 0:
            self.add(field, _("Must be greater than zero."))
        elif min_value is not None and number < min_value:
            self.add(field, _("Must be at least %(v)s.") % {"v": min_value})
        elif max_value is not None and number > max_value:
            self.add(field, _("Must be at most %(v)s.") % {"v": max_value})
        if number.as_tuple().exponent < -places:
            self.add(field, _("At most %(n)s decimal places.") % {"n": places})
        if len(self.errors.get(field, [])) > errors_before:
            return number
        try:
            # As the database will keep it: "2" becomes 2.000 for a 3-place quantity.
            return number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            self.add(field, _("The number is too large."))
            return number

    def date(self, field, value, *, required=True) -> dt.date | None:
        if value in (None, ""):
            if required:
                self.add(field, _("This field is required."))
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(field, _("Enter a valid date (YYYY-MM-DD)."))
            return None

    def integer(self, field, value, *, required=True, min_value=None) -> int | None:
        if value in (None, ""):
            if required:
                self.add(field, _("This field is required."))
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            self.add(field, _("Enter a whole number."))
            return None
        if min_value is not None and number < min_value:
            self.add(field, _("Must be at least %(v)s.") % {"v": min_value})
        return number

    def choice(self, field, value, choices, *, required=True) -> str:
        value = "" if value is None else str(value)
        valid = {str(c[0]) if isinstance(c, tuple | list) else str(c) for c in choices}
        if not value:
            if required:
                self.add(field, _("This field is required."))
        elif value not in valid:
            self.add(field, _("Select a valid choice."))
        return value
