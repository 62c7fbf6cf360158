"""Conditions that include or skip an approval step (P4.1.1): pure Python, no Django.

A step's conditions are a list of {"field", "op", "value"}; the step applies when all of
them hold for the subject's facts (an empty list always applies). Facts are a mapping
with the keys of CONDITION_FIELDS: amount (order total with tax, Decimal), major (bool,
from the latest review), customer_rating ("A".."D"), order_type.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class FieldKind(StrEnum):
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    CHOICE = "choice"


@dataclass(frozen=True)
class ConditionField:
    name: str
    kind: FieldKind
    label: str                      # English; the interface translates it
    choices: tuple[str, ...] = ()


RATINGS = ("A", "B", "C", "D")
# The order types of orderflow.orders.models.OrderType (a test keeps them equal).
ORDER_TYPES = ("standard", "customised", "sample", "service")

CONDITION_FIELDS: dict[str, ConditionField] = {
    "amount": ConditionField("amount", FieldKind.DECIMAL, "Order total with tax"),
    "major": ConditionField("major", FieldKind.BOOLEAN, "Major or complex order"),
    "customer_rating": ConditionField("customer_rating", FieldKind.CHOICE,
                                      "Customer credit rating", RATINGS),
    "order_type": ConditionField("order_type", FieldKind.CHOICE, "Order type", ORDER_TYPES),
}

# Operator -> the symbol shown to people (language-neutral).
OPERATORS: dict[str, str] = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<",
                             "lte": "≤", "in": "∈"}

OPERATORS_BY_KIND: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.DECIMAL: ("eq", "ne", "gt", "gte", "lt", "lte"),
    FieldKind.BOOLEAN: ("eq", "ne"),
    FieldKind.CHOICE: ("eq", "ne", "in"),
}

MAX_CONDITIONS = 10
MAX_AMOUNT = Decimal("99999999999999.99")


class Problem(StrEnum):
    """Why a condition is invalid; the service layer words each one for people."""

    NOT_A_MAPPING = "not_a_mapping"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_OPERATOR = "unknown_operator"
    OPERATOR_NOT_FOR_FIELD = "operator_not_for_field"
    VALUE_REQUIRED = "value_required"
    NOT_A_NUMBER = "not_a_number"
    NOT_YES_NO = "not_yes_no"
    NOT_A_CHOICE = "not_a_choice"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class ConditionProblem:
    index: int          # position in the list (0-based); -1 for the list itself
    key: str            # "field", "op", "value" or "" for the whole condition
    code: Problem
    params: tuple[tuple[str, str], ...] = ()


class InvalidCondition(ValueError):
    """A stored condition no longer validates (edited outside chain_save)."""


def _parse_decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and abs(number) <= MAX_AMOUNT else None


def _parse_boolean(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"true": True, "yes": True, "1": True, "是": True, "false": False, "no": False,
            "0": False, "否": False}.get(text)


def _parse_choices(value, choices, *, many: bool) -> tuple[str, ...] | None:
    if many:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, Sequence) or isinstance(items, str):
            return None
        items = tuple(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))
    else:
        items = (str(value).strip(),)
    if not items or any(i not in choices for i in items):
        return None
    return items


def _value_problem(spec: ConditionField, op: str, value) -> tuple[str, object]:
    """(problem code or "", parsed value)."""
    if value is None or (isinstance(value, str | list | tuple) and not value):
        return Problem.VALUE_REQUIRED, None
    if spec.kind == FieldKind.DECIMAL:
        parsed = _parse_decimal(value)
        return (Problem.NOT_A_NUMBER, None) if parsed is None else ("", parsed)
    if spec.kind == FieldKind.BOOLEAN:
        parsed = _parse_boolean(value)
        return (Problem.NOT_YES_NO, None) if parsed is None else ("", parsed)
    parsed = _parse_choices(value, spec.choices, many=op == "in")
    return (Problem.NOT_A_CHOICE, None) if parsed is None else ("", parsed)


def _check_one(index: int, raw) -> tuple[list[ConditionProblem], dict | None]:
    if not isinstance(raw, Mapping):
        return [ConditionProblem(index, "", Problem.NOT_A_MAPPING)], None
    field, op = str(raw.get("field") or ""), str(raw.get("op") or "")
    spec = CONDITION_FIELDS.get(field)
    if spec is None:
        return [ConditionProblem(index, "field", Problem.UNKNOWN_FIELD,
                                 (("field", field),))], None
    if op not in OPERATORS:
        return [ConditionProblem(index, "op", Problem.UNKNOWN_OPERATOR, (("op", op),))], None
    if op not in OPERATORS_BY_KIND[spec.kind]:
        allowed = ", ".join(OPERATORS_BY_KIND[spec.kind])
        return [ConditionProblem(index, "op", Problem.OPERATOR_NOT_FOR_FIELD,
                                 (("op", op), ("field", field), ("allowed", allowed)))], None
    problem, parsed = _value_problem(spec, op, raw.get("value"))
    if problem:
        params = (("field", field), ("choices", ", ".join(spec.choices)))
        return [ConditionProblem(index, "value", Problem(problem), params)], None
    return [], {"field": field, "op": op, "value": _stored(parsed, op)}


def _stored(parsed, op: str):
    """JSON-able form of a parsed value: decimals as text, "in" choices as a list."""
    if isinstance(parsed, Decimal):
        return str(parsed)
    if isinstance(parsed, tuple):
        return list(parsed) if op == "in" else parsed[0]
    return parsed


def validate_conditions(raw_conditions) -> tuple[list[ConditionProblem], list[dict]]:
    """(problems, normalised conditions). Normalised values: decimals as text, yes/no
    as bool, a choice as text and "in" as a list of choices."""
    if raw_conditions in (None, ""):
        return [], []
    if not isinstance(raw_conditions, Sequence) or isinstance(raw_conditions, str | bytes):
        return [ConditionProblem(-1, "", Problem.NOT_A_MAPPING)], []
    if len(raw_conditions) > MAX_CONDITIONS:
        return [ConditionProblem(-1, "", Problem.TOO_MANY,
                                 (("max", str(MAX_CONDITIONS)),))], []
    problems, normalised = [], []
    for index, raw in enumerate(raw_conditions):
        found, condition = _check_one(index, raw)
        problems.extend(found)
        if condition is not None:
            normalised.append(condition)
    return problems, normalised


def _compare(op: str, actual, expected) -> bool:
    if op == "in":
        return actual in expected
    return {
        "eq": lambda: actual == expected, "ne": lambda: actual != expected,
        "gt": lambda: actual > expected, "gte": lambda: actual >= expected,
        "lt": lambda: actual < expected, "lte": lambda: actual <= expected,
    }[op]()


def condition_holds(condition: Mapping, facts: Mapping) -> bool:
    """Whether one condition holds.

    Raises:
        InvalidCondition: the condition does not validate, or a fact is missing.
    """
    problems, normalised = validate_conditions([condition])
    if problems:
        raise InvalidCondition(f"invalid condition {dict(condition)!r}: {problems[0].code}")
    cond = normalised[0]
    field, op, value = cond["field"], cond["op"], cond["value"]
    if field not in facts:
        raise InvalidCondition(f"no fact {field!r} for the condition")
    spec = CONDITION_FIELDS[field]
    actual = facts[field]
    if spec.kind == FieldKind.DECIMAL:
        actual, value = Decimal(str(actual)), Decimal(value)
    elif spec.kind == FieldKind.BOOLEAN:
        actual = bool(actual)
    else:
        actual = str(actual)
    return _compare(op, actual, value)


def first_unmet(conditions: Sequence[Mapping], facts: Mapping) -> Mapping | None:
    """The first condition that does not hold (None: the step applies)."""
    for condition in conditions or ():
        if not condition_holds(condition, facts):
            return condition
    return None


def step_applies(conditions: Sequence[Mapping], facts: Mapping) -> bool:
    """A step applies when every one of its conditions holds (none: always)."""
    return first_unmet(conditions, facts) is None


def describe(condition: Mapping) -> str:
    """A language-neutral rendering, e.g. "amount ≥ 1000000" or "order_type ∈ sample, service"."""
    value = condition.get("value")
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, bool):
        value = "yes" if value else "no"
    return f"{condition.get('field')} {OPERATORS.get(condition.get('op'), '?')} {value}"
