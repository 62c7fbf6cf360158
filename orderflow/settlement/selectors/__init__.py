"""Settlement reads (P7): the order's settlement, receivables, settlement records, and the
Excel downloads. Everything goes through the order's visibility (invisible = NotFound)."""

from .advances import AdvancesView, advance_for, advances_for
from .exports import statement_xlsx
from .overview import SettlementView, settlement_for, statement_for
from .receivables import (
    RecordsPage,
    receivable_customers,
    receivables,
    record_customers,
    records_page,
    records_queryset,
    settlement_records,
)
from .waiting import settlement_waiting_for

__all__ = ["AdvancesView", "RecordsPage", "SettlementView", "advance_for", "advances_for",
           "receivable_customers", "receivables", "record_customers", "records_page",
           "records_queryset", "settlement_for", "settlement_records",
           "settlement_waiting_for", "statement_for", "statement_xlsx"]
