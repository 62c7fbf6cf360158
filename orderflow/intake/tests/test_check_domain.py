"""The preliminary check's pure rules (P2.3.1, P2.3.2): every finding with its exact params."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from orderflow.intake.domain.check import (
    Finding,
    LineFacts,
    OrderFacts,
    Outcome,
    Severity,
    finding_key,
    run_check,
)

TODAY = dt.date(2026, 3, 10)


def line(position=1, **overrides) -> LineFacts:
    values = {"position": position, "product_code": f"P{position:03d}", "product_active": True,
              "quantity": Decimal("2"), "unit_price": Decimal("1000.00"),
              "standard_price": Decimal("1000.00"), "min_lead_days": 10}
    values.update(overrides)
    return LineFacts(**values)


def facts(**overrides) -> OrderFacts:
    """A complete order that passes: everything present, credit fine, date feasible."""
    values = {"today": TODAY, "order_date": TODAY, "delivery_date": TODAY + dt.timedelta(days=30),
              "delivery_place": "上海市浦东新区张江路100号", "contact_name": "王经理",
              "contact_phone": "13812345678", "instalment_percent_total": Decimal("100"),
              "instalment_count": 2, "total_gross": Decimal("4520.00"), "customer_active": True,
              "credit_rating": "A", "credit_limit": Decimal("100000.00"),
              "receivables_outstanding": Decimal("20000.00"), "lines": (line(1), line(2))}
    values.update(overrides)
    return OrderFacts(**values)


def by_code(findings, code) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_complete_order_passes_with_explained_ok_findings():
    outcome, findings = run_check(facts())
    assert outcome == Outcome.PASSED
    assert [(f.code, f.severity, f.field) for f in findings] == [
        ("complete", Severity.OK, ""),
        ("credit_ok", Severity.OK, "customer"),
        ("delivery_ok", Severity.OK, "delivery_date"),
    ]
    assert by_code(findings, "credit_ok")[0].params == {
        "rating": "A", "limit": "100000.00", "outstanding": "20000.00", "order": "4520.00",
        "exposure": "24520.00"}
    assert by_code(findings, "delivery_ok")[0].params == {
        "delivery": "2026-04-09", "earliest": "2026-03-20", "days": 10, "product": "P001"}


@pytest.mark.parametrize("name", ["contact_name", "contact_phone", "delivery_place"])
def test_each_missing_text_field(name):
    outcome, findings = run_check(facts(**{name: ""}))
    assert outcome == Outcome.INCOMPLETE
    missing = [f for f in findings if f.severity == Severity.MISSING]
    assert missing == [Finding("field_missing", Severity.MISSING, name, {"field": name})]
    assert not by_code(findings, "complete")


def test_missing_delivery_date_skips_the_date_rule():
    outcome, findings = run_check(facts(delivery_date=None))
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "field_missing") == [
        Finding("field_missing", Severity.MISSING, "delivery_date", {"field": "delivery_date"})]
    assert not [f for f in findings if f.field == "delivery_date" and f.code != "field_missing"]


def test_no_lines():
    outcome, findings = run_check(facts(lines=()))
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "no_lines") == [Finding("no_lines", Severity.MISSING, "lines")]
    assert not by_code(findings, "delivery_ok")


def test_payment_terms_missing():
    outcome, findings = run_check(facts(instalment_count=0,
                                        instalment_percent_total=Decimal("0")))
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "payment_terms_missing") == [
        Finding("payment_terms_missing", Severity.MISSING, "instalments")]


@pytest.mark.parametrize("total", ["90.00", "99.99", "100.01"])
def test_payment_terms_not_100(total):
    outcome, findings = run_check(facts(instalment_percent_total=Decimal(total)))
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "payment_terms_not_100") == [
        Finding("payment_terms_not_100", Severity.MISSING, "instalments", {"total": total})]


def test_payment_terms_of_exactly_100_with_cents_pass():
    outcome, _ = run_check(facts(instalment_percent_total=Decimal("100.00")))
    assert outcome == Outcome.PASSED


@pytest.mark.parametrize("phone", ["12345", "abc-defg", "1381234567x", "+", "1" * 25])
def test_doubtful_phone(phone):
    outcome, findings = run_check(facts(contact_phone=phone))
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "phone_doubtful") == [
        Finding("phone_doubtful", Severity.DOUBTFUL, "contact_phone", {"phone": phone})]


@pytest.mark.parametrize("phone", ["13812345678", "+86 138 1234 5678", "021-5550 1234",
                                   "(021) 55501234"])
def test_plausible_phones_are_not_doubtful(phone):
    outcome, findings = run_check(facts(contact_phone=phone))
    assert outcome == Outcome.PASSED
    assert not by_code(findings, "phone_doubtful")


def test_inactive_customer_and_product():
    outcome, findings = run_check(facts(customer_active=False,
                                        lines=(line(1), line(2, product_active=False))))
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "customer_inactive") == [
        Finding("customer_inactive", Severity.DOUBTFUL, "customer")]
    assert by_code(findings, "product_inactive") == [
        Finding("product_inactive", Severity.DOUBTFUL, "lines.2.product",
                {"line": 2, "product": "P002"})]


def test_price_deviation_beyond_30_percent():
    outcome, findings = run_check(facts(lines=(line(1, unit_price=Decimal("650.00")),)))
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "price_deviation") == [Finding(
        "price_deviation", Severity.DOUBTFUL, "lines.1.unit_price",
        {"line": 1, "product": "P001", "price": "650.00", "standard": "1000.00",
         "percent": "-35"})]


@pytest.mark.parametrize(("price", "flagged"), [("1300.00", False), ("1300.01", True),
                                                ("700.00", False), ("699.99", True)])
def test_price_deviation_boundary(price, flagged):
    _, findings = run_check(facts(lines=(line(1, unit_price=Decimal(price)),)))
    assert bool(by_code(findings, "price_deviation")) is flagged


def test_no_price_deviation_without_a_standard_price():
    _, findings = run_check(facts(lines=(line(1, standard_price=Decimal("0"),
                                              unit_price=Decimal("5")),)))
    assert not by_code(findings, "price_deviation")


def test_poor_credit_rating_escalates():
    outcome, findings = run_check(facts(credit_rating="D"))
    assert outcome == Outcome.ESCALATED
    assert by_code(findings, "credit_rating_poor") == [Finding(
        "credit_rating_poor", Severity.RISK, "customer",
        {"rating": "D", "limit": "100000.00", "outstanding": "20000.00", "order": "4520.00",
         "exposure": "24520.00"})]
    assert not by_code(findings, "credit_ok")


def test_credit_limit_exceeded_escalates():
    outcome, findings = run_check(facts(receivables_outstanding=Decimal("96000.00")))
    assert outcome == Outcome.ESCALATED
    assert by_code(findings, "credit_limit_exceeded") == [Finding(
        "credit_limit_exceeded", Severity.RISK, "customer",
        {"rating": "A", "limit": "100000.00", "outstanding": "96000.00", "order": "4520.00",
         "exposure": "100520.00", "over": "520.00"})]


def test_exposure_exactly_at_the_limit_is_fine():
    outcome, findings = run_check(facts(receivables_outstanding=Decimal("95480.00")))
    assert outcome == Outcome.PASSED
    assert by_code(findings, "credit_ok")[0].params["exposure"] == "100000.00"


def test_delivery_too_tight_names_the_slowest_product():
    outcome, findings = run_check(facts(
        delivery_date=TODAY + dt.timedelta(days=20),
        lines=(line(1, min_lead_days=10), line(2, min_lead_days=25))))
    assert outcome == Outcome.ESCALATED
    assert by_code(findings, "delivery_too_tight") == [Finding(
        "delivery_too_tight", Severity.RISK, "delivery_date",
        {"delivery": "2026-03-30", "earliest": "2026-04-04", "days": 25, "product": "P002"})]


def test_delivery_exactly_at_the_earliest_date_is_feasible():
    outcome, findings = run_check(facts(delivery_date=TODAY + dt.timedelta(days=10)))
    assert outcome == Outcome.PASSED
    assert by_code(findings, "delivery_ok")[0].params["earliest"] == "2026-03-20"


def test_lead_time_counts_from_a_future_order_date():
    order_date = TODAY + dt.timedelta(days=5)
    _, findings = run_check(facts(order_date=order_date,
                                  delivery_date=TODAY + dt.timedelta(days=12)))
    assert by_code(findings, "delivery_too_tight")[0].params["earliest"] == "2026-03-25"


def test_delivery_in_the_past_is_doubtful():
    outcome, findings = run_check(facts(order_date=TODAY - dt.timedelta(days=30),
                                        delivery_date=TODAY - dt.timedelta(days=1)))
    assert outcome == Outcome.INCOMPLETE
    assert [f for f in findings if f.field == "delivery_date"] == [Finding(
        "delivery_in_past", Severity.DOUBTFUL, "delivery_date", {"delivery": "2026-03-09"})]


def test_missing_beats_risk():  # P2.3.2: complete the order first, then management decides
    outcome, findings = run_check(facts(contact_phone="", credit_rating="D"))
    assert outcome == Outcome.INCOMPLETE
    assert {f.code for f in findings if f.severity != Severity.OK} == {
        "field_missing", "credit_rating_poor"}


def test_doubtful_beats_risk():
    outcome, _ = run_check(facts(contact_phone="12345", credit_rating="D"))
    assert outcome == Outcome.INCOMPLETE


def test_acknowledged_doubtful_finding_stops_blocking():
    doubtful = facts(contact_phone="12345")
    outcome, findings = run_check(doubtful, frozenset({"phone_doubtful:contact_phone"}))
    assert outcome == Outcome.PASSED
    assert by_code(findings, "phone_doubtful") == [Finding(
        "phone_doubtful", Severity.DOUBTFUL, "contact_phone", {"phone": "12345"},
        acknowledged=True)]


def test_acknowledged_doubtful_with_risk_escalates():
    outcome, _ = run_check(facts(contact_phone="12345", credit_rating="D"),
                           frozenset({"phone_doubtful:contact_phone"}))
    assert outcome == Outcome.ESCALATED


def test_acknowledging_one_doubtful_finding_leaves_the_others_blocking():
    doubtful = facts(contact_phone="12345", lines=(line(1, unit_price=Decimal("1")),))
    outcome, findings = run_check(doubtful, frozenset({"phone_doubtful:contact_phone"}))
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "price_deviation")[0].acknowledged is False


def test_acknowledging_cannot_waive_a_missing_field_or_a_risk():
    keys = frozenset({"field_missing:delivery_place", "credit_rating_poor:customer"})
    outcome, findings = run_check(facts(delivery_place=""), keys)
    assert outcome == Outcome.INCOMPLETE
    assert by_code(findings, "field_missing")[0].acknowledged is False
    outcome, findings = run_check(facts(credit_rating="D"), keys)
    assert outcome == Outcome.ESCALATED
    assert by_code(findings, "credit_rating_poor")[0].acknowledged is False


def test_finding_key_and_as_dict():
    finding = Finding("price_deviation", Severity.DOUBTFUL, "lines.1.unit_price", {"line": 1})
    assert finding_key(finding) == "price_deviation:lines.1.unit_price"
    assert finding.as_dict() == {"code": "price_deviation", "severity": "doubtful",
                                 "field": "lines.1.unit_price", "params": {"line": 1},
                                 "acknowledged": False}
    assert type(finding.as_dict()["severity"]) is str


def test_facts_are_immutable_and_replaceable():
    base = facts()
    assert replace(base, credit_rating="D").credit_rating == "D"
    assert base.credit_rating == "A"
