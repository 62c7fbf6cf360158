"""Writing master data: customers, contacts, products; spreadsheet imports."""

from .contacts import contact_add, contact_remove, contact_update, contact_validate
from .customer_import import customers_import
from .customers import customer_create, customer_update, customer_validate
from .imports import ImportFailed, ImportResult, RowError
from .product_import import products_import
from .products import product_create, product_update, product_validate

__all__ = [
    "ImportFailed",
    "ImportResult",
    "RowError",
    "contact_add",
    "contact_remove",
    "contact_update",
    "contact_validate",
    "customer_create",
    "customer_update",
    "customer_validate",
    "customers_import",
    "product_create",
    "product_update",
    "product_validate",
    "products_import",
]
