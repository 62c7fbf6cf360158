"""Archive API (P9). Thin: reads through orderflow.archive selectors, writes through its
services. Archiving itself is the order action `archive`
(POST /api/orders/{id}/actions/archive)."""

import datetime as dt
from decimal import Decimal

from django.http import FileResponse, HttpResponse
from ninja import Query, Router, Schema, Status

from orderflow.archive import selectors, services
from orderflow.archive.exports import index_sheet
from orderflow.archive.permissions import archive_settings
from orderflow.archive.services.access import visible_dossier
from orderflow.archive.services.integrity import dossier_last_check
from orderflow.documents.xlsx import XLSX_CONTENT_TYPE, write_workbook

from .schemas import ERRORS, CustomerRef, LooseDate, LooseDecimal, LooseId, UserRef, page_body
from .schemas_config import require_admin

router = Router(tags=["archive"])


class DossierRow(Schema):
    id: int
    number: str
    order_id: int
    order_number: str
    archived_at: dt.datetime
    year: int
    month: int
    customer: CustomerRef
    customer_industry: str
    order_type: str
    product_kind: str
    main_product_id: int | None
    amount: Decimal | None = None
    currency: str

    @staticmethod
    def resolve_amount(obj) -> Decimal | None:
        return getattr(obj, "shown_amount", None)


class DossierPage(Schema):
    items: list[DossierRow]
    page: int
    page_size: int
    has_next: bool


class DocumentOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    size: int
    sha256: str
    source: str
    holds_prices: bool
    withheld: bool


class DossierOut(DossierRow):
    archived_by: UserRef
    notes: list[str]
    manifest_sha256: str
    documents: list[DocumentOut]
    intact: bool | None = None
    verified_at: dt.datetime | None = None

    @staticmethod
    def resolve_documents(obj) -> list:
        return obj.documents_shown


class IndexIn(Schema):
    q: str | None = None
    customer: LooseId = None
    customer_name: str | None = None
    year: LooseId = None
    month: LooseId = None
    date_from: LooseDate = None
    date_to: LooseDate = None
    order_type: str | None = None
    product_kind: str | None = None
    industry: str | None = None
    product: LooseId = None
    amount_min: LooseDecimal = None
    amount_max: LooseDecimal = None
    page: int = 1
    page_size: int | None = None

    def raw(self) -> dict:
        return self.dict(exclude={"page", "page_size"})


@router.get("/archive/dossiers", response={200: DossierPage, **ERRORS},
            summary="The archive index",
            description="Dossiers newest first, filtered by order or dossier number (`q`: "
            "the whole number, its beginning, or at least its last 4 digits), "
            "customer (id) or customer name, period (year/month or archived date range; "
            "422 on `date_to` when it is before `date_from`), "
            "order type, product line, customer industry (any part), product and amount range "
            "(P9.1.2, P9.2). Sales, Archive and "
            "management only (403: file a query request); amounts are null for who may not "
            "see prices (P9.2.2), and filtering by amount is then 422.")
def dossier_index(request, filters: Query[IndexIn]):
    parsed = selectors.index_filters(filters.raw(), request.auth)
    return page_body(selectors.dossier_index(request.auth, parsed, filters.page,
                                             filters.page_size))


@router.get("/archive/dossiers/export", response={200: None, **ERRORS},
            summary="The archive index as Excel",
            description="The same filters as the index; at most 20,000 rows.")
def dossier_export(request, filters: Query[IndexIn]):
    parsed = selectors.index_filters(filters.raw(), request.auth)
    body = write_workbook([index_sheet(request.auth, parsed)])
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="archive-index.xlsx"'
    return response


def dossier_body(user, dossier):
    """A dossier as shown to the user: documents withheld (P9.2.2), the latest integrity
    check (no stored file is read)."""
    dossier.shown_amount = dossier.amount if selectors.may_see_prices(user) else None
    dossier.documents_shown = selectors.documents_for(user, dossier)
    check = dossier_last_check(dossier)
    dossier.intact = None if check is None else check.intact
    dossier.verified_at = None if check is None else check.checked_at
    return dossier


@router.get("/orders/{id:order_id}/dossier", response={200: DossierOut, **ERRORS},
            summary="The archive dossier of an order",
            description="Its documents (those holding prices are listed as withheld for "
            "who may not see prices) and the latest integrity check: `intact` (every stored "
            "file and the manifest matched) at `verified_at`, both null if never verified "
            "(checks run nightly and with `manage.py archive_verify`). 404 if the order is "
            "not visible (an expired grant included). Every view is logged.")
def order_dossier(request, order_id: int):
    return dossier_body(request.auth, services.dossier_open(actor=request.auth,
                                                            order_id=order_id))


@router.get("/archive/documents/{id:document_id}", response={404: None, **ERRORS},
            summary="Download an archived document",
            description="403 for a document holding prices you may not see; 404 if the "
            "order is not visible. Every download is logged.",
            openapi_extra={"responses": {200: {"description": "The file"}}})
def document_download(request, document_id: int):
    document = services.document_open(actor=request.auth, document_id=document_id)
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        content_type=document.content_type or "application/octet-stream",
                        filename=document.file.name.rsplit("/", 1)[-1])


class AccessOut(Schema):
    at: dt.datetime
    user: UserRef
    action: str
    document_id: int | None
    via_query_id: int | None


@router.get("/orders/{id:order_id}/dossier/access-log", response={200: list[AccessOut],
                                                                  **ERRORS},
            summary="Who viewed and downloaded the dossier",
            description="Archive staff and the order's owner only (403).")
def access_log(request, order_id: int):
    dossier = visible_dossier(request.auth, order_id=order_id)
    return selectors.access_log_for(request.auth, dossier)


# Query requests (P9.2.1)

class QueryIn(Schema):
    order_number: str | None = None
    purpose: str | None = None
    wanted_until: LooseDate = None


class QueryOut(Schema):
    id: int
    order_number: str
    requester: UserRef
    purpose: str
    wanted_until: dt.date
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decline_reason: str
    granted_until: dt.datetime | None

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number


class QueryPage(Schema):
    items: list[QueryOut]
    page: int
    page_size: int
    has_next: bool


class DecisionIn(Schema):
    comment: str | None = None
    reason: str | None = None


@router.post("/archive/queries", response={201: QueryOut, **ERRORS},
             summary="File a query request",
             description="For an archived order you cannot see (409 if you can, or if a "
             "request of yours waits already); your department head decides (P9.2.1). 422 "
             "for an unknown number, no purpose, or a date past the longest grant.")
def file_query(request, payload: QueryIn):
    query = services.query_request_file(actor=request.auth,
                                        order_number=payload.order_number or "",
                                        purpose=payload.purpose or "",
                                        wanted_until=payload.wanted_until)
    return Status(201, selectors.query_for(request.auth, query.pk))


@router.get("/archive/queries", response={200: QueryPage, **ERRORS},
            summary="My query requests", description="Newest first, with their state.")
def my_queries(request, page: int = 1, page_size: int | None = None):
    return page_body(selectors.my_queries(request.auth, page, page_size))


@router.get("/archive/queries/waiting", response={200: list[QueryOut], **ERRORS},
            summary="Query requests waiting for my decision")
def waiting_queries(request):
    return selectors.queries_waiting_for(request.auth)


@router.post("/archive/queries/{id:query_id}/approve", response={200: QueryOut, **ERRORS},
             summary="Approve a query request",
             description="404 unless it waits for your decision.")
def approve_query(request, query_id: int, payload: DecisionIn):
    return services.query_approve(query_id=query_id, actor=request.auth,
                                  comment=payload.comment or "")


@router.post("/archive/queries/{id:query_id}/decline", response={200: QueryOut, **ERRORS},
             summary="Decline a query request", description="With a reason (422 without).")
def decline_query(request, query_id: int, payload: DecisionIn):
    return services.query_decline(query_id=query_id, actor=request.auth,
                                  reason=payload.reason or "")


# Settings (P11, P9.2.2)

class SettingsIn(Schema):
    price_departments: list[str] | None = None
    max_grant_days: LooseId = None


class SettingsOut(Schema):
    price_departments: list[str]
    max_grant_days: int


@router.get("/config/archive", response={200: SettingsOut, **ERRORS},
            summary="Archive settings", description="System administrators only.")
def get_settings(request):
    require_admin(request)
    return archive_settings()


@router.put("/config/archive", response={200: SettingsOut, **ERRORS},
            summary="Set the archive settings",
            description="Which departments see prices, costs and margins (P9.2.2; the "
            "division leader and GM always do) and the longest query grant in days.")
def set_settings(request, payload: SettingsIn):
    return services.archive_settings_update(actor=request.auth,
                                            price_departments=payload.price_departments,
                                            max_grant_days=payload.max_grant_days)
