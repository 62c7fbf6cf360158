"""The admin maintains the company calendar (P3.3.2): holidays, make-up workdays (调休)
and the working day; system admins only; every change audited."""

import datetime as dt

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, ValidationFailed
from orderflow.testing.factories import make_user
from orderflow.workcal.models import CalendarDay, DayKind, WorkSchedule
from orderflow.workcal.selectors import calendar_days, schedule
from orderflow.workcal.services import calendar_day_delete, calendar_day_set, schedule_update

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 9, 28)
SATURDAY = dt.date(2026, 10, 10)
DEFAULT_TIMES = {"morning_start": "08:30", "morning_end": "12:00",
                 "afternoon_start": "13:30", "afternoon_end": "18:00"}


@pytest.fixture
def admin():
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="sysadmin")


def snapshot():
    row = WorkSchedule.objects.get(pk=1)
    return (list(CalendarDay.objects.values_list("date", "kind", "name")),
            (row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end,
             row.workdays), AuditEvent.objects.count())


# -- calendar_day_set -------------------------------------------------------------

def test_admin_enters_a_holiday_on_a_weekday(admin):
    day = calendar_day_set(actor=admin, date="2026-10-01", kind="holiday", name=" 国庆节 ")
    assert (day.date, day.kind, day.name, day.updated_by) == (
        dt.date(2026, 10, 1), DayKind.HOLIDAY, "国庆节", admin)
    event = AuditEvent.objects.get(action="workcal.day_set")
    assert (event.actor, event.object_id, event.from_state, event.to_state) == (
        admin, str(day.pk), "", "holiday")
    assert event.data == {"date": "2026-10-01", "kind": "holiday", "name": "国庆节",
                          "before": None}


def test_admin_enters_a_makeup_saturday(admin):
    day = calendar_day_set(actor=admin, date=SATURDAY, kind="workday", name="国庆调休")
    assert CalendarDay.objects.get().kind == DayKind.WORKDAY
    assert day.date == SATURDAY


def test_setting_an_existing_day_changes_it_and_audits_the_before(admin):
    calendar_day_set(actor=admin, date=MONDAY, kind="holiday", name="a")
    calendar_day_set(actor=admin, date=MONDAY, kind="holiday", name="b")
    assert list(CalendarDay.objects.values_list("date", "name")) == [(MONDAY, "b")]
    event = AuditEvent.objects.filter(action="workcal.day_set").last()
    assert event.data["before"] == {"kind": "holiday", "name": "a"}
    assert event.from_state == "holiday"


@pytest.mark.parametrize(("date", "kind", "name", "errors"), [
    # A holiday on a weekend day is a day off already.
    (SATURDAY, "holiday", "", ["date"]),
    # A make-up workday on a working weekday is a working day already.
    (MONDAY, "workday", "", ["date"]),
    ("", "holiday", "", ["date"]),
    ("2026-13-01", "holiday", "", ["date"]),
    (MONDAY, "", "", ["kind"]),
    (MONDAY, "party", "", ["kind"]),
    (MONDAY, "holiday", "x" * 65, ["name"]),
    ("nope", "party", "x" * 65, ["date", "kind", "name"]),
])
def test_invalid_days_are_refused_field_by_field_and_nothing_changes(admin, date, kind,
                                                                    name, errors):
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        calendar_day_set(actor=admin, date=date, kind=kind, name=name)
    assert sorted(caught.value.errors) == errors
    assert snapshot() == before


def test_the_weekday_check_follows_the_schedule(admin):
    # Given a six-day week, Saturday is a working weekday
    WorkSchedule.objects.filter(pk=1).update(workdays=[1, 2, 3, 4, 5, 6])
    # Then a holiday may fall on it and a make-up workday may not
    calendar_day_set(actor=admin, date=SATURDAY, kind="holiday")
    with pytest.raises(ValidationFailed):
        calendar_day_set(actor=admin, date=SATURDAY, kind="workday")


# -- calendar_day_delete ----------------------------------------------------------

def test_admin_deletes_a_day(admin):
    day = calendar_day_set(actor=admin, date=MONDAY, kind="holiday", name="x")
    calendar_day_delete(actor=admin, date="2026-09-28")
    assert not CalendarDay.objects.exists()
    event = AuditEvent.objects.get(action="workcal.day_deleted")
    assert (event.object_id, event.from_state, event.data) == (
        str(day.pk), "holiday", {"date": "2026-09-28", "kind": "holiday", "name": "x"})


def test_deleting_a_day_without_an_entry_is_not_found(admin):
    before = snapshot()
    with pytest.raises(NotFound):
        calendar_day_delete(actor=admin, date=MONDAY)
    with pytest.raises(ValidationFailed):
        calendar_day_delete(actor=admin, date="28/09/2026")
    assert snapshot() == before


# -- schedule_update --------------------------------------------------------------

def test_admin_changes_the_working_day(admin):
    row = schedule_update(actor=admin, morning_start="09:00", morning_end=dt.time(12),
                          afternoon_start="13:00", afternoon_end="17:30",
                          workdays=["6", 1, 2, 3, 4, 5, 5])
    row.refresh_from_db()
    assert (row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end,
            row.workdays, row.updated_by) == (dt.time(9), dt.time(12), dt.time(13),
                                              dt.time(17, 30), [1, 2, 3, 4, 5, 6], admin)
    event = AuditEvent.objects.get(action="workcal.schedule_updated")
    assert event.data == {"changes": {
        "morning_start": ["08:30", "09:00"], "afternoon_start": ["13:30", "13:00"],
        "afternoon_end": ["18:00", "17:30"], "workdays": [[1, 2, 3, 4, 5],
                                                          [1, 2, 3, 4, 5, 6]]}}


@pytest.mark.parametrize(("changes", "errors"), [
    ({"morning_start": ""}, ["morning_start"]),
    ({"morning_start": "8.30"}, ["morning_start"]),
    ({"morning_start": "25:00"}, ["morning_start"]),
    ({"morning_end": "08:00"}, ["morning_end"]),                    # ends before it starts
    ({"afternoon_start": "11:00"}, ["afternoon_start"]),            # overlaps the morning
    ({"afternoon_end": "13:30"}, ["afternoon_end"]),                # empty period
    ({"workdays": []}, ["workdays"]),
    ({"workdays": [0, 1]}, ["workdays"]),
    ({"workdays": ["Mon"]}, ["workdays"]),
    ({"morning_start": "x", "workdays": None}, ["morning_start", "workdays"]),
])
def test_invalid_schedules_are_refused_and_nothing_changes(admin, changes, errors):
    before = snapshot()
    values = {**DEFAULT_TIMES, "workdays": [1, 2, 3, 4, 5], **changes}
    with pytest.raises(ValidationFailed) as caught:
        schedule_update(actor=admin, **values)
    assert sorted(caught.value.errors) == errors
    assert snapshot() == before


# -- permissions ------------------------------------------------------------------

@pytest.mark.parametrize(("dept", "role"), [
    (Dept.SALES, Role.STAFF), (Dept.SALES, Role.DEPT_HEAD),
    (Dept.MANAGEMENT, Role.DIVISION_LEADER), (Dept.MANAGEMENT, Role.GENERAL_MANAGER),
    (Dept.FINANCE, Role.DEPT_HEAD),
])
def test_only_system_admins_maintain_the_calendar(dept, role):
    user = make_user(dept, role)
    CalendarDay.objects.create(date=MONDAY, kind=DayKind.HOLIDAY)
    before = snapshot()
    with pytest.raises(NotPermitted):
        calendar_day_set(actor=user, date=dt.date(2026, 9, 29), kind="holiday")
    with pytest.raises(NotPermitted):
        calendar_day_delete(actor=user, date=MONDAY)
    with pytest.raises(NotPermitted):
        schedule_update(actor=user, **DEFAULT_TIMES, workdays=[1, 2, 3])
    assert snapshot() == before


def test_an_inactive_admin_may_not(admin):
    admin.is_active = False
    admin.save()
    with pytest.raises(NotPermitted):
        calendar_day_set(actor=admin, date=MONDAY, kind="holiday")


# -- selectors --------------------------------------------------------------------

def test_calendar_days_of_a_year_in_date_order():
    CalendarDay.objects.create(date=dt.date(2026, 10, 1), kind=DayKind.HOLIDAY)
    CalendarDay.objects.create(date=dt.date(2026, 9, 27), kind=DayKind.WORKDAY)
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY)
    assert [d.date for d in calendar_days(2026)] == [dt.date(2026, 9, 27),
                                                      dt.date(2026, 10, 1)]
    assert [d.date for d in calendar_days(2025)] == []


def test_schedule_is_the_seeded_row_or_an_unsaved_default():
    row = schedule()
    assert (row.pk, row.workdays, row.morning_start) == (1, [1, 2, 3, 4, 5], dt.time(8, 30))
    WorkSchedule.objects.all().delete()
    default = schedule()
    assert (default.workdays, default.afternoon_end, default._state.adding) == (
        [1, 2, 3, 4, 5], dt.time(18), True)
