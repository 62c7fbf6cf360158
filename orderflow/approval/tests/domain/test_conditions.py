"""Step conditions (P4.1.1): validation and evaluation, exhaustively, without a database."""

from decimal import Decimal

import pytest

from orderflow.approval.domain.conditions import (
    CONDITION_FIELDS,
    MAX_CONDITIONS,
    OPERATORS,
    OPERATORS_BY_KIND,
    ORDER_TYPES,
    RATINGS,
    ConditionProblem,
    InvalidCondition,
    Problem,
    condition_holds,
    describe,
    first_unmet,
    step_applies,
    validate_conditions,
)
from orderflow.masterdata.models import CreditRating
from orderflow.orders.models import OrderType

FACTS = {"amount": Decimal("500000.00"), "major": False, "customer_rating": "B",
         "order_type": "standard"}


def test_choices_follow_the_models():
    assert ORDER_TYPES == tuple(OrderType.values)
    assert RATINGS == tuple(CreditRating.values)


def test_every_field_has_operators_that_exist():
    assert set(CONDITION_FIELDS) == {"amount", "major", "customer_rating", "order_type"}
    for spec in CONDITION_FIELDS.values():
        assert set(OPERATORS_BY_KIND[spec.kind]) <= set(OPERATORS)


# field, op, value, expected for FACTS
AMOUNT_CASES = [
    ("eq", "500000", True), ("eq", "500000.01", False),
    ("ne", "500000", False), ("ne", "1", True),
    ("gt", "499999.99", True), ("gt", "500000", False),
    ("gte", "500000", True), ("gte", "500000.01", False),
    ("lt", "500000.01", True), ("lt", "500000", False),
    ("lte", "500000", True), ("lte", "499999.99", False),
]


@pytest.mark.parametrize(("op", "value", "expected"), AMOUNT_CASES)
def test_amount_operators(op, value, expected):
    assert condition_holds({"field": "amount", "op": op, "value": value}, FACTS) is expected


@pytest.mark.parametrize(("field", "op", "value", "expected"), [
    ("major", "eq", True, False), ("major", "eq", False, True), ("major", "ne", True, True),
    ("major", "eq", "yes", False), ("major", "eq", "no", True),
    ("customer_rating", "eq", "B", True), ("customer_rating", "ne", "B", False),
    ("customer_rating", "in", ["C", "D"], False), ("customer_rating", "in", ["B", "C"], True),
    ("customer_rating", "in", "A,B", True),
    ("order_type", "eq", "standard", True), ("order_type", "ne", "sample", True),
    ("order_type", "in", ["customised", "sample"], False),
])
def test_other_fields(field, op, value, expected):
    assert condition_holds({"field": field, "op": op, "value": value}, FACTS) is expected


def test_a_step_applies_when_all_conditions_hold():
    big = {"field": "amount", "op": "gte", "value": "100000"}
    custom = {"field": "order_type", "op": "eq", "value": "customised"}
    assert step_applies([], FACTS) is True
    assert step_applies([big], FACTS) is True
    assert step_applies([big, custom], FACTS) is False
    assert first_unmet([big, custom], FACTS) == custom


def test_normalised_values():
    problems, normalised = validate_conditions([
        {"field": "amount", "op": "gte", "value": "1,000,000"},
        {"field": "major", "op": "eq", "value": "true"},
        {"field": "customer_rating", "op": "in", "value": "C, D,C"},
        {"field": "order_type", "op": "eq", "value": " sample "},
    ])
    assert problems == []
    assert normalised == [
        {"field": "amount", "op": "gte", "value": "1000000"},
        {"field": "major", "op": "eq", "value": True},
        {"field": "customer_rating", "op": "in", "value": ["C", "D"]},
        {"field": "order_type", "op": "eq", "value": "sample"},
    ]


@pytest.mark.parametrize(("raw", "expected"), [
    (["x"], ConditionProblem(0, "", Problem.NOT_A_MAPPING)),
    ("amount", ConditionProblem(-1, "", Problem.NOT_A_MAPPING)),
    ([{"field": "colour", "op": "eq", "value": 1}],
     ConditionProblem(0, "field", Problem.UNKNOWN_FIELD, (("field", "colour"),))),
    ([{"field": "amount", "op": "like", "value": 1}],
     ConditionProblem(0, "op", Problem.UNKNOWN_OPERATOR, (("op", "like"),))),
    ([{"field": "major", "op": "gt", "value": True}],
     ConditionProblem(0, "op", Problem.OPERATOR_NOT_FOR_FIELD,
                      (("op", "gt"), ("field", "major"), ("allowed", "eq, ne")))),
    ([{"field": "amount", "op": "in", "value": [1]}],
     ConditionProblem(0, "op", Problem.OPERATOR_NOT_FOR_FIELD,
                      (("op", "in"), ("field", "amount"),
                       ("allowed", "eq, ne, gt, gte, lt, lte")))),
    ([{"field": "amount", "op": "gt", "value": ""}],
     ConditionProblem(0, "value", Problem.VALUE_REQUIRED, (("field", "amount"),
                                                           ("choices", "")))),
    ([{"field": "amount", "op": "gt", "value": "lots"}],
     ConditionProblem(0, "value", Problem.NOT_A_NUMBER, (("field", "amount"),
                                                         ("choices", "")))),
    ([{"field": "amount", "op": "gt", "value": "NaN"}],
     ConditionProblem(0, "value", Problem.NOT_A_NUMBER, (("field", "amount"),
                                                         ("choices", "")))),
    ([{"field": "amount", "op": "gt", "value": True}],
     ConditionProblem(0, "value", Problem.NOT_A_NUMBER, (("field", "amount"),
                                                         ("choices", "")))),
    ([{"field": "major", "op": "eq", "value": "perhaps"}],
     ConditionProblem(0, "value", Problem.NOT_YES_NO, (("field", "major"),
                                                       ("choices", "")))),
    ([{"field": "customer_rating", "op": "eq", "value": "E"}],
     ConditionProblem(0, "value", Problem.NOT_A_CHOICE, (("field", "customer_rating"),
                                                         ("choices", "A, B, C, D")))),
    ([{"field": "order_type", "op": "in", "value": ["sample", "bulk"]}],
     ConditionProblem(0, "value", Problem.NOT_A_CHOICE,
                      (("field", "order_type"),
                       ("choices", "standard, customised, sample, service")))),
    ([{"field": "order_type", "op": "in", "value": []}],
     ConditionProblem(0, "value", Problem.VALUE_REQUIRED,
                      (("field", "order_type"),
                       ("choices", "standard, customised, sample, service")))),
    ([{"field": "amount", "op": "gt", "value": "1"}] * (MAX_CONDITIONS + 1),
     ConditionProblem(-1, "", Problem.TOO_MANY, (("max", str(MAX_CONDITIONS)),))),
])
def test_invalid_conditions_are_named(raw, expected):
    problems, _normalised = validate_conditions(raw)
    assert problems == [expected]


def test_every_problem_of_a_list_is_reported_by_index():
    problems, normalised = validate_conditions([
        {"field": "amount", "op": "gt", "value": "1"},
        {"field": "nope", "op": "eq", "value": "1"},
        {"field": "major", "op": "eq", "value": "maybe"},
    ])
    assert [(p.index, p.key) for p in problems] == [(1, "field"), (2, "value")]
    assert normalised == [{"field": "amount", "op": "gt", "value": "1"}]


def test_a_stored_condition_that_no_longer_validates_is_an_error():
    with pytest.raises(InvalidCondition):
        step_applies([{"field": "amount", "op": "between", "value": "1"}], FACTS)
    with pytest.raises(InvalidCondition):
        step_applies([{"field": "amount", "op": "gt", "value": "1"}], {"major": True})


@pytest.mark.parametrize(("condition", "text"), [
    ({"field": "amount", "op": "gte", "value": "1000000"}, "amount ≥ 1000000"),
    ({"field": "major", "op": "eq", "value": True}, "major = yes"),
    ({"field": "order_type", "op": "in", "value": ["sample", "service"]},
     "order_type ∈ sample, service"),
])
def test_describe(condition, text):
    assert describe(condition) == text
