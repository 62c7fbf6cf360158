"""Products and services (issue 2 §4): maintained by Technology, Sales heads and admins.

A product is never deleted (order lines refer to it): it is deactivated (is_active).
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core.errors import NotFound
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from ..domain.columns import normalise_header
from ..models import Product, ProductKind
from .common import (
    apply_changes,
    cents,
    clean_texts,
    created_changes,
    flag,
    reject_unknown,
    unique_conflicts,
)

TEXT_FIELDS = {"code": (32, True), "name": (200, True), "specification": (200, False),
               "unit": (16, True)}
FIELDS = (*TEXT_FIELDS, "kind", "standard_price", "standard_cost", "min_lead_days",
          "is_active")
MAX_PRICE = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
MAX_LEAD_DAYS = 3650
_KIND_WORDS = {"product": ProductKind.PRODUCT, "产品": ProductKind.PRODUCT,
               "货物": ProductKind.PRODUCT, "goods": ProductKind.PRODUCT,
               "service": ProductKind.SERVICE, "服务": ProductKind.SERVICE}


def _kind(errors: Errors, field: str, value, *, creating: bool) -> str:
    word = normalise_header(value)
    if not word and creating:
        return ProductKind.PRODUCT
    kind = _KIND_WORDS.get(word, word)
    return errors.choice(field, kind, ProductKind.choices)


def product_clean(data: dict, errors: Errors, *, creating: bool, prefix: str = "") -> dict:
    """Checked values of the fields given (every field when creating)."""
    reject_unknown(data, FIELDS)
    clean: dict = clean_texts(data, errors, TEXT_FIELDS, creating=creating, prefix=prefix)
    if creating or "kind" in data:
        clean["kind"] = _kind(errors, prefix + "kind", data.get("kind"), creating=creating)
    if creating or "standard_price" in data:
        clean["standard_price"] = cents(errors.decimal(
            prefix + "standard_price", data.get("standard_price"), min_value=0,
            max_value=MAX_PRICE))
    if creating or "standard_cost" in data:
        cost = data.get("standard_cost")
        clean["standard_cost"] = cents(errors.decimal(
            prefix + "standard_cost", "0" if creating and cost in (None, "") else cost,
            min_value=0, max_value=MAX_PRICE))
    if creating or "min_lead_days" in data:
        days = data.get("min_lead_days")
        days = errors.integer(prefix + "min_lead_days", 0 if creating and days in (None, "")
                              else days, min_value=0)
        if days is not None and days > MAX_LEAD_DAYS:
            errors.add(prefix + "min_lead_days", _("Must be at most %(v)s.")
                       % {"v": MAX_LEAD_DAYS})
        clean["min_lead_days"] = days
    if "is_active" in data:
        clean["is_active"] = flag(errors, prefix + "is_active", data["is_active"])
    return clean


def check_unique(errors: Errors, clean: dict, *, exclude_pk=None, prefix: str = "") -> None:
    code = clean.get("code")
    if code and Product.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        errors.add(prefix + "code", _("A product with this code already exists."))


def product_validate(*, data: dict, product_id: int | None = None) -> None:
    """Check fields without saving. Raises: ValidationFailed."""
    errors = Errors()
    clean = product_clean(data, errors, creating=product_id is None)
    check_unique(errors, clean, exclude_pk=product_id)
    errors.raise_if_any()


@unique_conflicts
@transaction.atomic
def product_create(*, actor, **data) -> Product:
    """Raises: NotPermitted, ValidationFailed (e.g. `code` taken, `standard_price` < 0)."""
    require(actor, "masterdata.add_product")
    errors = Errors()
    clean = product_clean(data, errors, creating=True)
    check_unique(errors, clean)
    errors.raise_if_any()
    product = Product.objects.create(**clean)
    audit.record(actor, "product.created", product, data={"changes": created_changes(clean)})
    return product


@unique_conflicts
@transaction.atomic
def product_update(*, product_id: int, actor, **data) -> Product:
    """Change the fields given (is_active=False deactivates).

    Raises: NotFound, NotPermitted, ValidationFailed.
    """
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("Product not found."))
    require(actor, "masterdata.change_product", product)
    errors = Errors()
    clean = product_clean(data, errors, creating=False)
    check_unique(errors, clean, exclude_pk=product.pk)
    errors.raise_if_any()
    changes = apply_changes(product, clean)
    if changes:
        product.save()
        audit.record(actor, "product.updated", product, data={"changes": changes})
    return product
