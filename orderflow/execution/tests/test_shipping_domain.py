"""Pure shipment and margin rules (P5.4.2, P5.4.3): no database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from orderflow.execution.domain.margin import (
    correction_problem,
    cost_from_margin_percent,
    difference,
    margin,
    margin_percent,
)
from orderflow.execution.domain.shipping import (
    LineFacts,
    ShipLine,
    check_delivery,
    check_shipment,
    max_shippable,
    remaining,
    shipped_percent,
)


@pytest.mark.parametrize(("ordered", "tolerance", "expected"), [
    (D(100), D(0), D("100.000")), (D(100), D(5), D("105.000")), (D(3), D("10"), D("3.300")),
    (D("7"), D("3.33"), D("7.233")),  # 7.2331 rounded down, never above the rule
    (D(10), D(100), D("20.000")),
])
def test_max_shippable_is_ordered_plus_the_tolerance_p5_4_2(ordered, tolerance, expected):
    assert max_shippable(ordered, tolerance) == expected


def _facts(**kw):
    base = {"position": 1, "ordered": D(100), "shipped": D(0), "passed": D(200),
            "conceded": D(0)}
    return {7: LineFacts(**{**base, **kw})}


def test_within_the_tolerance_is_accepted_beyond_it_refused_p5_4_2():
    assert check_shipment([ShipLine(0, 7, D(105))], _facts(), D(5)) == []
    problems = check_shipment([ShipLine(0, 7, D(106))], _facts(), D(5))
    assert [(p.field, p.code) for p in problems] == [("lines.0.quantity", "over_shipment")]
    assert problems[0].params == {"line": 1, "ordered": D(100), "max": D("105.000"),
                                  "shipped": D(0)}


def test_earlier_shipments_count_against_the_limit():
    problems = check_shipment([ShipLine(0, 7, D(6))], _facts(shipped=D(100)), D(5))
    assert problems[0].code == "over_shipment" and problems[0].params["shipped"] == D(100)
    assert check_shipment([ShipLine(0, 7, D(5))], _facts(shipped=D(100)), D(5)) == []


def test_only_what_passed_final_inspection_or_a_concession_may_ship_p5_4_2():
    facts = _facts(passed=D(40), conceded=D(10))
    assert check_shipment([ShipLine(0, 7, D(50))], facts, D(0)) == []
    problems = check_shipment([ShipLine(0, 7, D(51))], facts, D(0))
    assert [(p.field, p.code, p.params["allowed"]) for p in problems] == \
        [("lines.0.quantity", "not_inspected", D(50))]


def test_a_line_of_another_order_or_twice_is_refused():
    problems = check_shipment([ShipLine(0, 7, D(1)), ShipLine(1, 8, D(1)),
                               ShipLine(2, 7, D(1))], _facts(), D(0))
    assert [(p.field, p.code) for p in problems] == [
        ("lines.1.order_line_id", "not_on_order"), ("lines.2.order_line_id", "duplicate_line")]


def test_delivery_dates():
    today, shipped = dt.date(2026, 5, 10), dt.date(2026, 5, 5)
    assert check_delivery(shipped_on=shipped, delivered_on=shipped, today=today) == []
    assert check_delivery(shipped_on=shipped, delivered_on=dt.date(2026, 5, 4),
                          today=today)[0].code == "before_shipped"
    assert check_delivery(shipped_on=shipped, delivered_on=dt.date(2026, 5, 11),
                          today=today)[0].code == "in_future"


def test_remaining_and_percent():
    assert remaining(D(10), D(4)) == D(6) and remaining(D(10), D(11)) == D(0)
    assert shipped_percent(D(5), D(10)) == 50 and shipped_percent(D(11), D(10)) == 100
    assert shipped_percent(D(0), D(0)) is None


def test_margin_arithmetic_p5_4_3():
    assert margin(D(1000), D(700)) == D("300.00")
    assert margin_percent(D(1000), D(700)) == D("30.00")
    assert margin_percent(D(0), D(10)) is None
    assert margin_percent(D(3), D(2)) == D("33.33")
    assert cost_from_margin_percent(D(1000), D(25)) == D("750.00")
    assert difference(D("28.5"), D(30)) == D("-1.50") and difference(None, D(1)) is None


def test_a_correction_never_exceeds_the_record_p5_4_3():
    assert correction_problem(amount=D(-40), corrected_amount=D(100),
                              already_corrected=D(-60)) is None
    assert correction_problem(amount=D("-40.01"), corrected_amount=D(100),
                              already_corrected=D(-60)) == "exceeds_record"
    assert correction_problem(amount=D(-1), corrected_amount=D(-5),
                              already_corrected=D(0)) == "corrects_a_correction"
