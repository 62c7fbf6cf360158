"""Quality reads (P5.3.3 statistics, the order page's summary, lists without N+1)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from orderflow.core import clock
from orderflow.execution.domain.quality import default_period, month_starts
from orderflow.execution.models.quality import NonconformanceNotice
from orderflow.execution.selectors import quality as sel
from orderflow.execution.services import quality as svc
from orderflow.testing.execution import members, package_of, released_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people():
    return members("quality", "production")


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "quality"])


def inspect(order, actor, *, position=1, passed="2", failed="0", **extra):
    line = order.lines.get(position=position)
    inspected = Decimal(passed) + Decimal(failed)
    return svc.inspection_record_add(
        order_id=order.pk, actor=actor, order_line_id=line.pk, stage="final",
        inspected_on=clock.today(), quantity_inspected=inspected, quantity_passed=passed,
        quantity_failed=failed, findings="划痕" if failed != "0" else "", **extra)


def notice(order, quality, *, position=1, quantity="1"):
    record = inspect(order, quality, position=position, passed="0", failed=quantity)
    return svc.nonconformance_issue(record_id=record.pk, actor=quality, description="x",
                                    quantity=quantity)


def at(day: dt.date, hour=10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_statistics_per_product_and_month_p5_3_3(order, people):
    # given three notices on product A (two in March, one in April) and one on product B
    quality = people["quality"]
    a1, a2, a3 = (notice(order, quality, position=1) for _ in range(3))
    b1 = notice(order, quality, position=2, quantity="2")
    march, april = dt.date(2030, 3, 5), dt.date(2030, 4, 1)
    NonconformanceNotice.objects.filter(pk=a1.pk).update(
        issued_at=at(march), status="closed", closed_at=at(march + dt.timedelta(days=2)))
    NonconformanceNotice.objects.filter(pk=a2.pk).update(
        issued_at=at(march, 12), status="closed", closed_at=at(march + dt.timedelta(days=5), 12))
    NonconformanceNotice.objects.filter(pk=a3.pk).update(issued_at=at(april, 0))
    NonconformanceNotice.objects.filter(pk=b1.pk).update(issued_at=at(march))
    # and one outside the period
    outside = notice(order, quality)
    NonconformanceNotice.objects.filter(pk=outside.pk).update(issued_at=at(dt.date(2030, 5, 1)))

    rows = sel.nc_statistics(date_from=dt.date(2030, 3, 1), date_to=dt.date(2030, 4, 30))

    code_a, code_b = (order.lines.get(position=p).product.code for p in (1, 2))
    got = [(r["month"], r["product_code"], r["notices"], r["quantity"], r["closed"],
            r["avg_days_to_close"]) for r in rows]
    expected = [(dt.date(2030, 3, 1), code_a, 2, Decimal("2.000"), 2, Decimal("3.5")),
                (dt.date(2030, 3, 1), code_b, 1, Decimal("2.000"), 0, None),
                (dt.date(2030, 4, 1), code_a, 1, Decimal("1.000"), 0, None)]
    assert sorted(got, key=lambda r: (r[0], r[1])) == sorted(expected, key=lambda r: (r[0], r[1]))
    only_b = sel.nc_statistics(date_from=dt.date(2030, 3, 1), date_to=dt.date(2030, 4, 30),
                               product_id=order.lines.get(position=2).product_id)
    assert [r["product_code"] for r in only_b] == [code_b]


def test_statistics_are_one_query(order, people, django_assert_num_queries):
    notice(order, people["quality"])
    start, end = default_period(clock.today())
    with django_assert_num_queries(1):
        rows = sel.nc_statistics(date_from=start, date_to=end)
    assert rows[0]["notices"] == 1


def test_month_axis_and_default_period():
    assert month_starts(dt.date(2030, 11, 15), dt.date(2031, 2, 1)) == [
        dt.date(2030, 11, 1), dt.date(2030, 12, 1), dt.date(2031, 1, 1), dt.date(2031, 2, 1)]
    assert default_period(dt.date(2030, 3, 4)) == (dt.date(2029, 4, 1), dt.date(2030, 3, 4))


def test_summary_in_two_queries(order, people, salesperson, django_assert_max_num_queries):
    quality = people["quality"]
    inspect(order, quality, position=1)                     # line 1 fully passed
    open_notice = notice(order, quality, position=2)        # line 2: nothing passed
    svc.concession_request(order_id=order.pk, actor=salesperson,
                           order_line_id=order.lines.get(position=2).pk, quantity="1",
                           reason="r")
    package = package_of(order, "quality")
    with django_assert_max_num_queries(2):
        summary = sel.summary(order, package)
    assert summary.headline == "1 of 2 lines passed final inspection"
    assert summary.percent == 50
    assert [i.text for i in summary.open_items] == [
        f"{open_notice.number}: Open", "1 concession request(s) awaiting a decision"]


def test_records_for_reads_reports_and_notices_without_n_plus_1(
        order, people, django_assert_max_num_queries):
    quality = people["quality"]
    for _ in range(3):
        notice(order, quality)
    report = svc.inspection_report_issue(record_id=inspect(order, quality).pk, actor=quality,
                                         conclusion="合格")
    with django_assert_max_num_queries(2):
        records = sel.records_for(order)
        shown = [(r.report.number if hasattr(r, "report") else None,
                  [n.number for n in r.nonconformances.all()], r.order_line.product.name)
                 for r in records]
    assert shown[0][0] == report.number
    assert sum(len(s[1]) for s in shown) == 3


def test_nonconformance_lists_are_bounded_and_visible_only(order, people, customer, products,
                                                          sales_head):
    from orderflow.accounts.domain.organisation import Dept, Role
    from orderflow.testing.factories import make_user

    quality = people["quality"]
    first, second = notice(order, quality), notice(order, quality)
    svc.nonconformance_action(nc_id=first.pk, actor=quality, cause="c", corrective_action="a")
    assert [n.pk for n in sel.nonconformances(quality, limit=1)] == [second.pk]
    assert {n.pk for n in sel.nonconformances(quality, status="corrective_action")} == \
        {first.pk}
    stranger = make_user(Dept.SALES, Role.STAFF, username="sales9")
    assert sel.nonconformances(stranger, status="all") == []
