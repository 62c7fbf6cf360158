"""What makes an order major or complex (P3.1.2): a configurable rule (P11). Pure Python.

Any criterion that is switched on and met makes the order major; its review is then a
panel chaired by the division leader with the department heads as members.
"""

from dataclasses import dataclass
from decimal import Decimal

from .opinions import gettext_noop

AMOUNT, CUSTOMISED, NEW_CUSTOMER, SPECIAL_REQUIREMENTS = (
    "amount", "customised", "new_customer", "special_requirements")
REASONS = (AMOUNT, CUSTOMISED, NEW_CUSTOMER, SPECIAL_REQUIREMENTS)
REASON_LABELS = {
    AMOUNT: gettext_noop("Amount at or above the threshold"),
    CUSTOMISED: gettext_noop("Customised product"),
    NEW_CUSTOMER: gettext_noop("The customer's first order"),
    SPECIAL_REQUIREMENTS: gettext_noop("Special requirements"),
}
REASON_NAMES_ZH = {AMOUNT: "金额达到重大订单标准", CUSTOMISED: "定制产品",
                   NEW_CUSTOMER: "新客户首单", SPECIAL_REQUIREMENTS: "有特殊要求"}

CUSTOMISED_ORDER_TYPE = "customised"
CUSTOMISATION_REQUIREMENT = "customisation"


@dataclass(frozen=True)
class MajorRule:
    amount_threshold: Decimal | None    # None: the amount does not count
    customised: bool
    new_customer: bool
    special_requirements: bool


@dataclass(frozen=True)
class MajorFacts:
    amount_gross: Decimal
    order_type: str
    requirement_kinds: frozenset[str]
    # An earlier order of the same customer that was not cancelled or declined.
    has_earlier_order: bool


def major_reasons(facts: MajorFacts, rule: MajorRule) -> list[str]:
    """The reason codes (in REASONS order) that make the order major; empty if none."""
    reasons = []
    if rule.amount_threshold is not None and facts.amount_gross >= rule.amount_threshold:
        reasons.append(AMOUNT)
    if rule.customised and (facts.order_type == CUSTOMISED_ORDER_TYPE
                            or CUSTOMISATION_REQUIREMENT in facts.requirement_kinds):
        reasons.append(CUSTOMISED)
    if rule.new_customer and not facts.has_earlier_order:
        reasons.append(NEW_CUSTOMER)
    if rule.special_requirements and facts.requirement_kinds:
        reasons.append(SPECIAL_REQUIREMENTS)
    return reasons
