"""Products and services from a spreadsheet: new codes are created, known codes updated."""

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from ..domain.columns import PRODUCT_COLUMNS
from ..models import Product
from .common import apply_changes, changed_attributes, unique_conflicts
from .imports import (
    ImportFailed,
    ImportResult,
    ImportRun,
    present,
    read_records,
    row_errors,
    text_key,
)
from .products import FIELDS, product_clean


def products_import(*, upload, actor, file_name: str = "") -> ImportResult:
    """Import the products and services of an .xlsx file, all or nothing.

    Raises: NotPermitted, ValidationFailed (file problems), ImportFailed (row problems).
    """
    require(actor, "masterdata.import_products")
    records, labels = read_records(upload, PRODUCT_COLUMNS)
    return _import(records, labels, actor, file_name or getattr(upload, "name", ""))


@unique_conflicts
@transaction.atomic
def _import(records, labels: dict, actor, file_name: str) -> ImportResult:
    codes = {text_key(v.get("code")) for _n, v in records}
    known = {p.code: p for p in Product.objects.select_for_update().filter(code__in=codes)}
    seen: dict[str, int] = {}
    plans, problems = [], []
    for number, values in records:
        errors = Errors()
        code = text_key(values.get("code"))
        current = known.get(code)
        clean = product_clean(present(values, FIELDS), errors, creating=current is None)
        if code and code in seen:
            errors.add("code", _("This code appears again (first in row %(row)s).")
                       % {"row": seen[code]})
        seen.setdefault(code, number)
        plans.append((code, current, clean))
        problems += row_errors(number, errors, labels)
    if problems:
        raise ImportFailed(problems)
    result, updates = _write(plans)
    # One event for the whole import, with every field changed, record by record.
    audit.record(actor, "masterdata.products_imported", ImportRun("products", file_name),
                 data={"file": file_name, "created": result.created, "updated": updates,
                       "unchanged": len(result.unchanged)})
    return result


def _write(plans: list[tuple]) -> tuple[ImportResult, list[dict]]:
    result, updates, changed, fields = ImportResult(), [], [], set()
    fresh = [Product(**clean) for _code, current, clean in plans if current is None]
    Product.objects.bulk_create(fresh, batch_size=500)
    result.created = [p.code for p in fresh]
    for code, current, clean in plans:
        if current is None:
            continue
        changes = apply_changes(current, clean)
        if changes:
            changed.append(current)
            fields.update(changed_attributes(changes))
            updates.append({"code": code, "changes": changes})
            result.updated.append(code)
        else:
            result.unchanged.append(code)
    if changed:
        # Only the columns that changed: bulk updates grow with rows x columns.
        Product.objects.bulk_update(changed, sorted(fields), batch_size=200)
        Product.objects.filter(pk__in=[p.pk for p in changed]).update(updated_at=clock.now())
    return result, updates
