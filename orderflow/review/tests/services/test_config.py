"""What the company configures (P11): review routes (P3.1.1), time limits (P3.3.2), the
major-order rule (P3.1.2). System admins only, validated, audited."""

from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.review.models import MajorOrderRule, ReviewRoute, ReviewTimeLimit
from orderflow.review.services import major_rule_update, review_route_set, review_time_limit_set
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="sysadmin")


def config_state() -> dict:
    return {"routes": list(ReviewRoute.objects.values_list("order_type", "departments")),
            "limits": list(ReviewTimeLimit.objects.values_list(
                "department__code", "hours", "remind_before_hours", "leader_after_hours")),
            "rule": list(MajorOrderRule.objects.values()),
            "events": AuditEvent.objects.count()}


def test_admin_sets_the_departments_reviewing_an_order_type(admin):
    route = review_route_set(actor=admin, order_type="sample",
                             departments=["quality", "technology"])
    route.refresh_from_db()
    assert (route.departments, route.updated_by) == (["quality", "technology"], admin)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.data) == ("review.route_set", {
        "order_type": "sample", "after": ["quality", "technology"],
        "before": ["technology", "production", "quality", "procurement", "finance"]})


def test_a_route_is_created_for_a_type_without_one(admin):
    ReviewRoute.objects.filter(order_type="service").delete()
    review_route_set(actor=admin, order_type="service", departments=["finance"])
    assert ReviewRoute.objects.get(order_type="service").departments == ["finance"]


@pytest.mark.parametrize(("order_type", "departments", "fields"), [
    ("standard", [], {"departments"}),
    ("standard", None, {"departments"}),
    ("standard", "quality", {"departments"}),
    ("standard", ["quality", "sales"], {"departments"}),
    ("standard", ["quality", "quality"], {"departments"}),
    ("standard", ["marketing"], {"departments"}),
    ("wholesale", ["quality"], {"order_type"}),
])
def test_bad_routes_are_refused(admin, order_type, departments, fields):
    before = config_state()
    with pytest.raises(ValidationFailed) as exc:
        review_route_set(actor=admin, order_type=order_type, departments=departments)
    assert set(exc.value.errors) == fields
    assert config_state() == before


def test_admin_sets_a_department_s_time_limit(admin):
    limit = review_time_limit_set(actor=admin, department="finance", hours=24,
                                  remind_before_hours=8, leader_after_hours=0)
    limit.refresh_from_db()
    assert (limit.hours, limit.remind_before_hours, limit.leader_after_hours,
            limit.updated_by) == (24, 8, 0, admin)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.data["before"], event.data["after"]) == (
        "review.time_limit_set",
        {"hours": 16, "remind_before_hours": 4, "leader_after_hours": 8},
        {"hours": 24, "remind_before_hours": 8, "leader_after_hours": 0})


@pytest.mark.parametrize(("values", "fields"), [
    ({"hours": 0}, {"hours"}),
    ({"hours": 721}, {"hours"}),
    ({"hours": "abc"}, {"hours"}),
    ({"hours": 8, "remind_before_hours": 8}, {"remind_before_hours"}),
    ({"remind_before_hours": -1}, {"remind_before_hours"}),
    ({"leader_after_hours": 721}, {"leader_after_hours"}),
    ({"department": "sales"}, {"department"}),
    ({"department": "nowhere"}, {"department"}),
])
def test_bad_time_limits_are_refused(admin, values, fields):
    given = {"department": "finance", "hours": 16, "remind_before_hours": 4,
             "leader_after_hours": 8, **values}
    before = config_state()
    with pytest.raises(ValidationFailed) as exc:
        review_time_limit_set(actor=admin, **given)
    assert set(exc.value.errors) == fields
    assert config_state() == before


def test_limits_at_the_bounds_are_accepted(admin):
    review_time_limit_set(actor=admin, department="quality", hours=720,
                          remind_before_hours=719, leader_after_hours=720)
    review_time_limit_set(actor=admin, department="quality", hours=1,
                          remind_before_hours=0, leader_after_hours=0)
    assert ReviewTimeLimit.objects.get(department__code="quality").hours == 1


def test_admin_updates_the_major_order_rule(admin):
    rule = major_rule_update(actor=admin, amount_threshold="500000", customised=False,
                             new_customer="true", special_requirements=True)
    rule.refresh_from_db()
    assert (rule.amount_threshold, rule.customised, rule.new_customer,
            rule.special_requirements, rule.updated_by) == (
        Decimal("500000.00"), False, True, True, admin)
    event = AuditEvent.objects.latest("id")
    assert event.data["after"]["amount_threshold"] == "500000.00"
    major_rule_update(actor=admin, amount_threshold="", customised=False, new_customer=False,
                      special_requirements=False)
    assert MajorOrderRule.objects.get(pk=1).amount_threshold is None


@pytest.mark.parametrize(("values", "fields"), [
    ({"amount_threshold": "-1"}, {"amount_threshold"}),
    ({"amount_threshold": "many"}, {"amount_threshold"}),
    ({"amount_threshold": "1.001"}, {"amount_threshold"}),
    ({"customised": "perhaps"}, {"customised"}),
])
def test_bad_major_rules_are_refused(admin, values, fields):
    given = {"amount_threshold": "1000000", "customised": True, "new_customer": True,
             "special_requirements": False, **values}
    before = config_state()
    with pytest.raises(ValidationFailed) as exc:
        major_rule_update(actor=admin, **given)
    assert set(exc.value.errors) == fields
    assert config_state() == before


@pytest.mark.parametrize("who", [(Dept.SALES, Role.DEPT_HEAD),
                                 (Dept.MANAGEMENT, Role.DIVISION_LEADER),
                                 (Dept.FINANCE, Role.DEPT_HEAD)])
def test_only_system_admins_configure(db, who):
    user = make_user(*who, username="someone")
    before = config_state()
    with pytest.raises(NotPermitted):
        review_route_set(actor=user, order_type="standard", departments=["quality"])
    with pytest.raises(NotPermitted):
        review_time_limit_set(actor=user, department="quality", hours=8,
                              remind_before_hours=1, leader_after_hours=1)
    with pytest.raises(NotPermitted):
        major_rule_update(actor=user, amount_threshold="1", customised=True,
                          new_customer=True, special_requirements=True)
    assert config_state() == before
