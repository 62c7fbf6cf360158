"""Procurement services (P5.2): purchase contracts (P5.2.1), deliveries and the
communication log (P5.2.2), incoming inspection and returns (P5.2.3), the completion
guard; bad input, permissions and state rules. PostgreSQL."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from orderflow.audit.models import AuditEvent
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.execution.domain import procurement as rules
from orderflow.execution.models import (
    IncomingInspection,
    PurchaseContract,
    SupplierCommunication,
    SupplierReturn,
)
from orderflow.execution.services import procurement as svc
from orderflow.notifications.models import Notification
from orderflow.release.services import package_complete, package_start

from .test_procurement_support import (  # noqa: F401 (the *_fixture are fixtures)
    counts,
    day,
    deputy_for,
    draft,
    english_fixture,
    inspect_all,
    line,
    lines_of,
    order_fixture,
    package_of,
    people_fixture,
    receive_all,
    signed,
    supplier_fixture,
)

pytestmark = pytest.mark.django_db


# -- domain (no database) ----------------------------------------------------------------

@pytest.mark.parametrize("status", ["draft", "signed", "closed", "cancelled"])
def test_the_action_table_allows_each_action_only_in_its_states(status):
    expected = {"draft": ["sign", "cancel", "communicate"],
                "signed": ["cancel", "close", "deliver", "inspect", "return", "communicate"],
                "closed": ["communicate"], "cancelled": []}[status]
    assert rules.contract_actions(status) == expected


def test_late_means_signed_past_due_with_goods_owed_p5_2_2():
    today = dt.date(2030, 3, 10)
    assert rules.is_late(status="signed", delivery_date=dt.date(2030, 3, 9), today=today,
                         complete=False)
    assert not rules.is_late(status="signed", delivery_date=dt.date(2030, 3, 10),
                             today=today, complete=False)
    assert not rules.is_late(status="signed", delivery_date=dt.date(2030, 3, 9), today=today,
                             complete=True)
    assert not rules.is_late(status="draft", delivery_date=dt.date(2030, 3, 9), today=today,
                             complete=False)
    assert rules.receipt_percent(Decimal("8"), Decimal("2")) == 25
    assert rules.receipt_percent(Decimal("0"), Decimal("0")) is None
    assert rules.line_amount(Decimal("3.333"), Decimal("1.50")) == Decimal("5.00")


# -- P5.2.1 purchase contracts -----------------------------------------------------------

def test_a_draft_contract_is_numbered_totalled_and_audited_p5_2_1(order, people, supplier):
    contract = draft(order, people["procurement"], supplier, note="含运费")
    assert re.fullmatch(rf"PC-{day().year}-\d{{5}}", contract.number)
    assert contract.status == "draft" and contract.package == package_of(order, "procurement")
    assert contract.total_amount == Decimal("21250.00")  # 5 x 4200 + 20 x 12.50
    first, second = lines_of(contract)
    assert (first.position, first.amount, second.position, second.amount) == (
        1, Decimal("21000.00"), 2, Decimal("250.00"))
    event = AuditEvent.objects.get(action="purchase_contract.created")
    assert event.actor == people["procurement"] and event.object_id == str(contract.pk)
    assert event.data["lines"] == 2 and event.to_state == "draft"
    again = draft(order, people["procurement"], supplier)
    assert int(again.number[-5:]) == int(contract.number[-5:]) + 1


def test_bad_contract_input_is_reported_field_by_field_and_nothing_written_p5_2_1(
        order, people, supplier):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        draft(order, people["procurement"], supplier, contract_date=day(), delivery_date=day(-1),
              lines=[line(quantity="-2"), line(unit_price="-1", description=""),
                     line(quantity="0", unit="")])
    errors = exc.value.errors
    assert errors["delivery_date"] == ["The delivery date cannot be before the contract date."]
    assert errors["lines.0.quantity"] == ["Must be greater than zero."]
    assert errors["lines.1.unit_price"] == ["Must be at least 0."]
    assert errors["lines.1.description"] == ["This field is required."]
    assert errors["lines.2.quantity"] == ["Must be greater than zero."]
    assert errors["lines.2.unit"] == ["This field is required."]
    assert counts() == before


def test_no_items_and_an_inactive_supplier_are_refused_p5_2_1(order, people, supplier):
    supplier.is_active = False
    supplier.save()
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.purchase_contract_create(order_id=order.pk, actor=people["procurement"],
                                     supplier_id=supplier.pk, contract_date=day(),
                                     delivery_date=day(3), lines=[])
    assert exc.value.errors == {"supplier_id": ["Choose an active supplier."],
                                "lines": ["Enter at least one item."]}
    assert counts() == before


@pytest.mark.parametrize("who", ["finance", "quality", "salesperson"])
def test_only_procurement_drafts_and_signs_p5_2_1(order, people, supplier, salesperson, who):
    actor = salesperson if who == "salesperson" else people[who]
    contract = draft(order, people["procurement"], supplier)
    before = counts()
    with pytest.raises(NotPermitted):
        svc.purchase_contract_sign(contract_id=contract.pk, actor=actor)
    with pytest.raises(NotPermitted):
        draft(order, actor, supplier)
    assert counts() == before
    assert PurchaseContract.objects.get(pk=contract.pk).status == "draft"


def test_procurement_signs_a_draft_once_p5_2_1(order, people, supplier):
    contract = draft(order, people["procurement"], supplier)
    signed_contract = svc.purchase_contract_sign(contract_id=contract.pk,
                                                 actor=people["procurement"])
    assert signed_contract.status == "signed"
    assert signed_contract.signed_by == people["procurement"]
    assert signed_contract.signed_at is not None
    event = AuditEvent.objects.get(action="purchase_contract.signed")
    assert (event.from_state, event.to_state) == ("draft", "signed")
    before = counts()
    with pytest.raises(TransitionNotAllowed):
        svc.purchase_contract_sign(contract_id=contract.pk, actor=people["procurement"])
    assert counts() == before


def test_a_deputy_of_a_procurement_member_signs_on_their_behalf(order, people, supplier):
    deputy = deputy_for(people["procurement"])
    contract = draft(order, deputy, supplier)
    assert contract.created_by == deputy and contract.on_behalf_of == people["procurement"]
    svc.purchase_contract_sign(contract_id=contract.pk, actor=deputy)
    event = AuditEvent.objects.get(action="purchase_contract.signed")
    assert event.actor == deputy and event.on_behalf_of == people["procurement"]


def test_cancel_needs_a_reason_and_nothing_received(order, people, supplier):
    contract = signed(order, people["procurement"], supplier)
    with pytest.raises(ValidationFailed) as exc:
        svc.purchase_contract_cancel(contract_id=contract.pk, actor=people["procurement"],
                                     reason=" ")
    assert exc.value.errors == {"reason": ["This field is required."]}
    other = signed(order, people["procurement"], supplier)
    receive_all(other, people["procurement"])
    before = counts()
    with pytest.raises(TransitionNotAllowed):
        svc.purchase_contract_cancel(contract_id=other.pk, actor=people["procurement"],
                                     reason="供应商停产")
    assert counts() == before
    cancelled = svc.purchase_contract_cancel(contract_id=contract.pk,
                                             actor=people["procurement"], reason="供应商停产")
    assert cancelled.status == "cancelled"
    assert AuditEvent.objects.get(action="purchase_contract.cancelled").data["reason"] == \
        "供应商停产"
    with pytest.raises(TransitionNotAllowed):
        svc.purchase_contract_sign(contract_id=contract.pk, actor=people["procurement"])


# -- P5.2.2 deliveries and communication ------------------------------------------------

def test_a_delivery_raises_the_received_quantity_p5_2_2(order, people, supplier):
    contract = signed(order, people["procurement"], supplier)
    first, second = lines_of(contract)
    delivery = svc.supplier_delivery_record(
        contract_id=contract.pk, actor=people["procurement"], received_on=day(),
        lines=[{"contract_line_id": first.pk, "quantity": "2"}], note="第一批")
    assert delivery.lines.get().quantity == Decimal("2.000")
    first, second = lines_of(contract)
    assert (first.received_quantity, second.received_quantity) == (Decimal("2"), Decimal("0"))
    assert AuditEvent.objects.get(action="purchase_contract.delivery_recorded").data[
        "delivery"] == delivery.pk
    # P5.2.3: Quality is told to inspect
    note = Notification.objects.get(kind="procurement.goods_received")
    assert note.recipient == people["quality"] and note.title == (
        f"Goods received on purchase contract {contract.number} (order {order.number}): "
        "incoming inspection needed.")


def test_over_receipt_and_bad_delivery_input_are_refused_field_by_field_p5_2_2(
        order, people, supplier):
    contract = signed(order, people["procurement"], supplier)
    first, second = lines_of(contract)
    svc.supplier_delivery_record(contract_id=contract.pk, actor=people["procurement"],
                                 received_on=day(),
                                 lines=[{"contract_line_id": first.pk, "quantity": "4"}])
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.supplier_delivery_record(
            contract_id=contract.pk, actor=people["procurement"], received_on=day(1),
            lines=[{"contract_line_id": first.pk, "quantity": "1.5"},
                   {"contract_line_id": second.pk, "quantity": "-3"}])
    assert exc.value.errors == {
        "received_on": ["This date cannot be in the future."],
        "lines.0.quantity": ["More than contracted: at most 1 is still outstanding."],
        "lines.1.quantity": ["Must be greater than zero."]}
    assert counts() == before


def test_goods_are_not_received_before_the_contract_date_nor_on_a_draft(order, people,
                                                                        supplier):
    contract = signed(order, people["procurement"], supplier, contract_date=day(-1))
    first = lines_of(contract)[0]
    with pytest.raises(ValidationFailed) as exc:
        svc.supplier_delivery_record(contract_id=contract.pk, actor=people["procurement"],
                                     received_on=day(-2),
                                     lines=[{"contract_line_id": first.pk, "quantity": "1"}])
    assert exc.value.errors == {"received_on": [
        "Goods cannot be received before the contract date."]}
    pending = draft(order, people["procurement"], supplier)
    with pytest.raises(TransitionNotAllowed):
        svc.supplier_delivery_record(
            contract_id=pending.pk, actor=people["procurement"], received_on=day(),
            lines=[{"contract_line_id": lines_of(pending)[0].pk, "quantity": "1"}])


def test_a_line_of_another_contract_or_twice_is_refused(order, people, supplier):
    contract = signed(order, people["procurement"], supplier)
    other = signed(order, people["procurement"], supplier)
    mine, foreign = lines_of(contract)[0], lines_of(other)[0]
    with pytest.raises(ValidationFailed) as exc:
        svc.supplier_delivery_record(
            contract_id=contract.pk, actor=people["procurement"], received_on=day(),
            lines=[{"contract_line_id": foreign.pk, "quantity": "1"},
                   {"contract_line_id": mine.pk, "quantity": "1"},
                   {"contract_line_id": mine.pk, "quantity": "1"}])
    assert exc.value.errors == {
        "lines.0.contract_line_id": ["Choose an item of this contract."],
        "lines.2.contract_line_id": ["This item is listed twice."]}


def test_the_communication_log_records_delays_with_the_supplier_p5_2_2(order, people,
                                                                      supplier):
    contract = signed(order, people["procurement"], supplier)
    with pytest.raises(ValidationFailed) as exc:
        svc.supplier_communication_log(contract_id=contract.pk, actor=people["procurement"],
                                       channel="fax", topic="delay", occurred_at="yesterday",
                                       summary="")
    assert set(exc.value.errors) == {"channel", "occurred_at", "summary"}
    note = svc.supplier_communication_log(
        contract_id=contract.pk, actor=people["procurement"], channel="phone", topic="delay",
        occurred_at=(timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        summary="供应商称原材料短缺", outcome="同意延期三天")
    assert SupplierCommunication.objects.get() == note and note.created_by == people[
        "procurement"]
    assert AuditEvent.objects.filter(action="purchase_contract.communication_logged").exists()


# -- P5.2.3 incoming inspection and returns ---------------------------------------------

def test_quality_inspects_and_the_contract_line_counts_it_p5_2_3(order, people, supplier):
    contract = signed(order, people["procurement"], supplier)
    delivery = receive_all(contract, people["procurement"])
    first_item = delivery.lines.order_by("id").first()
    inspection = svc.incoming_inspection_record(
        delivery_line_id=first_item.pk, actor=people["quality"], inspected_on=day(),
        accepted_quantity="4", rejected_quantity="1", reason="表面锈蚀")
    assert inspection.inspector == people["quality"]
    first = lines_of(contract)[0]
    assert (first.accepted_quantity, first.rejected_quantity) == (Decimal("4"), Decimal("1"))
    assert AuditEvent.objects.get(action="incoming_inspection.recorded").data["rejected"] == "1.000"
    before = counts()
    with pytest.raises(Conflict):
        svc.incoming_inspection_record(
            delivery_line_id=first_item.pk, actor=people["quality"], inspected_on=day(),
            accepted_quantity="5", rejected_quantity="0")
    assert counts() == before


def test_accepted_plus_rejected_must_equal_delivered_with_a_reason_p5_2_3(order, people,
                                                                          supplier):
    contract = signed(order, people["procurement"], supplier)
    item = receive_all(contract, people["procurement"]).lines.order_by("id").first()
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.incoming_inspection_record(delivery_line_id=item.pk, actor=people["quality"],
                                       inspected_on=day(), accepted_quantity="3",
                                       rejected_quantity="1", reason="")
    mismatch = ["Accepted and rejected together must equal the delivered quantity (5)."]
    assert exc.value.errors == {"reason": ["This field is required."],
                                "accepted_quantity": mismatch, "rejected_quantity": mismatch}
    with pytest.raises(ValidationFailed) as exc:
        svc.incoming_inspection_record(delivery_line_id=item.pk, actor=people["quality"],
                                       inspected_on=day(), accepted_quantity="-1",
                                       rejected_quantity="6", reason="x")
    assert exc.value.errors["accepted_quantity"] == ["Must be at least 0."]
    assert counts() == before


def test_sales_and_finance_may_not_inspect_p5_2_3(order, people, supplier, salesperson):
    contract = signed(order, people["procurement"], supplier)
    item = receive_all(contract, people["procurement"]).lines.order_by("id").first()
    before = counts()
    for actor in (salesperson, people["finance"]):
        with pytest.raises(NotPermitted):
            svc.incoming_inspection_record(delivery_line_id=item.pk, actor=actor,
                                           inspected_on=day(), accepted_quantity="5",
                                           rejected_quantity="0")
    assert counts() == before
    # Procurement itself may inspect too
    svc.incoming_inspection_record(delivery_line_id=item.pk, actor=people["procurement"],
                                   inspected_on=day(), accepted_quantity="5",
                                   rejected_quantity="0")


def test_rejected_goods_are_returned_or_exchanged_until_closed_p5_2_3(order, people,
                                                                      supplier):
    contract = signed(order, people["procurement"], supplier, lines=[line()])
    delivery = receive_all(contract, people["procurement"])
    [inspection] = inspect_all(delivery, people["quality"], rejected=Decimal("2"))
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.supplier_return_open(inspection_id=inspection.pk, actor=people["procurement"],
                                 kind="exchange", quantity="3", reason="锈蚀")
    assert exc.value.errors == {"quantity": [
        "At most the rejected quantity not yet returned (2)."]}
    assert counts() == before
    with pytest.raises(NotPermitted):
        svc.supplier_return_open(inspection_id=inspection.pk, actor=people["quality"],
                                 kind="exchange", quantity="1", reason="锈蚀")
    exchange = svc.supplier_return_open(inspection_id=inspection.pk,
                                        actor=people["procurement"], kind="exchange",
                                        quantity="2", reason="锈蚀")
    assert exchange.status == "open" and exchange.contract == contract
    with pytest.raises(ValidationFailed) as exc:
        svc.supplier_return_open(inspection_id=inspection.pk, actor=people["procurement"],
                                 kind="return", quantity="1", reason="x")
    assert "quantity" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        svc.supplier_return_close(return_id=exchange.pk, actor=people["procurement"],
                                  resolution="已换货")
    assert exc.value.errors == {"replacement_received_on": [
        "Enter when the replacement was received."]}
    closed = svc.supplier_return_close(return_id=exchange.pk, actor=people["procurement"],
                                       resolution="已换货", replacement_received_on=day())
    assert (closed.status, closed.replacement_received_on) == ("closed", day())
    assert AuditEvent.objects.filter(action__in=["supplier_return.opened",
                                                 "supplier_return.closed"]).count() == 2
    with pytest.raises(TransitionNotAllowed):
        svc.supplier_return_close(return_id=exchange.pk, actor=people["procurement"],
                                  resolution="again")


def test_a_contract_closes_only_when_received_inspected_and_no_return_open(order, people,
                                                                           supplier):
    contract = signed(order, people["procurement"], supplier, lines=[line()])
    with pytest.raises(TransitionNotAllowed, match="not everything has been received"):
        svc.purchase_contract_close(contract_id=contract.pk, actor=people["procurement"])
    delivery = receive_all(contract, people["procurement"])
    with pytest.raises(TransitionNotAllowed, match="awaiting incoming inspection: 1"):
        svc.purchase_contract_close(contract_id=contract.pk, actor=people["procurement"])
    [inspection] = inspect_all(delivery, people["quality"], rejected=Decimal("1"))
    ret = svc.supplier_return_open(inspection_id=inspection.pk, actor=people["procurement"],
                                   kind="return", quantity="1", reason="锈蚀")
    with pytest.raises(TransitionNotAllowed, match="still open"):
        svc.purchase_contract_close(contract_id=contract.pk, actor=people["procurement"])
    svc.supplier_return_close(return_id=ret.pk, actor=people["procurement"],
                              resolution="已退货")
    closed = svc.purchase_contract_close(contract_id=contract.pk, actor=people["procurement"])
    assert closed.status == "closed" and closed.closed_at is not None
    assert SupplierReturn.objects.get().status == "closed"
    assert IncomingInspection.objects.count() == 1


# -- P5 completion guard -----------------------------------------------------------------

def test_procurement_cannot_finish_with_open_contracts_or_returns(order, people, supplier):
    package = package_of(order, "procurement")
    package_start(package_id=package.pk, actor=people["procurement"])
    contract = draft(order, people["procurement"], supplier, lines=[line()])
    assert svc.completion_blockers(package) == [
        f"purchase contracts still in draft (sign or cancel them): {contract.number}"]
    svc.purchase_contract_sign(contract_id=contract.pk, actor=people["procurement"])
    delivery = receive_all(contract, people["procurement"])
    [inspection] = inspect_all(delivery, people["quality"], rejected=Decimal("1"))
    ret = svc.supplier_return_open(inspection_id=inspection.pk, actor=people["procurement"],
                                   kind="return", quantity="1", reason="锈蚀")
    assert svc.completion_blockers(package) == [
        f"signed purchase contracts not closed: {contract.number}",
        "returns or exchanges still open: 1"]
    with pytest.raises(Conflict, match="not closed"):
        package_complete(package_id=package.pk, actor=people["procurement"])
    svc.supplier_return_close(return_id=ret.pk, actor=people["procurement"], resolution="ok")
    svc.purchase_contract_close(contract_id=contract.pk, actor=people["procurement"])
    assert svc.completion_blockers(package) == []
    assert package_complete(package_id=package.pk, actor=people["procurement"]).status == "done"
    # a finished package takes no more records
    with pytest.raises(TransitionNotAllowed):
        draft(order, people["procurement"], supplier)
