"""Configuration over the JSON API (P11): review routes (P3.1.1), time limits and the
company calendar (P3.3.2), the major-order rule (P3.1.2), approval chains (P4.1.1).
System administrators only; everyone else gets 403 and changes nothing."""

import datetime as dt

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import ApprovalChain
from orderflow.review.models import MajorOrderRule, ReviewRoute, ReviewTimeLimit
from orderflow.testing.factories import make_user
from orderflow.workcal.models import CalendarDay, WorkSchedule

from .conftest import Api, written
from .test_review_api import MONDAY_9, frozen_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

DEFAULT_DEPTS = ["technology", "production", "quality", "procurement", "finance"]


@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin", full_name="系统管理员")


@pytest.fixture
def admin_api(admin):
    return Api(admin)


# -- access ----------------------------------------------------------------------------

READS = ["/api/config/review-routes", "/api/config/review-routes/standard",
         "/api/config/review-time-limits/finance", "/api/config/major-order-rule",
         "/api/config/calendar", "/api/config/work-schedule", "/api/config/approval-chains",
         "/api/config/approval-chains/order", "/api/config/approval-conditions"]
WRITES = [
    ("/api/config/review-routes/standard", {"departments": ["finance"]}),
    ("/api/config/review-time-limits/finance", {"hours": 8, "remind_before_hours": 2,
                                                "leader_after_hours": 4}),
    ("/api/config/major-order-rule", {"amount_threshold": "1", "customised": False,
                                      "new_customer": False, "special_requirements": False}),
    ("/api/config/calendar/2030-10-01", {"kind": "holiday", "name": "国庆节"}),
    ("/api/config/work-schedule", {"morning_start": "09:00", "morning_end": "12:00",
                                   "afternoon_start": "13:00", "afternoon_end": "17:00",
                                   "workdays": [1, 2, 3, 4, 5, 6]}),
    ("/api/config/approval-chains/order", {"name": "x", "steps": []}),
]


@pytest.mark.parametrize("url", READS)
def test_reads_are_for_admins_only(sales_head, url):
    response = Api(sales_head).get(url)

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


@pytest.mark.parametrize(("url", "data"), WRITES)
def test_writes_are_for_admins_only_and_change_nothing(sales_head, url, data):
    before = (written(), list(ReviewRoute.objects.values_list("departments", flat=True)),
              list(ReviewTimeLimit.objects.values_list("hours", flat=True)),
              MajorOrderRule.objects.get(pk=1).amount_threshold, CalendarDay.objects.count(),
              WorkSchedule.objects.get(pk=1).workdays,
              ApprovalChain.objects.get(subject_kind="order").steps.count())

    response = Api(sales_head).put(url, data)

    assert response.status_code == 403
    assert before == (written(), list(ReviewRoute.objects.values_list("departments", flat=True)),
                      list(ReviewTimeLimit.objects.values_list("hours", flat=True)),
                      MajorOrderRule.objects.get(pk=1).amount_threshold,
                      CalendarDay.objects.count(), WorkSchedule.objects.get(pk=1).workdays,
                      ApprovalChain.objects.get(subject_kind="order").steps.count())


# -- review routes (P3.1.1) --------------------------------------------------------------

def test_review_routes_list_and_one(admin_api):
    listed = admin_api.get("/api/config/review-routes")
    one = admin_api.get("/api/config/review-routes/customised")
    unknown = admin_api.get("/api/config/review-routes/bespoke")

    assert listed.status_code == 200
    assert [(r["order_type"], r["departments"]) for r in listed.json()] == [
        ("customised", DEFAULT_DEPTS), ("sample", DEFAULT_DEPTS), ("service", DEFAULT_DEPTS),
        ("standard", DEFAULT_DEPTS)]
    assert one.json()["order_type_label"] == "Customised product"
    assert one.json()["department_labels"] == ["Technology", "Production", "Quality",
                                               "Procurement", "Finance"]
    assert unknown.status_code == 404


def test_set_review_route(frozen, admin_api):
    response = admin_api.put("/api/config/review-routes/sample",
                             {"departments": ["technology", "quality"]})

    assert response.status_code == 200, response.json()
    assert (response.json()["departments"], response.json()["updated_by"]["username"]) == \
        (["technology", "quality"], "admin")
    assert dt.datetime.fromisoformat(response.json()["updated_at"]) == MONDAY_9
    assert ReviewRoute.objects.get(order_type="sample").departments == ["technology",
                                                                       "quality"]


def test_review_route_errors_are_named(admin_api):
    before = written()

    response = admin_api.put("/api/config/review-routes/sample",
                             {"departments": ["technology", "marketing"]})

    assert response.status_code == 422
    assert response.json()["errors"] == {"departments": ["Not a reviewing department: "
                                                         "marketing."]}
    assert written() == before
    assert ReviewRoute.objects.get(order_type="sample").departments == DEFAULT_DEPTS


# -- time limits (P3.3.2) ----------------------------------------------------------------

def test_time_limits_read_and_set(admin_api):
    listed = admin_api.get("/api/config/review-time-limits")
    changed = admin_api.put("/api/config/review-time-limits/finance",
                            {"hours": 24, "remind_before_hours": 6, "leader_after_hours": 4})

    assert {t["department"]: t["hours"] for t in listed.json()} == \
        dict.fromkeys(DEFAULT_DEPTS, 16)
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["department"], changed.json()["department_label"],
            changed.json()["hours"], changed.json()["remind_before_hours"],
            changed.json()["leader_after_hours"]) == ("finance", "Finance", 24, 6, 4)
    assert admin_api.get("/api/config/review-time-limits/finance").json()["hours"] == 24
    assert admin_api.get("/api/config/review-time-limits/sales").status_code == 404


def test_time_limit_errors_are_named(admin_api):
    before = written()

    response = admin_api.put("/api/config/review-time-limits/finance",
                             {"hours": "0", "remind_before_hours": "x",
                              "leader_after_hours": 2})

    assert response.status_code == 422
    assert response.json()["errors"] == {"hours": ["Must be at least 1."],
                                         "remind_before_hours": ["Enter a whole number."]}
    assert written() == before
    assert ReviewTimeLimit.objects.get(department__code="finance").hours == 16


# -- major-order rule (P3.1.2) -----------------------------------------------------------

def test_major_rule_read_and_set(admin_api):
    current = admin_api.get("/api/config/major-order-rule")
    changed = admin_api.put("/api/config/major-order-rule", {
        "amount_threshold": "500000", "customised": True, "new_customer": False,
        "special_requirements": True})

    assert (current.json()["amount_threshold"], current.json()["customised"],
            current.json()["new_customer"], current.json()["special_requirements"]) == \
        ("1000000.00", True, True, False)
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["amount_threshold"], changed.json()["new_customer"],
            changed.json()["special_requirements"]) == ("500000.00", False, True)


def test_major_rule_errors_are_named(admin_api):
    before = written()

    response = admin_api.put("/api/config/major-order-rule", {
        "amount_threshold": "-1", "customised": "maybe", "new_customer": True,
        "special_requirements": False})

    assert response.status_code == 422
    assert response.json()["errors"] == {"amount_threshold": ["Must be at least 0."],
                                         "customised": ["Select a valid choice."]}
    assert written() == before


# -- calendar and working day (P3.3.2) ---------------------------------------------------

def test_calendar_days_set_list_and_delete(admin_api):
    holiday = admin_api.put("/api/config/calendar/2030-10-01",
                            {"kind": "holiday", "name": "国庆节"})
    workday = admin_api.put("/api/config/calendar/2030-10-12",
                            {"kind": "workday", "name": "国庆调休"})

    assert (holiday.status_code, workday.status_code) == (200, 200), holiday.json()
    assert holiday.json() == {"date": "2030-10-01", "kind": "holiday",
                              "kind_label": "Public holiday (no work)", "name": "国庆节"}
    listed = admin_api.get("/api/config/calendar", year=2030).json()
    assert [(d["date"], d["kind"]) for d in listed] == [("2030-10-01", "holiday"),
                                                       ("2030-10-12", "workday")]
    assert admin_api.get("/api/config/calendar", year=2031).json() == []

    deleted = admin_api.delete("/api/config/calendar/2030-10-12")
    again = admin_api.delete("/api/config/calendar/2030-10-12")

    assert deleted.status_code == 204
    assert again.status_code == 404
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [dt.date(2030, 10, 1)]


def test_calendar_errors_are_named(admin_api):
    before = written()

    bad_date = admin_api.put("/api/config/calendar/2030-02-30", {"kind": "holiday"})
    weekend_holiday = admin_api.put("/api/config/calendar/2030-10-05", {"kind": "holiday"})
    bad_kind = admin_api.put("/api/config/calendar/2030-10-08", {"kind": "party"})

    assert [r.status_code for r in (bad_date, weekend_holiday, bad_kind)] == [422] * 3
    assert bad_date.json()["errors"] == {"date": ["Enter a valid date (YYYY-MM-DD)."]}
    assert weekend_holiday.json()["errors"] == {"date": [
        "2030-10-05 is already a day off; a public holiday only needs to be entered on a "
        "working weekday."]}
    assert bad_kind.json()["errors"] == {"kind": ["Select a valid choice."]}
    assert written() == before
    assert CalendarDay.objects.count() == 0


def test_work_schedule_read_and_set(admin_api):
    current = admin_api.get("/api/config/work-schedule")
    changed = admin_api.put("/api/config/work-schedule", {
        "morning_start": "09:00", "morning_end": "12:00", "afternoon_start": "13:00",
        "afternoon_end": "17:30", "workdays": [1, 2, 3, 4, 5, 6]})

    assert (current.json()["morning_start"], current.json()["afternoon_end"],
            current.json()["workdays"]) == ("08:30:00", "18:00:00", [1, 2, 3, 4, 5])
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["morning_start"], changed.json()["afternoon_end"],
            changed.json()["workdays"]) == ("09:00:00", "17:30:00", [1, 2, 3, 4, 5, 6])


def test_work_schedule_errors_are_named(admin_api):
    before = written()

    response = admin_api.put("/api/config/work-schedule", {
        "morning_start": "9h", "morning_end": "12:00", "afternoon_start": "13:00",
        "afternoon_end": "17:30", "workdays": []})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "morning_start": ["Enter a valid time (HH:MM)."],
        "workdays": ["Choose at least one working weekday."]}
    assert written() == before
    assert WorkSchedule.objects.get(pk=1).workdays == [1, 2, 3, 4, 5]


# -- approval chains (P4.1.1) ------------------------------------------------------------

STEPS = [
    {"name": "销售部负责人审核", "assignee_kind": "dept_head", "department": "sales",
     "mode": "single", "time_limit_hours": 8},
    {"name": "总经理审批", "assignee_kind": "role", "role": "general_manager", "mode": "any",
     "conditions": [{"field": "amount", "op": "gte", "value": "500000"}],
     "cc": [{"kind": "dept_head", "department": "finance"}], "time_limit_hours": 16},
]


def test_approval_chains_read(admin_api):
    listed = admin_api.get("/api/config/approval-chains")
    one = admin_api.get("/api/config/approval-chains/order")
    unknown = admin_api.get("/api/config/approval-chains/nothing")

    # other subjects (archive queries P9.2.1, ...) seed chains of their own
    assert {"order", "archive_query"} <= {c["subject_kind"] for c in listed.json()}
    assert [(s["position"], s["assignee_kind"], s["department"], s["role"], s["mode"])
            for s in one.json()["steps"]] == [
        (1, "dept_head", "sales", "", "single"), (2, "role", "", "division_leader", "any"),
        (3, "dept_head", "finance", "", "single")]
    assert one.json()["steps"][1]["mode_label"] == "Any one of the group (或签)"
    assert unknown.status_code == 404


def test_approval_condition_fields(admin_api):
    response = admin_api.get("/api/config/approval-conditions")

    assert response.status_code == 200
    fields = {f["name"]: f for f in response.json()}
    assert list(fields) == ["amount", "major", "customer_rating", "order_type"]
    assert fields["amount"]["label"] == "Order total with tax"
    assert [o["op"] for o in fields["amount"]["operators"]] == ["eq", "ne", "gt", "gte", "lt",
                                                                "lte"]
    assert fields["customer_rating"]["choices"] == ["A", "B", "C", "D"]


def test_save_approval_chain(frozen, admin_api):
    response = admin_api.put("/api/config/approval-chains/order",
                             {"name": "订单审批（新）", "steps": STEPS})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["updated_by"]["username"]) == ("订单审批（新）", "admin")
    assert [(s["position"], s["name"], s["mode"], s["time_limit_hours"])
            for s in body["steps"]] == [(1, "销售部负责人审核", "single", 8),
                                        (2, "总经理审批", "any", 16)]
    assert body["steps"][1]["conditions"] == [{"field": "amount", "op": "gte",
                                               "value": "500000"}]


def test_approval_chain_errors_name_the_step(admin_api):
    before = written()
    steps = [STEPS[0], {**STEPS[1], "assignee_kind": "astrologer"}]

    response = admin_api.put("/api/config/approval-chains/order", {"name": "x",
                                                                   "steps": steps})

    assert response.status_code == 422
    assert response.json()["errors"] == {"steps.1.assignee_kind": ["Select a valid choice."]}
    assert written() == before
    assert ApprovalChain.objects.get(subject_kind="order").steps.count() == 3
