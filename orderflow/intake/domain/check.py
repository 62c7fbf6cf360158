"""The preliminary check (P2.3.1) as pure rules: completeness, credit, delivery date.

Findings carry a code and parameters; the message text is translated elsewhere.
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum


class Severity(StrEnum):
    OK = "ok"              # checked and fine, explained
    MISSING = "missing"    # P2.3.2 incomplete: ask the customer
    DOUBTFUL = "doubtful"  # P2.3.2 doubtful: confirm with the customer
    RISK = "risk"          # P2.3.2 poor credit / over-tight date: management decides


class Outcome(StrEnum):
    PASSED = "passed"
    INCOMPLETE = "incomplete"
    ESCALATED = "escalated"


PRICE_DEVIATION_LIMIT = Decimal("0.30")  # a unit price 30% off the standard price is doubtful
_PHONE = re.compile(r"^\+?\(?[0-9][0-9 ()\-]{5,19}$")


@dataclass(frozen=True)
class LineFacts:
    position: int
    product_code: str
    product_active: bool
    quantity: Decimal
    unit_price: Decimal
    standard_price: Decimal
    min_lead_days: int


@dataclass(frozen=True)
class OrderFacts:
    today: dt.date
    order_date: dt.date
    delivery_date: dt.date | None
    delivery_place: str
    contact_name: str
    contact_phone: str
    instalment_percent_total: Decimal
    instalment_count: int
    total_gross: Decimal
    customer_active: bool
    credit_rating: str
    credit_limit: Decimal
    receivables_outstanding: Decimal
    lines: tuple[LineFacts, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    field: str
    params: dict = field(default_factory=dict)
    acknowledged: bool = False

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def _completeness(f: OrderFacts) -> list[Finding]:
    found = []
    required = [("contact_name", f.contact_name), ("contact_phone", f.contact_phone),
                ("delivery_date", f.delivery_date), ("delivery_place", f.delivery_place)]
    for name, value in required:
        if not value:
            found.append(Finding("field_missing", Severity.MISSING, name, {"field": name}))
    if not f.lines:
        found.append(Finding("no_lines", Severity.MISSING, "lines"))
    if f.instalment_count == 0:
        found.append(Finding("payment_terms_missing", Severity.MISSING, "instalments"))
    elif f.instalment_percent_total != Decimal("100"):
        found.append(Finding("payment_terms_not_100", Severity.MISSING, "instalments",
                             {"total": str(f.instalment_percent_total)}))
    if f.contact_phone and not _PHONE.match(f.contact_phone.strip()):
        found.append(Finding("phone_doubtful", Severity.DOUBTFUL, "contact_phone",
                             {"phone": f.contact_phone}))
    if not found:
        found.append(Finding("complete", Severity.OK, ""))
    return found


def _accuracy(f: OrderFacts) -> list[Finding]:
    found = []
    if not f.customer_active:
        found.append(Finding("customer_inactive", Severity.DOUBTFUL, "customer"))
    for line in f.lines:
        if not line.product_active:
            found.append(Finding("product_inactive", Severity.DOUBTFUL,
                                 f"lines.{line.position}.product",
                                 {"line": line.position, "product": line.product_code}))
        if line.standard_price > 0:
            deviation = (line.unit_price - line.standard_price) / line.standard_price
            if abs(deviation) > PRICE_DEVIATION_LIMIT:
                found.append(Finding(
                    "price_deviation", Severity.DOUBTFUL, f"lines.{line.position}.unit_price",
                    {"line": line.position, "product": line.product_code,
                     "price": str(line.unit_price), "standard": str(line.standard_price),
                     "percent": str((deviation * 100).quantize(Decimal("1")))}))
    return found


def _credit(f: OrderFacts) -> list[Finding]:
    exposure = f.receivables_outstanding + f.total_gross
    params = {"rating": f.credit_rating, "limit": str(f.credit_limit),
              "outstanding": str(f.receivables_outstanding), "order": str(f.total_gross),
              "exposure": str(exposure)}
    found = []
    if f.credit_rating == "D":
        found.append(Finding("credit_rating_poor", Severity.RISK, "customer", params))
    if exposure > f.credit_limit:
        found.append(Finding("credit_limit_exceeded", Severity.RISK, "customer",
                             {**params, "over": str(exposure - f.credit_limit)}))
    if not found:
        found.append(Finding("credit_ok", Severity.OK, "customer", params))
    return found


def _delivery(f: OrderFacts) -> list[Finding]:
    if f.delivery_date is None or not f.lines:
        return []
    start = max(f.order_date, f.today)
    if f.delivery_date < f.today:
        return [Finding("delivery_in_past", Severity.DOUBTFUL, "delivery_date",
                        {"delivery": f.delivery_date.isoformat()})]
    slowest = max(f.lines, key=lambda line: line.min_lead_days)
    earliest = start + dt.timedelta(days=slowest.min_lead_days)
    params = {"delivery": f.delivery_date.isoformat(), "earliest": earliest.isoformat(),
              "days": slowest.min_lead_days, "product": slowest.product_code}
    if f.delivery_date < earliest:
        return [Finding("delivery_too_tight", Severity.RISK, "delivery_date", params)]
    return [Finding("delivery_ok", Severity.OK, "delivery_date", params)]


def run_check(facts: OrderFacts, acknowledged: frozenset[str] = frozenset()):
    """Findings and the outcome: missing/doubtful -> awaiting customer, risk -> escalate.

    A doubtful finding the customer already confirmed (its key in `acknowledged`)
    is kept in the report, marked acknowledged, and no longer blocks.
    """
    findings = []
    for finding in (*_completeness(facts), *_accuracy(facts), *_credit(facts),
                    *_delivery(facts)):
        if finding.severity == Severity.DOUBTFUL and finding_key(finding) in acknowledged:
            finding = Finding(finding.code, finding.severity, finding.field, finding.params,
                              acknowledged=True)
        findings.append(finding)
    blocking = [f for f in findings if f.severity == Severity.MISSING
                or (f.severity == Severity.DOUBTFUL and not f.acknowledged)]
    if blocking:
        return Outcome.INCOMPLETE, findings
    if any(f.severity == Severity.RISK for f in findings):
        return Outcome.ESCALATED, findings
    return Outcome.PASSED, findings


def finding_key(finding: Finding) -> str:
    """Stable key of a finding: what the customer confirms (code + field)."""
    return f"{finding.code}:{finding.field}"
