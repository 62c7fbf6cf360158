"""Each department's typed opinion (P3.2.1-P3.2.5) and the rules that bind its
conclusion to what it says. Pure Python, no Django.

A problem is (field, code, params); the services translate the codes. Fields of the
details are reported as ``details.<name>``.

The rules, besides each field's type and range:
- R1 a conclusion is pass, conditional (pass with conditions) or fail;
- R2 conditional needs the conditions, a plain pass has none; fail needs the opinion
  text (the reason);
- T1 Technology (P3.2.1): "not feasible" cannot conclude pass;
- T2 Technology: "feasible with solutions" needs the proposed solutions ("if hard,
  propose solutions");
- P1 Production (P3.2.2): insufficient capacity cannot conclude pass;
- P2 Production: "sufficient with changes" needs the proposed plan changes or resources;
- P3 Production: a feasible delivery date after the order's delivery date cannot
  conclude a plain pass (pass with conditions, e.g. "customer agrees to the later date",
  or fail); a feasible date in the past is refused;
- Q1 Quality (P3.2.3): special quality requirements, or an order with special
  requirements, need specific quality-control measures;
- S1 Procurement (P3.2.4): named risks need countermeasures;
- S2 Procurement: a lead time longer than the days left to the delivery date cannot
  conclude a plain pass;
- F1 Finance (P3.2.5): a negative margin cannot conclude pass and needs proposals
  (cost cuts or a price change);
- C1 a panel chair (P3.1.2) concluding more favourably than the departments' opinions
  give the panel's reasons in the text.
The overall outcome of an ordinary review (P3.3.3): any fail -> fail, else any
conditional -> conditional, else pass.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple


def gettext_noop(message: str) -> str:
    """Marks an English label for translation (makemessages); the UI translates it."""
    return message


PASS, CONDITIONAL, FAIL = "pass", "conditional", "fail"
CONCLUSIONS = (PASS, CONDITIONAL, FAIL)
# The review report is the company's Chinese record (P3.4.2).
CONCLUSION_NAMES_ZH = {PASS: "通过", CONDITIONAL: "有条件通过", FAIL: "不通过"}

TEXT_MAX = 5000
KINDS = ("text", "choice", "decimal", "integer", "date")


@dataclass(frozen=True)
class FieldSpec:
    """One typed field of a department's opinion."""

    name: str
    kind: str                                    # one of KINDS
    label: str                                   # English; the UI translates it
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()    # (value, English label)
    label_zh: str = ""                           # for the Chinese review report
    choices_zh: tuple[tuple[str, str], ...] = ()
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    places: int = 2

    def choice_zh(self, value) -> str:
        return dict(self.choices_zh).get(value, "" if value is None else str(value))


class Problem(NamedTuple):
    field: str
    code: str
    params: dict = {}


@dataclass(frozen=True)
class OpinionFacts:
    """What an opinion is checked against: the order under review, today."""

    today: dt.date
    delivery_date: dt.date | None = None
    has_special_requirements: bool = False


def _text(name, label, label_zh, required=False) -> FieldSpec:
    return FieldSpec(name, "text", label, required, label_zh=label_zh)


OPINION_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    # P3.2.1 technical feasibility; if hard, propose solutions
    "technology": (
        FieldSpec("feasibility", "choice", gettext_noop("Technical feasibility"), True,
                  choices=(("feasible", gettext_noop("Feasible")),
                           ("feasible_with_solutions", gettext_noop("Feasible with solutions")),
                           ("not_feasible", gettext_noop("Not feasible"))),
                  label_zh="技术可行性",
                  choices_zh=(("feasible", "可行"), ("feasible_with_solutions", "采取措施后可行"),
                              ("not_feasible", "不可行"))),
        _text("difficulties", gettext_noop("Technical difficulties"), "技术难点"),
        _text("solutions", gettext_noop("Proposed solutions"), "解决方案"),
    ),
    # P3.2.2 capacity against quantity and delivery date; if short, plan changes/resources
    "production": (
        FieldSpec("capacity", "choice",
                  gettext_noop("Capacity against quantity and delivery date"), True,
                  choices=(("sufficient", gettext_noop("Sufficient")),
                           ("with_changes",
                            gettext_noop("Sufficient with plan changes or extra resources")),
                           ("insufficient", gettext_noop("Insufficient"))),
                  label_zh="产能（数量与交期）",
                  choices_zh=(("sufficient", "满足"), ("with_changes", "调整计划或增加资源后满足"),
                              ("insufficient", "不足"))),
        _text("resources", gettext_noop("Equipment, staff and schedule"), "设备、人员与排产",
              required=True),
        _text("plan_changes", gettext_noop("Proposed plan changes or extra resources"),
              "计划调整或追加资源"),
        FieldSpec("feasible_delivery_date", "date", gettext_noop("Feasible delivery date"),
                  label_zh="可实现交期"),
    ),
    # P3.2.3 standards can be met; special standards get specific quality-control measures
    "quality": (
        _text("standards", gettext_noop("Applicable quality standards"), "适用质量标准",
              required=True),
        _text("special_requirements", gettext_noop("Special quality requirements"),
              "特殊质量要求"),
        _text("control_measures", gettext_noop("Quality-control measures"), "质量控制措施"),
    ),
    # P3.2.4 materials and parts, supplier capacity and lead times; risks get countermeasures
    "procurement": (
        _text("materials", gettext_noop("Materials and parts"), "物料与零部件", required=True),
        _text("suppliers", gettext_noop("Suppliers and their capacity"), "供应商及供货能力"),
        FieldSpec("lead_time_days", "integer", gettext_noop("Lead time (days)"), True,
                  label_zh="采购周期（天）", min_value=Decimal(0), max_value=Decimal(3650)),
        _text("risks", gettext_noop("Risks"), "风险"),
        _text("countermeasures", gettext_noop("Countermeasures"), "应对措施"),
    ),
    # P3.2.5 cost estimate and profitability; if poor, propose cost cuts or a price change
    "finance": (
        FieldSpec("estimated_cost", "decimal", gettext_noop("Estimated cost"), True,
                  label_zh="成本估算", min_value=Decimal(0),
                  max_value=Decimal("99999999999999.99")),
        FieldSpec("margin_percent", "decimal", gettext_noop("Margin %"), True,
                  label_zh="毛利率（%）", min_value=Decimal(-100), max_value=Decimal(100)),
        _text("proposals", gettext_noop("Proposals (cost cuts or price change)"),
              "建议（降本或调价）"),
    ),
}

REVIEWING_DEPARTMENTS = tuple(OPINION_FIELDS)


def clean_value(spec: FieldSpec, raw) -> tuple[object, Problem | None]:
    """A raw value as stored in the opinion's JSON (decimals as text, dates ISO)."""
    key = f"details.{spec.name}"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return (None if spec.kind != "text" else ""), (
            Problem(key, "required") if spec.required else None)
    if spec.kind == "text":
        value = str(raw).strip()
        if len(value) > TEXT_MAX:
            return value, Problem(key, "too_long", {"max": TEXT_MAX})
        return value, None
    if spec.kind == "choice":
        value = str(raw)
        ok = value in {v for v, _label in spec.choices}
        return value, None if ok else Problem(key, "invalid_choice")
    if spec.kind == "date":
        return _clean_date(key, raw)
    if spec.kind == "integer":
        return _clean_number(spec, key, raw, integer=True)
    return _clean_number(spec, key, raw, integer=False)


def _clean_date(key, raw):
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat(), None
    if isinstance(raw, dt.date):
        return raw.isoformat(), None
    try:
        return dt.date.fromisoformat(str(raw).strip()).isoformat(), None
    except ValueError:
        return None, Problem(key, "not_a_date")


def _clean_number(spec, key, raw, *, integer):
    if isinstance(raw, bool):
        return None, Problem(key, "not_a_whole_number" if integer else "not_a_number")
    try:
        number = Decimal(str(raw).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        return None, Problem(key, "not_a_whole_number" if integer else "not_a_number")
    if integer and number != number.to_integral_value():
        return None, Problem(key, "not_a_whole_number")
    if spec.min_value is not None and number < spec.min_value:
        return None, Problem(key, "below_min", {"min": str(spec.min_value)})
    if spec.max_value is not None and number > spec.max_value:
        return None, Problem(key, "above_max", {"max": str(spec.max_value)})
    if integer:
        return int(number), None
    if number.as_tuple().exponent < -spec.places:
        return None, Problem(key, "too_many_places", {"places": spec.places})
    return f"{number.quantize(Decimal(1).scaleb(-spec.places))}", None


def clean_details(department: str, details) -> tuple[dict, list[Problem]]:
    """Every field of the department's opinion, cleaned; unknown fields are refused."""
    specs = OPINION_FIELDS.get(department, ())
    if details is None:
        details = {}
    if not isinstance(details, dict):
        return {}, [Problem("details", "not_an_object")]
    known = {s.name for s in specs}
    problems = [Problem(f"details.{k}", "unknown_field") for k in sorted(map(str, details))
                if k not in known]
    cleaned = {}
    for spec in specs:
        value, problem = clean_value(spec, details.get(spec.name))
        cleaned[spec.name] = value
        if problem:
            problems.append(problem)
    return cleaned, problems


def validate_opinion(department: str, *, conclusion: str, text: str, conditions: str,
                     details, facts: OpinionFacts) -> tuple[dict, list[Problem]]:
    """The cleaned details and every problem (R1-R2 and the department's rules)."""
    cleaned, problems = clean_details(department, details)
    if conclusion not in CONCLUSIONS:
        problems.append(Problem("conclusion", "invalid_choice"))
    for name, value in (("text", text), ("conditions", conditions)):
        if len(value) > TEXT_MAX:
            problems.append(Problem(name, "too_long", {"max": TEXT_MAX}))
    if conclusion == CONDITIONAL and not conditions:
        problems.append(Problem("conditions", "conditions_required"))
    if conclusion == PASS and conditions:
        problems.append(Problem("conditions", "pass_has_no_conditions"))
    if conclusion == FAIL and not text:
        problems.append(Problem("text", "reason_required"))
    bad = {p.field for p in problems}
    rule = _DEPARTMENT_RULES.get(department)
    if rule is not None and conclusion in CONCLUSIONS and "details" not in bad:
        problems.extend(p for p in rule(cleaned, conclusion, facts) if p.field not in bad)
    return cleaned, problems


def _technology(d: dict, conclusion: str, facts: OpinionFacts) -> list[Problem]:
    out = []
    if d["feasibility"] == "not_feasible" and conclusion == PASS:
        out.append(Problem("conclusion", "not_feasible_cannot_pass"))
    if d["feasibility"] == "feasible_with_solutions" and not d["solutions"]:
        out.append(Problem("details.solutions", "solutions_required"))
    return out


def _production(d: dict, conclusion: str, facts: OpinionFacts) -> list[Problem]:
    out = []
    if d["capacity"] == "insufficient" and conclusion == PASS:
        out.append(Problem("conclusion", "capacity_insufficient_cannot_pass"))
    if d["capacity"] == "with_changes" and not d["plan_changes"]:
        out.append(Problem("details.plan_changes", "plan_changes_required"))
    feasible = d["feasible_delivery_date"]
    if feasible:
        feasible = dt.date.fromisoformat(feasible)
        if feasible < facts.today:
            out.append(Problem("details.feasible_delivery_date", "date_in_past"))
        elif facts.delivery_date and feasible > facts.delivery_date and conclusion == PASS:
            out.append(Problem("conclusion", "later_date_needs_conditions",
                               {"feasible": feasible.isoformat(),
                                "delivery": facts.delivery_date.isoformat()}))
    return out


def _quality(d: dict, conclusion: str, facts: OpinionFacts) -> list[Problem]:
    special = d["special_requirements"] or facts.has_special_requirements
    if special and not d["control_measures"]:
        return [Problem("details.control_measures", "control_measures_required")]
    return []


def _procurement(d: dict, conclusion: str, facts: OpinionFacts) -> list[Problem]:
    out = []
    if d["risks"] and not d["countermeasures"]:
        out.append(Problem("details.countermeasures", "countermeasures_required"))
    lead = d["lead_time_days"]
    if lead is not None and facts.delivery_date and conclusion == PASS:
        days_left = (facts.delivery_date - facts.today).days
        if lead > days_left:
            out.append(Problem("conclusion", "lead_time_needs_conditions",
                               {"lead": lead, "days": days_left}))
    return out


def _finance(d: dict, conclusion: str, facts: OpinionFacts) -> list[Problem]:
    out = []
    margin = d["margin_percent"]
    if margin is not None and Decimal(margin) < 0:
        if conclusion == PASS:
            out.append(Problem("conclusion", "negative_margin_cannot_pass"))
        if not d["proposals"]:
            out.append(Problem("details.proposals", "proposals_required"))
    return out


_DEPARTMENT_RULES = {"technology": _technology, "production": _production,
                     "quality": _quality, "procurement": _procurement, "finance": _finance}


def detail_rows(department: str, details: dict) -> list[dict]:
    """The details as labelled rows (for the report): name, labels, value, Chinese value."""
    rows = []
    for spec in OPINION_FIELDS.get(department, ()):
        value = (details or {}).get(spec.name)
        shown = spec.choice_zh(value) if spec.kind == "choice" else value
        rows.append({"name": spec.name, "label": spec.label, "label_zh": spec.label_zh,
                     "value": value, "value_zh": "" if shown is None else str(shown)})
    return rows


# -- the overall outcome (P3.3.3) ---------------------------------------------------

_RANK = {PASS: 0, CONDITIONAL: 1, FAIL: 2}


def overall_conclusion(conclusions) -> str:
    """Any fail -> fail; else any conditional -> conditional; else pass.

    Raises:
        ValueError: no conclusions, or one that is not a conclusion.
    """
    conclusions = list(conclusions)
    if not conclusions or any(c not in _RANK for c in conclusions):
        raise ValueError(f"not a set of conclusions: {conclusions!r}")
    return max(conclusions, key=_RANK.__getitem__)


def is_more_favourable(conclusion: str, than: str) -> bool:
    """Whether `conclusion` is better for the order than `than` (a chair overruling)."""
    return _RANK[conclusion] < _RANK[than]


def validate_panel_conclusion(*, conclusion: str, text: str, conditions: str,
                              opinions_overall: str) -> list[Problem]:
    """The chair's conclusion of a major-order panel (P3.1.2): R1 and R2 as for an
    opinion; and C1: concluding more favourably than the departments' opinions
    (e.g. pass over a department's fail) needs the chair's reasons in the text."""
    problems = []
    if conclusion not in CONCLUSIONS:
        return [Problem("conclusion", "invalid_choice")]
    for name, value in (("text", text), ("conditions", conditions)):
        if len(value) > TEXT_MAX:
            problems.append(Problem(name, "too_long", {"max": TEXT_MAX}))
    if conclusion == CONDITIONAL and not conditions:
        problems.append(Problem("conditions", "conditions_required"))
    if conclusion == PASS and conditions:
        problems.append(Problem("conditions", "pass_has_no_conditions"))
    if conclusion == FAIL and not text:
        problems.append(Problem("text", "reason_required"))
    elif is_more_favourable(conclusion, opinions_overall) and not text:
        problems.append(Problem("text", "overrule_needs_reason",
                                {"overall": opinions_overall}))
    return problems


__all__ = ["CONCLUSIONS", "CONCLUSION_NAMES_ZH", "OPINION_FIELDS", "REVIEWING_DEPARTMENTS",
           "FieldSpec", "OpinionFacts", "Problem", "clean_details", "detail_rows",
           "is_more_favourable", "overall_conclusion", "validate_opinion",
           "validate_panel_conclusion"]
