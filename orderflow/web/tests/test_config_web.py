"""Configuration screens (P11): review departments per order type (P3.1.1), time limits
(P3.3.2), the major-order rule (P3.1.2), the company calendar (P3.3.2) and approval
chains (P4.1.1). System administrators only; each saves through its service."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from orderflow.approval.models import ApprovalChain, ApprovalStep
from orderflow.audit.models import AuditEvent
from orderflow.review.models import MajorOrderRule, ReviewRoute, ReviewTimeLimit
from orderflow.workcal.models import CalendarDay, WorkSchedule

from .test_review_web import admin_fixture, error_for  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PAGES = ("/config/review-routes/", "/config/time-limits/", "/config/major-rule/",
         "/config/calendar/", "/config/chains/", "/config/chains/order/")


def routes_post(**changes) -> dict:
    """The route form as it stands, with some order types changed."""
    data = {f"route-{r.order_type}": list(r.departments) for r in ReviewRoute.objects.all()}
    data.update({f"route-{k}": v for k, v in changes.items()})
    return data


@pytest.mark.parametrize("url", PAGES)
def test_every_screen_is_for_system_admins(url, client_as, sales_head, admin):
    assert client_as(sales_head).get(url).status_code == 403
    assert client_as(admin).get(url).status_code == 200


def test_others_cannot_save(client_as, sales_head):
    before = list(ReviewRoute.objects.values_list("order_type", "departments"))

    response = client_as(sales_head).post("/config/review-routes/",
                                          routes_post(sample=["finance"]))

    assert response.status_code == 403
    assert list(ReviewRoute.objects.values_list("order_type", "departments")) == before


# -- review routes and limits --------------------------------------------------------------

def test_route_is_saved_from_the_checkboxes(client_as, admin):
    client = client_as(admin)

    response = client.post("/config/review-routes/",
                           routes_post(sample=["finance", "technology"]))

    assert response.status_code == 302
    # the departments keep the usual order
    assert ReviewRoute.objects.get(order_type="sample").departments == ["technology", "finance"]
    html = client.get("/config/review-routes/").content.decode()
    row = re.search(r'<tr data-route="sample">.*?</tr>', html, re.S)[0]
    assert re.findall(r'value="(\w+)" aria-label="[^"]*" checked', row) == [
        "technology", "finance"]


def test_route_without_departments_shows_the_message_and_changes_nothing(client_as, admin):
    before = ReviewRoute.objects.get(order_type="service").departments
    events = AuditEvent.objects.count()

    response = client_as(admin).post("/config/review-routes/", routes_post(service=[]))

    assert response.status_code == 422
    assert error_for(response.content.decode(), "service") == \
        "Choose at least one reviewing department."
    assert ReviewRoute.objects.get(order_type="service").departments == before
    assert AuditEvent.objects.count() == events


def limits_post(**changes) -> dict:
    data = {}
    for limit in ReviewTimeLimit.objects.select_related("department"):
        for field in ("hours", "remind_before_hours", "leader_after_hours"):
            data[f"{limit.department.code}-{field}"] = str(getattr(limit, field))
    data.update(changes)
    return data


def test_time_limit_is_saved(client_as, admin):
    response = client_as(admin).post("/config/time-limits/", limits_post(**{
        "finance-hours": "24", "finance-remind_before_hours": "6"}))

    assert response.status_code == 302
    limit = ReviewTimeLimit.objects.get(department__code="finance")
    assert (limit.hours, limit.remind_before_hours, limit.leader_after_hours) == (24, 6, 8)


def test_reminder_after_the_deadline_is_refused_next_to_the_input(client_as, admin):
    response = client_as(admin).post("/config/time-limits/", limits_post(**{
        "technology-hours": "4", "technology-remind_before_hours": "6"}))

    html = response.content.decode()
    assert response.status_code == 422
    assert "The reminder must come before the deadline" in \
        error_for(html, "technology.remind_before_hours")
    assert 'name="technology-remind_before_hours" value="6"' in html
    assert ReviewTimeLimit.objects.get(department__code="technology").hours == 16


# -- the major-order rule ------------------------------------------------------------------

def test_major_rule_is_saved(client_as, admin):
    response = client_as(admin).post("/config/major-rule/", {
        "amount_threshold": "500000", "customised": "on", "special_requirements": "on"})

    assert response.status_code == 302
    rule = MajorOrderRule.objects.get(pk=1)
    assert (rule.amount_threshold, rule.customised, rule.new_customer,
            rule.special_requirements) == (Decimal("500000.00"), True, False, True)


def test_bad_threshold_is_shown_and_nothing_changes(client_as, admin):
    before = MajorOrderRule.objects.get(pk=1).amount_threshold

    response = client_as(admin).post("/config/major-rule/", {"amount_threshold": "很多"})

    assert response.status_code == 422
    assert error_for(response.content.decode(), "amount_threshold") == "Enter a number."
    assert MajorOrderRule.objects.get(pk=1).amount_threshold == before


# -- the company calendar ------------------------------------------------------------------

def test_holiday_and_make_up_day_are_added_listed_and_deleted(client_as, admin):
    client = client_as(admin)

    holiday = client.post("/config/calendar/days/", {
        "date": "2030-10-01", "kind": "holiday", "name": "国庆节", "year": "2030"})
    workday = client.post("/config/calendar/days/", {
        "date": "2030-09-28", "kind": "workday", "name": "国庆调休"})
    html = client.get("/config/calendar/?year=2030").content.decode()

    assert holiday.status_code == workday.status_code == 302
    assert holiday["Location"] == "/config/calendar/?year=2030"
    assert re.findall(r'data-day="([\d-]+)" data-kind="(\w+)"', html) == [
        ("2030-09-28", "workday"), ("2030-10-01", "holiday")]
    assert "国庆节" in html

    deleted = client.post("/config/calendar/days/2030-10-01/delete/")

    assert deleted.status_code == 302
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [dt.date(2030, 9, 28)]


def test_holiday_on_a_day_off_is_refused(client_as, admin):
    response = client_as(admin).post("/config/calendar/days/", {
        "date": "2030-09-29", "kind": "holiday", "name": "", "year": "2030"})

    assert response.status_code == 422
    assert "already a day off" in error_for(response.content.decode(), "date")
    assert not CalendarDay.objects.exists()


def test_working_hours_are_saved_and_bad_ones_refused(client_as, admin):
    client = client_as(admin)
    good = {"morning_start": "08:00", "morning_end": "12:00", "afternoon_start": "13:00",
            "afternoon_end": "17:00", "workdays": ["1", "2", "3", "4", "5", "6"]}

    saved = client.post("/config/calendar/schedule/", good)
    bad = client.post("/config/calendar/schedule/", {**good, "morning_end": "07:00"})

    assert saved.status_code == 302
    row = WorkSchedule.objects.get(pk=1)
    assert (row.morning_start, row.afternoon_end, row.workdays) == (
        dt.time(8, 0), dt.time(17, 0), [1, 2, 3, 4, 5, 6])
    assert bad.status_code == 422
    assert error_for(bad.content.decode(), "morning_end") == "The end must be after the start."
    assert WorkSchedule.objects.get(pk=1).morning_end == dt.time(12, 0)


# -- approval chains -----------------------------------------------------------------------

def chain_post(client) -> dict:
    """The editor's inputs as the page renders them."""
    html = client.get("/config/chains/order/").content.decode()
    data = {}
    for name, value in re.findall(r'<input type="(?:text|number)"[^>]*? name="([\w.-]+)"'
                                  r'[^>]*? value="([^"]*)"', html):
        data[name] = value
    for name, body in re.findall(r'<select name="([\w-]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen[1] if chosen else ""
    return data


def test_editor_rows_are_added_and_moved_without_saving(client_as, admin):
    client = client_as(admin)
    data = chain_post(client)
    assert data["steps-0-name"] == "销售部负责人审核"

    added = client.post("/config/chains/order/", {**data, "op": "add_step"}, **HTMX)
    moved = client.post("/config/chains/order/", {**data, "op": "down-0"})

    assert added.status_code == 200
    html = added.content.decode()
    assert html.lstrip().startswith('<form method="post" action="/config/chains/order/"')
    assert len(re.findall(r'<div class="card mb-3" data-step=', html)) == 4
    assert re.findall(r'name="steps-\d-name" value="([^"]*)"', moved.content.decode()) == [
        "事业部领导审批", "销售部负责人审核", "财务部审核"]
    assert ApprovalStep.objects.filter(chain__subject_kind="order").count() == 3


def test_chain_is_saved_with_a_condition_and_cc(client_as, admin):
    client = client_as(admin)
    data = chain_post(client)
    data.update({"steps-1-conditions-0-field": "amount", "steps-1-conditions-0-op": "gte",
                 "steps-1-conditions-0-value": "500000", "steps-2-cc-0-kind": "user",
                 "steps-2-cc-0-user": str(admin.pk), "steps-2-time_limit_hours": "8"})

    response = client.post("/config/chains/order/", {**data, "op": "save"}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/config/chains/order/"
    steps = list(ApprovalChain.objects.get(subject_kind="order").steps.order_by("position"))
    assert steps[1].conditions == [{"field": "amount", "op": "gte", "value": "500000"}]
    assert (steps[2].cc[0]["user"], steps[2].time_limit_hours) == (admin.pk, 8)


def test_bad_chain_shows_messages_on_the_rows_and_saves_nothing(client_as, admin):
    client = client_as(admin)
    data = chain_post(client)
    data.update({"steps-0-name": "", "steps-1-conditions-0-field": "amount",
                 "steps-1-conditions-0-op": "gte", "steps-1-conditions-0-value": "很多"})
    events = AuditEvent.objects.count()

    response = client.post("/config/chains/order/", {**data, "op": "save"})

    html = response.content.decode()
    assert response.status_code == 422
    assert error_for(html, "steps.0.name") == "This field is required."
    assert error_for(html, "steps.1.conditions.0.value") == "Enter an amount."
    assert ApprovalStep.objects.get(chain__subject_kind="order", position=1).name == \
        "销售部负责人审核"
    assert AuditEvent.objects.count() == events
