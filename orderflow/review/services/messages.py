"""The review rules' problem codes as messages in the active language."""

from django.utils.translation import gettext as _

from orderflow.core.errors import ValidationFailed

from ..domain.opinions import Problem
from ..models import Conclusion


def _conclusion(code) -> str:
    try:
        return str(Conclusion(code).label)
    except ValueError:
        return str(code)


_MESSAGES = {
    "required": lambda p: _("This field is required."),
    "invalid_choice": lambda p: _("Select a valid choice."),
    "not_a_number": lambda p: _("Enter a number."),
    "not_a_whole_number": lambda p: _("Enter a whole number."),
    "not_a_date": lambda p: _("Enter a valid date (YYYY-MM-DD)."),
    "too_long": lambda p: _("At most %(n)s characters.") % {"n": p["max"]},
    "below_min": lambda p: _("Must be at least %(v)s.") % {"v": p["min"]},
    "above_max": lambda p: _("Must be at most %(v)s.") % {"v": p["max"]},
    "too_many_places": lambda p: _("At most %(n)s decimal places.") % {"n": p["places"]},
    "unknown_field": lambda p: _("Not a field of this department's opinion."),
    "not_an_object": lambda p: _("The details must be a set of named fields."),
    "conditions_required": lambda p: _("A pass with conditions needs the conditions."),
    "pass_has_no_conditions": lambda p: _(
        "A pass has no conditions; choose “Pass with conditions” to set some."),
    "reason_required": lambda p: _("Please give the reasons for “Fail”."),
    "not_feasible_cannot_pass": lambda p: _(
        "The order is marked technically not feasible; it cannot pass."),
    "solutions_required": lambda p: _("Feasible with solutions: please describe them."),
    "capacity_insufficient_cannot_pass": lambda p: _(
        "Capacity is marked insufficient; the order cannot pass."),
    "plan_changes_required": lambda p: _(
        "Please propose the plan changes or extra resources needed."),
    "date_in_past": lambda p: _("The feasible delivery date cannot be in the past."),
    "later_date_needs_conditions": lambda p: _(
        "The feasible delivery date %(feasible)s is after the order's delivery date "
        "%(delivery)s: pass with conditions or fail.") % p,
    "control_measures_required": lambda p: _(
        "Special requirements need specific quality-control measures."),
    "countermeasures_required": lambda p: _("Please give countermeasures for the risks."),
    "lead_time_needs_conditions": lambda p: _(
        "A lead time of %(lead)s days is longer than the %(days)s days left to the "
        "delivery date: pass with conditions or fail.") % p,
    "negative_margin_cannot_pass": lambda p: _("A negative margin cannot pass."),
    "proposals_required": lambda p: _(
        "A negative margin needs proposals: cost cuts or a price change."),
    "overrule_needs_reason": lambda p: _(
        "The departments' opinions amount to “%(overall)s”: please give the panel's "
        "reasons for a more favourable conclusion.") % {"overall": _conclusion(p["overall"])},
}


def message(problem: Problem) -> str:
    explain = _MESSAGES.get(problem.code)
    return explain(problem.params) if explain else problem.code


def raise_problems(problems: list[Problem]) -> None:
    """ValidationFailed with every problem's message under its field, if there are any."""
    if not problems:
        return
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(message(problem))
    raise ValidationFailed(errors)
