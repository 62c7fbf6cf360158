"""Customers (with contacts) and products: lists, details, create, edit, spreadsheet import.

Mounted at /api/: /api/customers, /api/customers/{id}, /api/customers/{id}/contacts,
/api/customers/import, /api/products, /api/products/{id}, /api/products/import.
"""

import datetime as dt
from decimal import Decimal

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from orderflow.core.pagination import paginate
from orderflow.masterdata import selectors, services

from .schemas import (
    ERRORS,
    ErrorOut,
    LooseDecimal,
    LooseId,
    UserRef,
    page_body,
    service_fields,
)

router = Router(tags=["masterdata"])

Flag = bool | int | str | None


class ListFiltersIn(Schema):
    q: str = ""
    status: str = Field("active", description="active, inactive or all")
    page: int = Field(1, ge=1)
    page_size: int | None = Field(None, ge=1, le=200)


class ProductFiltersIn(ListFiltersIn):
    kind: str = Field("", description="product or service; empty for both")


# Customers


class ContactIn(Schema):
    name: str | None = None
    title: str | None = None
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    is_primary: Flag = None


class ContactOut(Schema):
    id: int
    name: str
    title: str
    phone: str
    mobile: str
    email: str
    is_primary: bool


class CustomerIn(Schema):
    """Credit terms are Finance's (or a Sales head's); owner_id needs a Sales head."""

    code: str | None = None
    name: str | None = None
    tax_id: str | None = None
    address: str | None = None
    industry: str | None = None
    credit_rating: str | None = Field(None, description="A, B, C or D")
    credit_limit: LooseDecimal = None
    receivables_outstanding: LooseDecimal = None
    owner_id: LooseId = None
    is_active: Flag = None


class CustomerCreateIn(CustomerIn):
    contacts: list[ContactIn] = []


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    tax_id: str
    address: str
    industry: str
    credit_rating: str
    credit_limit: Decimal
    receivables_outstanding: Decimal
    credit_available: Decimal
    owner: UserRef | None
    is_active: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_credit_available(obj) -> Decimal:
        return selectors.credit_standing(obj).available


class CustomerDetail(CustomerOut):
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.all())


class CustomerPage(Schema):
    items: list[CustomerOut]
    page: int
    page_size: int
    has_next: bool


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    created_codes: list[str]
    updated_codes: list[str]


class RowErrorOut(Schema):
    row: int
    column: str
    field: str
    message: str


class ImportErrorOut(ErrorOut):
    rows: list[RowErrorOut] = Field([], description="Every problem, by row and column")


IMPORT_RESPONSES = {200: ImportOut, **ERRORS, 422: ImportErrorOut}


def _import(run, request, file: UploadedFile):
    try:
        result = run(upload=file, actor=request.auth)
    except services.ImportFailed as exc:
        return Status(422, {"code": exc.code, "message": str(exc.message),
                            "errors": exc.errors, "rows": exc.rows})
    return {"created": len(result.created), "updated": len(result.updated),
            "unchanged": len(result.unchanged), "created_codes": result.created,
            "updated_codes": result.updated}


@router.get("/customers", response={200: CustomerPage, **ERRORS}, summary="List customers")
def list_customers(request, filters: Query[ListFiltersIn]):
    qs = selectors.customer_list(request.auth, q=filters.q, status=filters.status)
    return page_body(paginate(qs, filters.page, filters.page_size))


@router.post("/customers", response={201: CustomerDetail, **ERRORS},
             summary="Create a customer, with its contacts")
def create_customer(request, payload: CustomerCreateIn):
    fields = service_fields(payload)
    contacts = [service_fields(c) for c in payload.contacts]
    fields.pop("contacts", None)
    customer = services.customer_create(actor=request.auth, contacts=contacts, **fields)
    return Status(201, selectors.customer_detail(request.auth, customer.pk))


@router.post("/customers/import", response=IMPORT_RESPONSES,
             summary="Import customers from .xlsx (all rows or none)")
def import_customers(request, file: File[UploadedFile]):
    return _import(services.customers_import, request, file)


@router.get("/customers/{id:customer_id}", response={200: CustomerDetail, **ERRORS},
            summary="One customer with its contacts")
def get_customer(request, customer_id: int):
    return selectors.customer_detail(request.auth, customer_id)


@router.api_operation(["PUT", "PATCH"], "/customers/{id:customer_id}",
                      response={200: CustomerDetail, **ERRORS},
                      summary="Edit a customer (only the fields sent change)")
def update_customer(request, customer_id: int, payload: CustomerIn):
    services.customer_update(customer_id=customer_id, actor=request.auth,
                             **service_fields(payload))
    return selectors.customer_detail(request.auth, customer_id)


@router.post("/customers/{id:customer_id}/contacts", response={201: ContactOut, **ERRORS},
             summary="Add a contact")
def add_contact(request, customer_id: int, payload: ContactIn):
    return Status(201, services.contact_add(customer_id=customer_id, actor=request.auth,
                                            **service_fields(payload)))


@router.api_operation(["PUT", "PATCH"], "/customers/{id:customer_id}/contacts/{id:contact_id}",
                      response={200: ContactOut, **ERRORS}, summary="Edit a contact")
def update_contact(request, customer_id: int, contact_id: int, payload: ContactIn):
    return services.contact_update(contact_id=contact_id, customer_id=customer_id,
                                   actor=request.auth, **service_fields(payload))


@router.delete("/customers/{id:customer_id}/contacts/{id:contact_id}",
               response={204: None, **ERRORS}, summary="Remove a contact")
def remove_contact(request, customer_id: int, contact_id: int):
    services.contact_remove(contact_id=contact_id, customer_id=customer_id, actor=request.auth)
    return Status(204, None)


# Products and services


class ProductIn(Schema):
    code: str | None = None
    name: str | None = None
    kind: str | None = Field(None, description="product or service")
    specification: str | None = None
    unit: str | None = None
    standard_price: LooseDecimal = None
    standard_cost: LooseDecimal = None
    min_lead_days: int | str | None = None
    is_active: Flag = None


class ProductOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    specification: str
    unit: str
    standard_price: Decimal
    standard_cost: Decimal
    min_lead_days: int
    is_active: bool
    updated_at: dt.datetime


class ProductPage(Schema):
    items: list[ProductOut]
    page: int
    page_size: int
    has_next: bool


@router.get("/products", response={200: ProductPage, **ERRORS},
            summary="List products and services")
def list_products(request, filters: Query[ProductFiltersIn]):
    qs = selectors.product_list(request.auth, q=filters.q, status=filters.status,
                                kind=filters.kind)
    return page_body(paginate(qs, filters.page, filters.page_size))


@router.post("/products", response={201: ProductOut, **ERRORS},
             summary="Create a product or service")
def create_product(request, payload: ProductIn):
    return Status(201, services.product_create(actor=request.auth, **service_fields(payload)))


@router.post("/products/import", response=IMPORT_RESPONSES,
             summary="Import products and services from .xlsx (all rows or none)")
def import_products(request, file: File[UploadedFile]):
    return _import(services.products_import, request, file)


@router.get("/products/{id:product_id}", response={200: ProductOut, **ERRORS},
            summary="One product or service")
def get_product(request, product_id: int):
    return selectors.product_detail(request.auth, product_id)


@router.api_operation(["PUT", "PATCH"], "/products/{id:product_id}",
                      response={200: ProductOut, **ERRORS},
                      summary="Edit a product (is_active=false deactivates it)")
def update_product(request, product_id: int, payload: ProductIn):
    return services.product_update(product_id=product_id, actor=request.auth,
                                   **service_fields(payload))
