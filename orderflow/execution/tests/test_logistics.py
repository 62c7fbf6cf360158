"""Logistics services and selectors (P5.4.2): shipments within the tolerance and what
passed final inspection, delivery with proof, completion guard, summary, settings."""
# ruff: noqa: F811 (fixtures imported from the support module are parameters here)

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.execution.models import ConcessionStatus, InspectionStage, ShipmentStatus
from orderflow.execution.selectors.logistics import shipments_for, shipped_by_line, summary
from orderflow.execution.services.logistics import (
    completion_blockers,
    shipment_create,
    shipment_deliver,
)
from orderflow.execution.services.settings import (
    execution_settings_get,
    execution_settings_update,
)
from orderflow.notifications.models import Notification
from orderflow.release.services import package_complete, package_start
from orderflow.testing.execution import package_of

from .test_logistics_support import (  # noqa: F401 (fixtures)
    all_passed,
    conceded,
    counts,
    deputy_for,
    english,
    lines_of,
    order,
    order_with,
    passed,
    people,
    set_tolerance,
    ship_kwargs,
)

pytestmark = pytest.mark.django_db
TODAY = clock.today  # read at each use: a run may cross midnight in the company's time


def test_a_partial_shipment_is_numbered_written_and_audited_p5_4_2(order, people):
    # given everything passed final inspection
    all_passed(order)
    first, second = lines_of(order)
    # when Logistics ships part of the first line only
    shipment = shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 40}))
    # then
    assert shipment.number == f"SH-{TODAY().year}-00001"
    assert (shipment.status, shipment.carrier, shipment.packages_count) == \
        (ShipmentStatus.SHIPPED, "顺丰速运", 2)
    assert list(shipment.lines.values_list("order_line_id", "quantity")) == \
        [(first.pk, Decimal("40.000"))]
    event = AuditEvent.objects.get(action="shipment.created")
    assert event.object_id == str(shipment.pk) and event.data["lines"] == {str(first.pk):
                                                                          "40.000"}
    again = shipment_create(actor=people["logistics"],
                            **ship_kwargs(order, {first: 60, second: 10}))
    assert again.number == f"SH-{TODAY().year}-00002"
    status = {s.line.pk: s for s in shipped_by_line(order)}
    assert (status[first.pk].shipped, status[first.pk].remaining) == (Decimal(100), Decimal(0))


def test_tolerance_5_percent_ships_105_of_100_but_not_106_p5_4_2(order, people):
    set_tolerance(5)
    first = lines_of(order)[0]
    passed(order, first, 200)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 106}))
    message = refused.value.errors["lines.0.quantity"][0]
    assert "Over-shipment" in message and "line 1" in message and "100 ordered" in message \
        and "at most 105" in message and "0 was already shipped" in message
    assert counts() == before
    shipped = shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 105}))
    assert shipped.lines.get().quantity == Decimal(105)


def test_over_shipment_counts_what_was_already_shipped(order, people):
    first = lines_of(order)[0]
    passed(order, first, 200)
    shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 100}))
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: "0.001"}))
    assert "100 was already shipped" in refused.value.errors["lines.0.quantity"][0]
    assert counts() == before


def test_bad_input_is_reported_field_by_field_and_nothing_written(order, people):
    all_passed(order)
    first, second = lines_of(order)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        shipment_create(actor=people["logistics"], **ship_kwargs(
            order, {first: -5, second: 1}, carrier=" ", packages_count=0,
            shipped_on=TODAY() + dt.timedelta(days=1)))
    errors = refused.value.errors
    assert set(errors) == {"lines.0.quantity", "carrier", "packages_count", "shipped_on"}
    assert errors["lines.0.quantity"] == ["Must be greater than zero."]
    assert errors["shipped_on"] == ["The shipping date cannot be in the future."]
    assert counts() == before


def test_a_line_of_another_order_twice_or_no_line_is_refused(order, people, salesperson,
                                                            sales_head, customer, products):
    other = order_with(salesperson, sales_head, customer, products, 5)
    all_passed(order)
    first = lines_of(order)[0]
    kwargs = ship_kwargs(order, {first: 1})
    kwargs["lines"] += [{"order_line_id": lines_of(other)[0].pk, "quantity": "1"},
                        {"order_line_id": first.pk, "quantity": "1"}]
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        shipment_create(actor=people["logistics"], **kwargs)
    assert set(refused.value.errors) == {"lines.1.order_line_id", "lines.2.order_line_id"}
    with pytest.raises(ValidationFailed) as empty:
        shipment_create(actor=people["logistics"], **ship_kwargs(order, {}))
    assert empty.value.errors == {"lines": ["Ship at least one line."]}
    assert counts() == before


def test_without_passed_final_inspection_nothing_ships_until_a_concession_p5_4_2(order,
                                                                               people):
    first = lines_of(order)[0]
    # in-process inspection and a concession merely requested do not count
    passed(order, first, 100, stage=InspectionStage.IN_PROCESS)
    conceded(order, first, 30, status=ConcessionStatus.REQUESTED)
    passed(order, first, 20)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 21}))
    assert refused.value.errors["lines.0.quantity"] == [
        "Line 1: only 20 passed final inspection or has an approved concession, and 0 was "
        "already shipped."]
    assert counts() == before
    # when the Quality head approves a concession for 30 more
    conceded(order, first, 30)
    shipment = shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 50}))
    assert shipment.lines.get().quantity == Decimal(50)
    line = shipped_by_line(order)[0]
    assert (line.passed, line.conceded, line.shippable, line.can_ship_now) == \
        (Decimal(20), Decimal(30), Decimal(50), Decimal(0))


def test_only_logistics_ships_p5_4_2(order, people):
    all_passed(order)
    first = lines_of(order)[0]
    before = counts()
    for outsider in (people["finance"], people["quality"], people["admin"]):
        with pytest.raises(NotPermitted):
            shipment_create(actor=outsider, **ship_kwargs(order, {first: 1}))
    assert counts() == before


def test_a_deputy_ships_on_behalf_of_the_logistics_member(order, people):
    all_passed(order)
    deputy = deputy_for(people["logistics"])
    shipment = shipment_create(actor=deputy, **ship_kwargs(order, {lines_of(order)[0]: 1}))
    assert shipment.on_behalf_of_id == people["logistics"].pk
    event = AuditEvent.objects.get(action="shipment.created")
    assert (event.actor_id, event.on_behalf_of_id) == (deputy.pk, people["logistics"].pk)


def test_nothing_ships_once_logistics_is_done(order, people):
    all_passed(order)
    first, second = lines_of(order)
    shipment = shipment_create(actor=people["logistics"],
                               **ship_kwargs(order, {first: 100, second: 10}))
    shipment_deliver(shipment_id=shipment.pk, actor=people["logistics"], delivered_on=TODAY())
    package = package_of(order, "logistics")
    package_start(package_id=package.pk, actor=people["logistics"])
    package_complete(package_id=package.pk, actor=people["logistics"])
    with pytest.raises(TransitionNotAllowed):
        shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 1}))


def _shipped(order, people, quantities=None):
    all_passed(order)
    first, second = lines_of(order)
    return shipment_create(actor=people["logistics"],
                           **ship_kwargs(order, quantities or {first: 100, second: 10},
                                         shipped_on=TODAY() - dt.timedelta(days=3)))


def test_delivery_with_proof_and_damage_tells_the_salesperson_p5_4_2_p6_1_1(order, people,
                                                                          salesperson):
    shipment = _shipped(order, people)
    proof = SimpleUploadedFile("签收单.pdf", b"%PDF-1.4 signed", "application/pdf")
    delivered = shipment_deliver(shipment_id=shipment.pk, actor=people["logistics"],
                                 delivered_on=TODAY() - dt.timedelta(days=1), received_by="王经理",
                                 damage_notes="一箱外包装破损", proof_of_delivery=proof)
    delivered.refresh_from_db()
    assert (delivered.status, delivered.received_by, delivered.delivered_recorded_by_id) == \
        (ShipmentStatus.DELIVERED, "王经理", people["logistics"].pk)
    assert delivered.proof_of_delivery.name.startswith("pod/")
    assert delivered.proof_of_delivery.read() == b"%PDF-1.4 signed"
    assert "一箱外包装破损" in delivered.damage_notes
    note = Notification.objects.get(recipient=salesperson, kind="logistics.delivered")
    assert shipment.number in note.title and "damage" in note.title
    assert note.body == "一箱外包装破损"
    event = AuditEvent.objects.get(action="shipment.delivered")
    assert (event.from_state, event.to_state) == ("shipped", "delivered")
    # a delivered shipment cannot be delivered again
    with pytest.raises(TransitionNotAllowed):
        shipment_deliver(shipment_id=shipment.pk, actor=people["logistics"],
                         delivered_on=TODAY())


def test_a_plain_delivery_notification_says_delivered(order, people, salesperson):
    shipment = _shipped(order, people)
    shipment_deliver(shipment_id=shipment.pk, actor=people["logistics"], delivered_on=TODAY())
    note = Notification.objects.get(recipient=salesperson, kind="logistics.delivered")
    assert note.title.endswith("was delivered") and note.body == ""


def test_delivered_before_shipped_or_in_the_future_or_bad_file_is_refused(order, people):
    shipment = _shipped(order, people)
    before = counts()
    for date in (TODAY() - dt.timedelta(days=4), TODAY() + dt.timedelta(days=1)):
        with pytest.raises(ValidationFailed) as refused:
            shipment_deliver(shipment_id=shipment.pk, actor=people["logistics"],
                             delivered_on=date)
        assert list(refused.value.errors) == ["delivered_on"]
    with pytest.raises(ValidationFailed) as refused:
        shipment_deliver(shipment_id=shipment.pk, actor=people["logistics"], delivered_on="",
                         proof_of_delivery=SimpleUploadedFile("x.exe", b"MZ", "x/y"))
    assert set(refused.value.errors) == {"delivered_on", "proof_of_delivery"}
    with pytest.raises(NotPermitted):
        shipment_deliver(shipment_id=shipment.pk, actor=people["finance"], delivered_on=TODAY())
    assert counts() == before
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED


def test_logistics_cannot_finish_before_everything_is_shipped_and_delivered(order, people):
    package = package_of(order, "logistics")
    package_start(package_id=package.pk, actor=people["logistics"])
    first, second = lines_of(order)
    assert completion_blockers(package) == ["line 1: 0 of 100 shipped", "line 2: 0 of 10 shipped"]
    shipment = _shipped(order, people, {first: 100, second: 4})
    reasons = completion_blockers(package)
    assert reasons == ["line 2: 4 of 10 shipped", f"not delivered yet: {shipment.number}"]
    with pytest.raises(Conflict) as refused:
        package_complete(package_id=package.pk, actor=people["logistics"])
    assert "line 2: 4 of 10 shipped" in str(refused.value.message)
    rest = shipment_create(actor=people["logistics"], **ship_kwargs(order, {second: 6}))
    for s in (shipment, rest):
        shipment_deliver(shipment_id=s.pk, actor=people["logistics"], delivered_on=TODAY())
    assert completion_blockers(package) == []
    assert package_complete(package_id=package.pk, actor=people["logistics"]).status == "done"


def test_the_summary_in_two_queries(order, people, django_assert_max_num_queries):
    first, second = lines_of(order)
    shipment = _shipped(order, people, {first: 100, second: 5})
    package = package_of(order, "logistics")
    with django_assert_max_num_queries(2):
        result = summary(order, package)
    assert result.headline == "Shipped 1 of 2 lines, 0 delivered"
    assert result.percent == 95  # 105 of 110
    assert [i.text for i in result.open_items] == [
        f"Shipment {shipment.number} (shipped {shipment.shipped_on.isoformat()}) not "
        "delivered yet"]
    shipment_deliver(shipment_id=shipment.pk, actor=people["logistics"], delivered_on=TODAY())
    result = summary(order, package)
    assert (result.headline, result.open_items) == ("Shipped 1 of 2 lines, 1 delivered", [])


def test_shipments_and_line_status_in_bounded_queries(order, people,
                                                      django_assert_max_num_queries):
    all_passed(order)
    first, second = lines_of(order)
    for _i in range(3):
        shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 1, second: 1}))
    with django_assert_max_num_queries(2):
        shipments = shipments_for(order)
        assert sum(len(s.lines.all()) for s in shipments) == 6
        assert {line.order_line.product.name for s in shipments for line in s.lines.all()}
    with django_assert_max_num_queries(4):
        status = shipped_by_line(order)
    assert [(s.ordered, s.shipped, s.delivered) for s in status] == [
        (Decimal(100), Decimal(3), Decimal(0)), (Decimal(10), Decimal(3), Decimal(0))]


def test_only_a_system_admin_sets_the_tolerance_0_to_100(people):
    assert execution_settings_get().shipment_tolerance_percent == Decimal(0)
    before = counts()
    with pytest.raises(NotPermitted):
        execution_settings_update(actor=people["logistics"], shipment_tolerance_percent="5")
    for bad in ("-1", "100.01", "abc", ""):
        with pytest.raises(ValidationFailed) as refused:
            execution_settings_update(actor=people["admin"], shipment_tolerance_percent=bad)
        assert list(refused.value.errors) == ["shipment_tolerance_percent"]
    assert counts() == before
    saved = execution_settings_update(actor=people["admin"], shipment_tolerance_percent="7.5")
    assert (saved.shipment_tolerance_percent, saved.updated_by_id) == \
        (Decimal("7.50"), people["admin"].pk)
    event = AuditEvent.objects.get(action="execution.settings_updated")
    assert event.data["shipment_tolerance_percent"] == {"from": "0.00", "to": "7.50"}
