"""The typed opinions and their rules (P3.2.1-P3.2.5, P3.3.3), without a database."""

import datetime as dt
from decimal import Decimal

import pytest

from orderflow.review.domain.opinions import (
    CONCLUSIONS,
    KINDS,
    OPINION_FIELDS,
    REVIEWING_DEPARTMENTS,
    OpinionFacts,
    Problem,
    clean_details,
    detail_rows,
    is_more_favourable,
    overall_conclusion,
    validate_opinion,
    validate_panel_conclusion,
)

TODAY = dt.date(2025, 3, 3)
FACTS = OpinionFacts(today=TODAY, delivery_date=dt.date(2025, 5, 2))

# A complete, favourable set of details per department.
GOOD = {
    "technology": {"feasibility": "feasible", "difficulties": "", "solutions": ""},
    "production": {"capacity": "sufficient", "resources": "2号线，两班", "plan_changes": "",
                   "feasible_delivery_date": "2025-04-30"},
    "quality": {"standards": "GB/T 19001", "special_requirements": "", "control_measures": ""},
    "procurement": {"materials": "不锈钢板 304", "suppliers": "宝钢", "lead_time_days": 20,
                    "risks": "", "countermeasures": ""},
    "finance": {"estimated_cost": "70000.00", "margin_percent": "18.50", "proposals": ""},
}


def check(dept, conclusion="pass", text="", conditions="", facts=FACTS, **changes):
    details = {**GOOD[dept], **changes}
    return validate_opinion(dept, conclusion=conclusion, text=text, conditions=conditions,
                            details=details, facts=facts)


def codes(problems) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems}


def test_the_five_departments_of_the_policy_review():
    # P3.1.1 (and P3.2.5 Finance)
    assert REVIEWING_DEPARTMENTS == ("technology", "production", "quality", "procurement",
                                     "finance")


def test_fields_per_department_are_typed_as_the_policy_asks():
    kinds = {dept: {f.name: f.kind for f in specs} for dept, specs in OPINION_FIELDS.items()}
    assert kinds == {
        "technology": {"feasibility": "choice", "difficulties": "text", "solutions": "text"},
        "production": {"capacity": "choice", "resources": "text", "plan_changes": "text",
                       "feasible_delivery_date": "date"},
        "quality": {"standards": "text", "special_requirements": "text",
                    "control_measures": "text"},
        "procurement": {"materials": "text", "suppliers": "text", "lead_time_days": "integer",
                        "risks": "text", "countermeasures": "text"},
        "finance": {"estimated_cost": "decimal", "margin_percent": "decimal",
                    "proposals": "text"},
    }
    choices = {(d, f.name): [v for v, _label in f.choices]
               for d, specs in OPINION_FIELDS.items() for f in specs if f.choices}
    assert choices == {
        ("technology", "feasibility"): ["feasible", "feasible_with_solutions", "not_feasible"],
        ("production", "capacity"): ["sufficient", "with_changes", "insufficient"],
    }


@pytest.mark.parametrize(("dept", "spec"), [(d, s) for d, specs in OPINION_FIELDS.items()
                                            for s in specs])
def test_every_field_is_labelled_in_english_and_chinese(dept, spec):
    assert spec.kind in KINDS
    assert spec.label and spec.label.isascii()
    assert spec.label_zh and not spec.label_zh.isascii()
    assert dict(spec.choices).keys() == dict(spec.choices_zh).keys()


@pytest.mark.parametrize("dept", REVIEWING_DEPARTMENTS)
@pytest.mark.parametrize("conclusion", CONCLUSIONS)
def test_a_complete_opinion_has_no_problem_with_the_text_each_conclusion_needs(dept,
                                                                                conclusion):
    cleaned, problems = check(dept, conclusion, text="理由" if conclusion == "fail" else "",
                              conditions="条件" if conclusion == "conditional" else "")
    assert problems == []
    assert set(cleaned) == {f.name for f in OPINION_FIELDS[dept]}


def test_values_are_cleaned_as_stored():
    cleaned, problems = clean_details("finance", {"estimated_cost": " 1,200.5 ",
                                                  "margin_percent": -3, "proposals": "  涨价 "})
    assert problems == []
    assert cleaned == {"estimated_cost": "1200.50", "margin_percent": "-3.00",
                       "proposals": "涨价"}
    cleaned, problems = clean_details("procurement", {"materials": "钢", "lead_time_days": "7",
                                                      "suppliers": None})
    assert (problems, cleaned["lead_time_days"], cleaned["suppliers"]) == ([], 7, "")
    cleaned, _ = clean_details("production", {"capacity": "sufficient", "resources": "x",
                                              "feasible_delivery_date": dt.date(2025, 4, 1)})
    assert cleaned["feasible_delivery_date"] == "2025-04-01"


@pytest.mark.parametrize(("dept", "changes", "expected"), [
    ("technology", {"feasibility": ""}, ("details.feasibility", "required")),
    ("technology", {"feasibility": "maybe"}, ("details.feasibility", "invalid_choice")),
    ("production", {"resources": "  "}, ("details.resources", "required")),
    ("production", {"feasible_delivery_date": "30/04/2025"},
     ("details.feasible_delivery_date", "not_a_date")),
    ("quality", {"standards": None}, ("details.standards", "required")),
    ("quality", {"standards": "x" * 5001}, ("details.standards", "too_long")),
    ("procurement", {"lead_time_days": "2.5"}, ("details.lead_time_days", "not_a_whole_number")),
    ("procurement", {"lead_time_days": -1}, ("details.lead_time_days", "below_min")),
    ("procurement", {"lead_time_days": 3651}, ("details.lead_time_days", "above_max")),
    ("procurement", {"lead_time_days": True}, ("details.lead_time_days", "not_a_whole_number")),
    ("finance", {"estimated_cost": "abc"}, ("details.estimated_cost", "not_a_number")),
    ("finance", {"estimated_cost": "NaN"}, ("details.estimated_cost", "not_a_number")),
    ("finance", {"estimated_cost": "-1"}, ("details.estimated_cost", "below_min")),
    ("finance", {"estimated_cost": "1.005"}, ("details.estimated_cost", "too_many_places")),
    ("finance", {"margin_percent": "100.01"}, ("details.margin_percent", "above_max")),
    ("finance", {"margin_percent": "-100.01"}, ("details.margin_percent", "below_min")),
    ("finance", {"margin_percent": ""}, ("details.margin_percent", "required")),
    ("finance", {"discount": "5"}, ("details.discount", "unknown_field")),
])
def test_field_problems_are_keyed_by_details_name(dept, changes, expected):
    _cleaned, problems = check(dept, **changes)
    assert codes(problems) == {expected}


def test_margin_bounds_are_inclusive():
    for margin in ("-100", "100"):
        _cleaned, problems = check("finance", "fail", text="亏损", margin_percent=margin,
                                   proposals="调价")
        assert problems == []


def test_details_must_be_an_object():
    assert validate_opinion("quality", conclusion="pass", text="", conditions="",
                            details=["GB"], facts=FACTS)[1] == [
        Problem("details", "not_an_object")]


@pytest.mark.parametrize(("conclusion", "text", "conditions", "expected"), [
    ("", "", "", {("conclusion", "invalid_choice")}),
    ("approve", "", "", {("conclusion", "invalid_choice")}),
    ("conditional", "", "", {("conditions", "conditions_required")}),
    ("fail", "", "", {("text", "reason_required")}),
    ("pass", "", "客户同意延期", {("conditions", "pass_has_no_conditions")}),
    ("pass", "x" * 5001, "", {("text", "too_long")}),
])
def test_r1_r2_conclusion_and_the_text_it_needs(conclusion, text, conditions, expected):
    _cleaned, problems = check("quality", conclusion, text=text, conditions=conditions)
    assert codes(problems) == expected


# The departments' own rules: (dept, conclusion, changes, extra) -> problems

RULES = [
    # T1, T2 (P3.2.1)
    ("technology", "pass", {"feasibility": "not_feasible"}, {},
     {("conclusion", "not_feasible_cannot_pass")}),
    ("technology", "fail", {"feasibility": "not_feasible"}, {"text": "无法实现"}, set()),
    ("technology", "conditional", {"feasibility": "not_feasible"}, {"conditions": "改规格"},
     set()),
    ("technology", "pass", {"feasibility": "feasible_with_solutions"}, {},
     {("details.solutions", "solutions_required")}),
    ("technology", "pass", {"feasibility": "feasible_with_solutions", "solutions": "改模具"},
     {}, set()),
    # P1-P3 (P3.2.2)
    ("production", "pass", {"capacity": "insufficient"}, {},
     {("conclusion", "capacity_insufficient_cannot_pass")}),
    ("production", "pass", {"capacity": "with_changes"}, {},
     {("details.plan_changes", "plan_changes_required")}),
    ("production", "pass", {"capacity": "with_changes", "plan_changes": "加班"}, {}, set()),
    ("production", "pass", {"feasible_delivery_date": "2025-05-03"}, {},
     {("conclusion", "later_date_needs_conditions")}),
    ("production", "conditional", {"feasible_delivery_date": "2025-05-03"},
     {"conditions": "客户接受5月3日交货"}, set()),
    ("production", "pass", {"feasible_delivery_date": "2025-05-02"}, {}, set()),
    ("production", "pass", {"feasible_delivery_date": "2025-03-02"}, {},
     {("details.feasible_delivery_date", "date_in_past")}),
    # Q1 (P3.2.3)
    ("quality", "pass", {"special_requirements": "盐雾试验 500h"}, {},
     {("details.control_measures", "control_measures_required")}),
    ("quality", "pass", {"special_requirements": "盐雾试验 500h",
                         "control_measures": "每批抽检"}, {}, set()),
    # S1, S2 (P3.2.4)
    ("procurement", "pass", {"risks": "单一供应商"}, {},
     {("details.countermeasures", "countermeasures_required")}),
    ("procurement", "pass", {"risks": "单一供应商", "countermeasures": "开发第二供应商"}, {},
     set()),
    ("procurement", "pass", {"lead_time_days": 61}, {},
     {("conclusion", "lead_time_needs_conditions")}),
    ("procurement", "pass", {"lead_time_days": 60}, {}, set()),
    ("procurement", "fail", {"lead_time_days": 90}, {"text": "来不及"}, set()),
    # F1 (P3.2.5)
    ("finance", "pass", {"margin_percent": "-0.01"}, {},
     {("conclusion", "negative_margin_cannot_pass"),
      ("details.proposals", "proposals_required")}),
    ("finance", "conditional", {"margin_percent": "-5", "proposals": "单价上调8%"},
     {"conditions": "客户接受调价"}, set()),
    ("finance", "pass", {"margin_percent": "0"}, {}, set()),
]


@pytest.mark.parametrize(("dept", "conclusion", "changes", "extra", "expected"), RULES)
def test_department_rules(dept, conclusion, changes, extra, expected):
    _cleaned, problems = check(dept, conclusion, **extra, **changes)
    assert codes(problems) == expected


def test_q1_an_order_with_special_requirements_needs_control_measures():
    facts = OpinionFacts(today=TODAY, delivery_date=None, has_special_requirements=True)
    assert codes(check("quality", facts=facts)[1]) == {
        ("details.control_measures", "control_measures_required")}


def test_rules_without_a_delivery_date_do_not_compare_dates():
    facts = OpinionFacts(today=TODAY)
    assert check("production", facts=facts, feasible_delivery_date="2026-01-01")[1] == []
    assert check("procurement", facts=facts, lead_time_days=3000)[1] == []


def test_a_rule_is_not_reported_over_a_bad_conclusion():
    _cleaned, problems = check("technology", "maybe", feasibility="not_feasible")
    assert codes(problems) == {("conclusion", "invalid_choice")}


def test_department_without_typed_fields_takes_none():
    assert clean_details("logistics", {}) == ({}, [])
    assert codes(clean_details("logistics", {"x": 1})[1]) == {("details.x", "unknown_field")}


def test_detail_rows_show_chinese_choice_labels():
    rows = detail_rows("technology", {"feasibility": "feasible_with_solutions",
                                      "difficulties": "", "solutions": "改模具"})
    assert [(r["label_zh"], r["value_zh"]) for r in rows] == [
        ("技术可行性", "采取措施后可行"), ("技术难点", ""), ("解决方案", "改模具")]


# Overall outcome (P3.3.3)

@pytest.mark.parametrize(("conclusions", "overall"), [
    (["pass"], "pass"),
    (["pass"] * 5, "pass"),
    (["pass", "conditional", "pass"], "conditional"),
    (["conditional", "fail", "pass"], "fail"),
    (["fail"], "fail"),
    (["conditional", "conditional"], "conditional"),
])
def test_overall_any_fail_fails_any_conditional_is_conditional(conclusions, overall):
    assert overall_conclusion(conclusions) == overall
    assert overall_conclusion(reversed(conclusions)) == overall


@pytest.mark.parametrize("bad", [[], ["pass", ""], ["maybe"]])
def test_overall_needs_real_conclusions(bad):
    with pytest.raises(ValueError):
        overall_conclusion(bad)


def test_favourable_order():
    assert is_more_favourable("pass", "fail") and is_more_favourable("conditional", "fail")
    assert not is_more_favourable("fail", "pass") and not is_more_favourable("pass", "pass")


@pytest.mark.parametrize(("conclusion", "text", "conditions", "overall", "expected"), [
    ("pass", "", "", "pass", set()),
    ("fail", "交期无法满足", "", "pass", set()),
    ("fail", "", "", "pass", {("text", "reason_required")}),
    ("conditional", "", "", "conditional", {("conditions", "conditions_required")}),
    ("pass", "", "", "fail", {("text", "overrule_needs_reason")}),
    ("pass", "小组认为技术风险可控", "", "fail", set()),
    ("conditional", "", "分批交货", "fail", {("text", "overrule_needs_reason")}),
    ("pass", "", "分批", "pass", {("conditions", "pass_has_no_conditions")}),
    ("", "", "", "pass", {("conclusion", "invalid_choice")}),
])
def test_c1_panel_conclusion(conclusion, text, conditions, overall, expected):
    problems = validate_panel_conclusion(conclusion=conclusion, text=text,
                                         conditions=conditions, opinions_overall=overall)
    assert codes(problems) == expected


def test_decimal_fields_keep_two_places():
    spec = next(f for f in OPINION_FIELDS["finance"] if f.name == "margin_percent")
    assert (spec.min_value, spec.max_value, spec.places) == (Decimal(-100), Decimal(100), 2)
