"""The archive index as a spreadsheet (P9.1.2): filters -> one SheetSpec, bounded and
read in chunks, so the background export facility can run it in a worker."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.documents.exports import ExportKind, register_export
from orderflow.documents.services import export_max_rows
from orderflow.documents.xlsx import SheetSpec
from orderflow.orders.models import OrderType

from .permissions import may_search_archive, may_see_prices
from .selectors import IndexFilters, index_filters, index_queryset

MAX_EXPORT_ROWS = 20_000
KIND_LABELS = {"product": gettext_lazy("Product"), "service": gettext_lazy("Service")}


def index_headers(prices: bool) -> list[str]:
    headers = [_("Dossier number"), _("Order number"), _("Archived at"), _("Year"),
               _("Month"), _("Customer"), _("Customer industry"), _("Order type"),
               _("Product line"), _("Main product")]
    return [*headers, _("Amount"), _("Currency")] if prices else headers


def index_rows(user, filters: IndexFilters, *, limit: int = MAX_EXPORT_ROWS):
    """The index rows (as lists), at most `limit`, read 1000 at a time; no amounts for
    who may not see prices (P9.2.2)."""
    prices, types = may_see_prices(user), dict(OrderType.choices)
    queryset = index_queryset(user, filters)[:limit]
    for d in queryset.iterator(chunk_size=1000):
        row = [d.number, d.order_number,
               timezone.localtime(d.archived_at).strftime("%Y-%m-%d %H:%M"), d.year, d.month,
               d.customer.name, d.customer_industry, str(types.get(d.order_type, d.order_type)),
               str(KIND_LABELS.get(d.product_kind, d.product_kind)),
               d.main_product.name if d.main_product else ""]
        yield [*row, d.amount, d.currency] if prices else row


def index_sheet(user, filters: IndexFilters, *, limit: int = MAX_EXPORT_ROWS) -> SheetSpec:
    """The index as one sheet (NotPermitted for who may not search the archive)."""
    prices = may_see_prices(user)
    widths = [18, 18, 17, 6, 6, 30, 14, 12, 10, 20] + ([14, 8] if prices else [])
    return SheetSpec(title=_("Archive index"), headers=index_headers(prices),
                     rows=list(index_rows(user, filters, limit=limit)), widths=widths)


# The index in the background with progress (orderflow.documents), for any size: the raw
# filters are kept as the user gave them and validated again by the worker.
FILTER_KEYS = ("q", "customer", "customer_name", "year", "month", "date_from", "date_to",
               "order_type", "product_kind", "industry", "product", "amount_min", "amount_max")


def _raw(params: dict) -> dict:
    return {k: str(params[k]).strip() for k in FILTER_KEYS if params.get(k) not in (None, "")}


def _clean(user, params: dict) -> dict:
    raw = _raw(params)
    index_filters(raw, user)        # ValidationFailed, field by field
    return raw


def _headers(user, params) -> list[str]:
    return index_headers(may_see_prices(user))


INDEX_EXPORT = register_export(ExportKind(
    kind="archive_index", title=lambda: _("Archive index"), allowed=may_search_archive,
    clean=_clean, headers=_headers,
    rows=lambda user, params: index_rows(user, index_filters(params, user),
                                         limit=export_max_rows()),
    count=lambda user, params: index_queryset(user, index_filters(params, user)).count(),
    widths=[18, 18, 17, 6, 6, 30, 14, 12, 10, 20, 14, 8]))
