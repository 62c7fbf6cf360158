"""What the company configures for reviews (P11): reviewing departments per order type
(P3.1.1), time limits (P3.3.2) and the major-order rule (P3.1.2). System admins only."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.accounts.models import Department
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.permissions import require
from orderflow.core.validation import Errors
from orderflow.orders.models import OrderType

from ..domain.opinions import REVIEWING_DEPARTMENTS
from ..models import MajorOrderRule, ReviewRoute, ReviewTimeLimit

MAX_LIMIT_HOURS = 720


@transaction.atomic
def review_route_set(*, actor, order_type: str, departments) -> ReviewRoute:
    """Which departments review orders of a type, in order. Applies to reviews started
    afterwards.

    Raises:
        NotPermitted (not a system admin), ValidationFailed.
    """
    require(actor, "review.configure")
    errors = Errors()
    errors.choice("order_type", order_type, OrderType.choices)
    codes = [str(c).strip() for c in (departments or [])] \
        if isinstance(departments, list | tuple) else None
    if not codes:
        errors.add("departments", _("Choose at least one reviewing department."))
    else:
        for code in codes:
            if code not in REVIEWING_DEPARTMENTS:
                errors.add("departments", _("Not a reviewing department: %(code)s.")
                           % {"code": code or "?"})
        if len(set(codes)) != len(codes):
            errors.add("departments", _("Each department may review only once."))
        if not errors and Department.objects.filter(code__in=codes).count() != len(codes):
            errors.add("departments", _("A department in the list does not exist."))
    errors.raise_if_any()
    route = ReviewRoute.objects.select_for_update().filter(order_type=order_type).first() \
        or ReviewRoute(order_type=order_type)
    before = list(route.departments or []) if route.pk else None
    route.departments, route.updated_at, route.updated_by = codes, clock.now(), actor
    route.save()
    audit.record(actor, "review.route_set", route,
                 data={"order_type": order_type, "before": before, "after": codes})
    return route


@transaction.atomic
def review_time_limit_set(*, actor, department: str, hours, remind_before_hours,
                          leader_after_hours) -> ReviewTimeLimit:
    """A department's time limit in working hours, when to remind before it and when to
    escalate to the division leader after it (P3.3.2). Applies to reviews started
    afterwards; deadlines already set are kept.

    Raises:
        NotPermitted (not a system admin), ValidationFailed.
    """
    require(actor, "review.configure")
    errors = Errors()
    dept = Department.objects.filter(code=str(department or "")).first() \
        if department in REVIEWING_DEPARTMENTS else None
    if dept is None:
        errors.add("department", _("Not a reviewing department: %(code)s.")
                   % {"code": department or "?"})
    hours = errors.integer("hours", hours, min_value=1)
    if hours is not None and hours > MAX_LIMIT_HOURS:
        errors.add("hours", _("Must be at most %(v)s.") % {"v": MAX_LIMIT_HOURS})
    remind = errors.integer("remind_before_hours", remind_before_hours, min_value=0)
    if remind is not None and hours is not None and "hours" not in errors.errors \
            and remind >= hours:
        errors.add("remind_before_hours", _("The reminder must come before the deadline: "
                                            "less than %(n)s hours.") % {"n": hours})
    leader = errors.integer("leader_after_hours", leader_after_hours, min_value=0)
    if leader is not None and leader > MAX_LIMIT_HOURS:
        errors.add("leader_after_hours", _("Must be at most %(v)s.") % {"v": MAX_LIMIT_HOURS})
    errors.raise_if_any()
    limit = ReviewTimeLimit.objects.select_for_update().filter(department=dept).first() \
        or ReviewTimeLimit(department=dept)
    fields = ("hours", "remind_before_hours", "leader_after_hours")
    before = {f: getattr(limit, f) for f in fields} if limit.pk else None
    limit.hours, limit.remind_before_hours, limit.leader_after_hours = hours, remind, leader
    limit.updated_at, limit.updated_by = clock.now(), actor
    limit.save()
    audit.record(actor, "review.time_limit_set", limit,
                 data={"department": dept.code, "before": before,
                       "after": {f: getattr(limit, f) for f in fields}})
    return limit


def _flag(errors: Errors, field: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("0", "false", "off", "no", ""):
        return False
    errors.add(field, _("Select a valid choice."))
    return False


@transaction.atomic
def major_rule_update(*, actor, amount_threshold, customised, new_customer,
                      special_requirements) -> MajorOrderRule:
    """What makes an order major (P3.1.2); an empty threshold leaves the amount out.

    Raises:
        NotPermitted (not a system admin), ValidationFailed.
    """
    require(actor, "review.configure")
    errors = Errors()
    threshold = errors.decimal("amount_threshold", amount_threshold, required=False,
                               min_value=Decimal("0"),
                               max_value=Decimal("99999999999999.99"))
    flags = {name: _flag(errors, name, value) for name, value in (
        ("customised", customised), ("new_customer", new_customer),
        ("special_requirements", special_requirements))}
    errors.raise_if_any()
    rule, _created = MajorOrderRule.objects.select_for_update().get_or_create(pk=1)
    fields = ("amount_threshold", "customised", "new_customer", "special_requirements")
    before = {f: getattr(rule, f) for f in fields}
    rule.amount_threshold = threshold
    for name, value in flags.items():
        setattr(rule, name, value)
    rule.updated_at, rule.updated_by = clock.now(), actor
    rule.save()
    audit.record(actor, "review.major_rule_updated", rule,
                 data={"before": before, "after": {f: getattr(rule, f) for f in fields}})
    return rule
