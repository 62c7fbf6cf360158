"""Finance services and selectors (P5.4.3): cost records, corrections, the margin
against the review's Finance estimate (P3.2.5), completion guard and summary."""
# ruff: noqa: F811 (fixtures imported from the support module are parameters here)

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orderflow.accounts.domain.organisation import Dept
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotPermitted, ValidationFailed
from orderflow.execution.selectors.finance import costs_for, margin_for, summary
from orderflow.execution.services.finance import completion_blockers, cost_record_add
from orderflow.release.services import package_complete, package_start
from orderflow.review.models import OpinionStatus, Review, ReviewOpinion
from orderflow.testing.execution import package_of
from orderflow.testing.factories import department

from .test_logistics_support import (  # noqa: F401 (fixtures)
    counts,
    deputy_for,
    english,
    order_with,
    people,
)

pytestmark = pytest.mark.django_db
TODAY = clock.today  # read at each use: a run may cross midnight in the company's time


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    """One line: 100 x 10.00 = 1,000.00 before tax."""
    return order_with(salesperson, sales_head, customer, products, 100)


def finance_opinion(order, round_no, *, cost, percent, concluded=True,
                    status=OpinionStatus.SUBMITTED):
    """Given: a review round of the order with Finance's opinion (P3.2.5)."""
    now = timezone.now()
    review = Review.objects.create(order=order, subject_id=order.pk, round=round_no,
                                   content_hash="0" * 64, started_by=order.salesperson,
                                   started_at=now, status="passed" if concluded else "open",
                                   conclusion="pass" if concluded else "",
                                   concluded_at=now if concluded else None)
    return ReviewOpinion.objects.create(
        review=review, department=department(Dept.FINANCE), assigned_at=now, status=status,
        conclusion="pass", submitted_at=now,
        details={"estimated_cost": cost, "margin_percent": percent, "proposals": ""})


def add(order, actor, **overrides):
    data = {"order_id": order.pk, "actor": actor, "category": "materials", "amount": "500",
            "incurred_on": TODAY(), "description": "钢材采购", "reference": "PZ-001"}
    data.update(overrides)
    return cost_record_add(**data)


def test_finance_records_a_cost_written_and_audited_p5_4_3(order, people):
    record = add(order, people["finance"])
    assert (record.category, record.amount, record.reference, record.created_by_id) == \
        ("materials", Decimal("500.00"), "PZ-001", people["finance"].pk)
    event = AuditEvent.objects.get(action="cost.recorded")
    assert event.data["amount"] == "500.00" and event.object_id == str(record.pk)
    assert costs_for(order) == [record]


def test_bad_input_field_by_field_nothing_written(order, people):
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        add(order, people["finance"], category="bribes", amount="0", description="",
            incurred_on=TODAY() + dt.timedelta(days=1), reference="x" * 65)
    assert set(refused.value.errors) == {"category", "amount", "description", "incurred_on",
                                         "reference"}
    assert refused.value.errors["amount"] == ["The amount cannot be zero."]
    with pytest.raises(ValidationFailed) as refused:
        add(order, people["finance"], amount="12.345")
    assert list(refused.value.errors) == ["amount"]
    assert counts() == before


def test_a_negative_amount_only_corrects_a_record_of_the_same_order_and_category(
        order, people, salesperson, sales_head, customer, products):
    original = add(order, people["finance"], amount="500")
    other_order = order_with(salesperson, sales_head, customer, products, 5)
    elsewhere = add(other_order, people["finance"], amount="50")
    before = counts()
    cases = [({"amount": "-10"}, "corrects_id"),                       # names nothing
             ({"amount": "-10", "corrects_id": elsewhere.pk}, "corrects_id"),
             ({"amount": "-10", "corrects_id": original.pk, "category": "labour"}, "category"),
             ({"amount": "-500.01", "corrects_id": original.pk}, "amount"),
             ({"amount": "10", "corrects_id": original.pk}, "corrects_id")]
    for overrides, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            add(order, people["finance"], **overrides)
        assert field in refused.value.errors, (overrides, refused.value.errors)
    assert counts() == before
    # a correction within the record is accepted; corrections together never exceed it
    fix = add(order, people["finance"], amount="-300", corrects_id=original.pk,
              description="退货冲减")
    assert (fix.corrects_id, fix.amount) == (original.pk, Decimal("-300.00"))
    with pytest.raises(ValidationFailed) as refused:
        add(order, people["finance"], amount="-200.01", corrects_id=original.pk)
    assert refused.value.errors["amount"] == [
        "The correction exceeds what is left of the record (200.00)."]
    with pytest.raises(ValidationFailed) as refused:
        add(order, people["finance"], amount="-1", corrects_id=fix.pk)
    assert "corrects_id" in refused.value.errors


def test_only_finance_records_costs_deputy_on_behalf(order, people):
    before = counts()
    for outsider in (people["logistics"], people["admin"], order.salesperson):
        with pytest.raises(NotPermitted):
            add(order, outsider)
    assert counts() == before
    deputy = deputy_for(people["finance"], Dept.PRODUCTION)
    record = add(order, deputy)
    assert record.on_behalf_of_id == people["finance"].pk
    assert AuditEvent.objects.get(action="cost.recorded").on_behalf_of_id == \
        people["finance"].pk


def test_margin_against_the_latest_concluded_finance_opinion_p5_4_3_p3_2_5(order, people):
    assert order.total_net == Decimal("1000.00")
    finance_opinion(order, 1, cost="800.00", percent="20.00")
    finance_opinion(order, 2, cost="700.00", percent="30.00")
    finance_opinion(order, 3, cost="600.00", percent="40.00", concluded=False)
    for category, amount in (("materials", "500"), ("labour", "150"), ("freight", "80")):
        add(order, people["finance"], category=category, amount=amount)
    result = margin_for(order)
    assert result.review_round == 2
    assert (result.revenue, result.estimated_cost, result.estimated_margin,
            result.estimated_margin_percent) == (Decimal("1000.00"), Decimal("700.00"),
                                                 Decimal("300.00"), Decimal("30.00"))
    assert [(c.code, c.amount) for c in result.by_category] == [
        ("materials", Decimal("500.00")), ("labour", Decimal("150.00")),
        ("freight", Decimal("80.00"))]
    assert (result.actual_cost, result.actual_margin, result.actual_margin_percent) == \
        (Decimal("730.00"), Decimal("270.00"), Decimal("27.00"))
    assert (result.cost_difference, result.margin_difference,
            result.margin_percent_difference) == (Decimal("30.00"), Decimal("-30.00"),
                                                  Decimal("-3.00"))
    assert result.below_estimate


def test_margin_without_a_review_estimate(order, people):
    add(order, people["finance"], amount="400")
    result = margin_for(order)
    assert (result.estimated_cost, result.estimated_margin_percent,
            result.margin_percent_difference) == (None, None, None)
    assert result.actual_margin_percent == Decimal("60.00") and not result.below_estimate


def test_the_summary_in_two_queries_and_an_open_item_below_estimate(
        order, people, django_assert_max_num_queries):
    finance_opinion(order, 1, cost="700.00", percent="30.00")
    package = package_of(order, "finance")
    with django_assert_max_num_queries(2):
        result = summary(order, package)
    assert result.headline == "No cost recorded yet; estimated margin 30%"
    assert result.open_items == []
    add(order, people["finance"], amount="730")
    with django_assert_max_num_queries(2):
        result = summary(order, package)
    assert result.headline == "Actual margin 27%, estimated 30%"
    assert [i.text for i in result.open_items] == [
        "Actual margin is 3 points below the estimate"]
    add(order, people["finance"], amount="-100", corrects_id=costs_for(order)[0].pk)
    assert summary(order, package).open_items == []


def test_finance_cannot_finish_without_a_cost_record(order, people):
    package = package_of(order, "finance")
    package_start(package_id=package.pk, actor=people["finance"])
    assert completion_blockers(package) == ["no cost has been recorded yet"]
    with pytest.raises(Conflict):
        package_complete(package_id=package.pk, actor=people["finance"])
    add(order, people["finance"])
    assert completion_blockers(package) == []
    assert package_complete(package_id=package.pk, actor=people["finance"]).status == "done"
