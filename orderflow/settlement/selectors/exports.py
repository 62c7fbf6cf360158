"""Excel (orderflow.documents.xlsx keeps formula-like cells as text): the statement's own
download (P7.2.1), and the background exports with progress of the settlement records
(P7.3.1) and the receivables, registered with orderflow.documents.exports."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.core.validation import as_id
from orderflow.documents.exports import ExportKind, register_export
from orderflow.documents.xlsx import Percent, SheetSpec, write_workbook
from orderflow.release.domain.money_words import amount_in_words

from ..domain.schedule import InstalmentStatus
from ..models import PaymentMethod
from ..permissions import may_see_settlement, sees_all_receivables
from .receivables import open_instalments, records_queryset, with_due

STATUS_LABELS = {InstalmentStatus.OPEN: pgettext_lazy("instalment", "Open"),
                 InstalmentStatus.PARTIAL: gettext_lazy("Partly paid"),
                 InstalmentStatus.PAID: gettext_lazy("Paid"),
                 InstalmentStatus.OVERDUE: pgettext_lazy("instalment", "Overdue")}


def statement_xlsx(statement) -> bytes:
    """The statement's lines with the totals in figures and in 大写."""
    headers = [_("Line"), _("Name"), _("Specification / model"), _("Unit"), _("Quantity"),
               _("Unit price"), _("Amount"), _("Tax rate"), _("Tax"), _("Total with tax")]
    rows = [[ln.position, ln.name, ln.specification, ln.unit, ln.quantity, ln.unit_price,
             ln.amount, Percent(ln.tax_rate), ln.tax, ln.total]
            for ln in sorted(statement.lines.all(), key=lambda ln: ln.position)]
    rows.append(["", _("Total"), "", "", "", "", statement.total_net, "",
                 statement.total_tax, statement.total_gross])
    rows.append(["", _("Total in words"), amount_in_words(statement.total_gross)])
    head = [[_("Statement no."), statement.number], [_("Order"), statement.order.number],
            [_("Customer"), statement.order.customer.name],
            [_("Currency"), statement.currency], [_("Status"), statement.get_status_display()]]
    return write_workbook([
        SheetSpec(_("Statement"), headers, rows, widths=[6, 28, 24, 8, 10, 14, 14, 9, 12, 14]),
        SheetSpec(_("Details"), [_("Field"), _("Value")], head, widths=[18, 40])])


def _method_labels(methods) -> str:
    labels = dict(PaymentMethod.choices)
    return "、".join(str(labels.get(m, m)) for m in methods)


def clean_record_filters(user, params: dict) -> dict:
    """date_from, date_to (YYYY-MM-DD), customer (id) of the records list."""
    records_queryset(None, **{k: params.get(k) for k in ("date_from", "date_to")},
                     check_only=True)
    return {"date_from": params.get("date_from") or None,
            "date_to": params.get("date_to") or None,
            "customer_id": _customer(params)}


def _customer(params: dict) -> int | None:
    """The customer filter (an id), or ValidationFailed."""
    customer = str(params.get("customer") or "").strip()
    if customer and as_id(customer) is None:
        raise ValidationFailed({"customer": [_("Enter a whole number.")]})
    return as_id(customer)


def _record_rows(user, params):
    for r in records_queryset(user, **params).iterator(chunk_size=1000):
        yield [r.settled_on, r.order.number, r.customer.name, r.amount, r.currency,
               r.invoiced, _method_labels(r.payment_methods), r.last_received_on,
               r.statement.number]


RECORDS = register_export(ExportKind(
    kind="settlement_records", title=lambda: _("Settlement records"),
    allowed=may_see_settlement,
    clean=clean_record_filters,
    headers=lambda user, params: [
        _("Settled on"), _("Order"), _("Customer"), _("Amount"), _("Currency"),
        _("Invoiced"), _("Payment methods"), _("Last payment received on"),
        _("Statement no.")],
    rows=_record_rows, count=lambda user, params: records_queryset(user, **params).count(),
    widths=[12, 18, 30, 14, 8, 14, 24, 14, 24]))


def clean_receivable_filters(user, params: dict) -> dict:
    return {"customer_id": _customer(params),
            "overdue_only": str(params.get("overdue") or "") in ("1", "true", "on")}


def _receivable_rows(user, params):
    """Every open instalment (not only the page's first MAX_ROWS), streamed."""
    today = clock.today()
    for i in open_instalments(user, **params).iterator(chunk_size=1000):
        with_due(i, today)
        customer = i.order.customer
        yield [customer.code, customer.name, i.order.number, i.position, i.due_date,
               i.amount, i.paid_amount, i.due, str(STATUS_LABELS.get(i.status, i.status))]


RECEIVABLES = register_export(ExportKind(
    kind="receivables", title=lambda: _("Receivables"), allowed=sees_all_receivables,
    clean=clean_receivable_filters,
    headers=lambda user, params: [
        _("Customer code"), _("Customer"), _("Order"), _("Instalment"),
        pgettext("instalment", "Due date"), _("Amount"), _("Paid"),
        pgettext("money owed", "Outstanding"), _("Status")],
    rows=_receivable_rows,
    count=lambda user, params: open_instalments(user, **params).count(),
    widths=[12, 30, 18, 10, 12, 14, 14, 14, 10]))
