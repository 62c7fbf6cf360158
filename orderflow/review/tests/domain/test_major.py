"""Major or complex orders (P3.1.2): the configurable rule, without a database."""

import itertools
from decimal import Decimal

import pytest

from orderflow.review.domain.major import (
    REASON_LABELS,
    REASONS,
    MajorFacts,
    MajorRule,
    major_reasons,
)

ALL_ON = MajorRule(amount_threshold=Decimal("1000000.00"), customised=True, new_customer=True,
                   special_requirements=True)
ALL_OFF = MajorRule(amount_threshold=None, customised=False, new_customer=False,
                    special_requirements=False)


def facts(amount="999999.99", order_type="standard", kinds=(), earlier=True) -> MajorFacts:
    return MajorFacts(amount_gross=Decimal(amount), order_type=order_type,
                      requirement_kinds=frozenset(kinds), has_earlier_order=earlier)


def test_an_ordinary_order_is_not_major():
    assert major_reasons(facts(), ALL_ON) == []


@pytest.mark.parametrize(("given", "expected"), [
    (facts(amount="1000000.00"), ["amount"]),           # at the threshold counts
    (facts(amount="999999.99"), []),
    (facts(order_type="customised"), ["customised"]),
    (facts(kinds=["customisation"]), ["customised", "special_requirements"]),
    (facts(kinds=["packaging"]), ["special_requirements"]),
    (facts(earlier=False), ["new_customer"]),
    (facts(amount="5000000", order_type="customised", kinds=["transport"], earlier=False),
     ["amount", "customised", "new_customer", "special_requirements"]),
])
def test_each_criterion(given, expected):
    assert major_reasons(given, ALL_ON) == expected


def test_switched_off_criteria_never_count():
    worst = facts(amount="9999999", order_type="customised", kinds=["customisation"],
                  earlier=False)
    assert major_reasons(worst, ALL_OFF) == []


@pytest.mark.parametrize("switches", list(itertools.product([False, True], repeat=4)))
def test_every_combination_of_switches(switches):
    amount_on, customised, new_customer, special = switches
    rule = MajorRule(amount_threshold=Decimal("0") if amount_on else None,
                     customised=customised, new_customer=new_customer,
                     special_requirements=special)
    worst = facts(amount="1", order_type="customised", kinds=["other"], earlier=False)
    assert major_reasons(worst, rule) == [r for r, on in zip(REASONS, switches, strict=True)
                                          if on]


def test_every_reason_has_a_label():
    assert set(REASON_LABELS) == set(REASONS)
