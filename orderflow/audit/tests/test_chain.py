"""The audit log (P1.3.2): written with each change, hash-chained, tampering is found."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from orderflow.audit import services as audit
from orderflow.audit.domain import GENESIS, event_hash
from orderflow.audit.management.commands.audit_verify import Command as AuditVerify
from orderflow.audit.models import AuditChainHead, AuditEvent
from orderflow.audit.selectors import events_for, verify_chain
from orderflow.audit.services import hashed_content
from orderflow.core.request_context import reset_request_id, set_request_id
from orderflow.intake.services.check import communication_log, order_check
from orderflow.orders.services import order_take_action, order_update
from orderflow.orders.tests.support import make_order
from orderflow.testing.factories import order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(salesperson, customer, products):
    """Several services ran: create x2, update, check (awaiting customer), log, check, cancel."""
    order = make_order(salesperson, customer, products, contact_phone="12345")
    other = make_order(salesperson, customer, products)
    order_update(order_id=order.pk, actor=salesperson,
                 **order_payload(customer, products, contact_phone="12345", notes="加急"))
    order_check(order_id=order.pk, actor=salesperson)
    communication_log(order_id=order.pk, actor=salesperson, channel="phone", summary="已确认",
                      confirmed_findings=["phone_doubtful:contact_phone"])
    order_check(order_id=order.pk, actor=salesperson)
    order_take_action(order_id=other.pk, action="cancel", actor=salesperson, reason="重复录入")
    assert audit.seal() == 7  # as the worker does every minute
    return order


def _verify_output() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_chain_of_several_services_verifies(history):
    actions = list(AuditEvent.objects.order_by("seq").values_list("seq", "action"))
    assert actions == [(1, "order.created"), (2, "order.created"), (3, "order.updated"),
                       (4, "order.check"), (5, "order.customer_contacted"), (6, "order.check"),
                       (7, "order.cancel")]
    report = verify_chain()
    assert (report.ok, report.checked, report.first_broken_seq) == (True, 7, None)
    assert _verify_output().strip() == "Audit chain intact: 7 events."
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (7, AuditEvent.objects.get(seq=7).hash)
    first = AuditEvent.objects.get(seq=1)
    assert first.prev_hash == GENESIS
    assert first.hash == event_hash(GENESIS, hashed_content(first))


def test_small_batches_verify_the_same(history):
    assert verify_chain(batch_size=2).checked == 7


def test_editing_data_with_an_update_is_found(history):
    AuditEvent.objects.filter(seq=3).update(data={"changes": []})
    report = verify_chain()
    assert (report.ok, report.first_broken_seq, report.checked) == (False, 3, 2)
    assert report.reason == "content does not match its hash"
    with pytest.raises(CommandError, match=r"#3\b") as exc:
        _verify_output()
    assert exc.value.returncode == 1


def test_editing_with_raw_sql_is_found(history):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET data = %s WHERE seq = %s",
                       ['{"reason": "看起来无害"}', 7])
    assert verify_chain().first_broken_seq == 7


@pytest.mark.parametrize(("field", "value"), [("action", "order.approved"),
                                              ("to_state", "archived"),
                                              ("object_id", "999"),
                                              ("occurred_at", dt.datetime(2020, 1, 1,
                                                                          tzinfo=dt.UTC))])
def test_editing_any_covered_field_is_found(history, field, value):
    AuditEvent.objects.filter(seq=4).update(**{field: value})
    assert verify_chain().first_broken_seq == 4


def test_changing_the_actor_is_found(history, sales_head):
    AuditEvent.objects.filter(seq=2).update(actor=sales_head)
    assert verify_chain().first_broken_seq == 2


def test_rehashing_a_forged_event_breaks_the_next_link(history):
    forged = AuditEvent.objects.get(seq=5)
    forged.data = {**forged.data, "summary": "伪造"}
    forged.hash = event_hash(forged.prev_hash, hashed_content(forged))
    AuditEvent.objects.filter(seq=5).update(data=forged.data, hash=forged.hash)
    report = verify_chain()
    assert (report.first_broken_seq, report.reason) == (6, "previous hash does not match")


def test_deleting_the_last_event_is_found(history):
    AuditEvent.objects.filter(seq=7).delete()
    report = verify_chain()
    assert (report.ok, report.first_broken_seq, report.checked) == (False, 7, 6)
    assert report.reason == "events after this point were removed"
    with pytest.raises(CommandError, match=r"#7\b"):
        _verify_output()


def test_deleting_an_event_in_the_middle_is_found(history):
    AuditEvent.objects.filter(seq=4).delete()
    report = verify_chain()
    assert (report.first_broken_seq, report.reason) == (4, "missing event")


def test_deleting_everything_is_found(history):
    AuditEvent.objects.all().delete()
    assert verify_chain().first_broken_seq == 1


def test_empty_log_verifies():
    assert (verify_chain().ok, verify_chain().checked) == (True, 0)


def test_record_keeps_actor_delegate_request_and_jsonable_data(salesperson, sales_head,
                                                                customer, products):
    order = make_order(salesperson, customer, products)
    token = set_request_id("req-123")
    try:
        event = audit.record(sales_head, "order.note", order, from_state="draft",
                             to_state="draft", on_behalf_of=salesperson,
                             data={"amount": Decimal("12.50"), "on": dt.date(2026, 3, 1)})
    finally:
        reset_request_id(token)
    event.refresh_from_db()
    assert (event.actor, event.on_behalf_of, event.request_id) == (
        sales_head, salesperson, "req-123")
    assert event.data == {"amount": "12.50", "on": "2026-03-01"}
    assert (event.object_type, event.object_id, event.object_repr) == (
        "orders.order", str(order.pk), order.number)
    assert verify_chain().ok


def test_events_for_is_newest_first_and_bounded(history, salesperson, customer, products):
    events = list(events_for("orders.order", [history.pk]))
    assert [e.action for e in events] == ["order.check", "order.customer_contacted",
                                          "order.check", "order.updated", "order.created"]
    assert len(list(events_for("orders.order", [history.pk], limit=2))) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_refuses_to_run_outside_a_transaction(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit.record(salesperson, "order.note", order)
    with transaction.atomic():
        audit.record(salesperson, "order.note", order)
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_command_exits_non_zero_naming_the_broken_event(salesperson, customer, products,
                                                        capsys):
    for _ in range(3):
        make_order(salesperson, customer, products)
    audit.seal()
    AuditEvent.objects.filter(seq=2).update(data={"snapshot": {}})
    with pytest.raises(SystemExit) as exc:
        AuditVerify().run_from_argv(["manage.py", "audit_verify"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "Audit chain broken at event #2: content does not match its hash" in err


class _Boom(Exception):
    pass


def test_events_after_a_rolled_back_savepoint_continue_the_chain(salesperson):
    # given an event, then one in a savepoint that is rolled back, then another
    with transaction.atomic():
        first = audit.record(salesperson, "test.first", salesperson)
        with pytest.raises(_Boom), transaction.atomic():
            audit.record(salesperson, "test.lost", salesperson)
            raise _Boom
        third = audit.record(salesperson, "test.third", salesperson)

    # when they are sealed
    assert audit.seal() == 2

    # then the third follows the first, as if the lost one never was, and the chain verifies
    first.refresh_from_db()
    third.refresh_from_db()
    assert third.seq == first.seq + 1 and third.prev_hash == first.hash
    assert not AuditEvent.objects.filter(action="test.lost").exists()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (third.seq, third.hash)
    assert verify_chain().ok


def test_an_event_is_written_unsealed_in_one_statement(salesperson,
                                                        django_assert_num_queries):
    # when a service records an event (P1.3.2)
    with transaction.atomic(), django_assert_num_queries(1):
        event = audit.record(salesperson, "test.first", salesperson)

    # then it is stored without its place in the chain, which is untouched
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (None, "", "")
    assert not AuditChainHead.objects.exists()
    report = verify_chain()
    assert (report.ok, report.checked, report.unsealed) == (True, 0, 1)


def test_sealing_chains_in_writing_order_in_batches_and_continues_later(salesperson):
    # given five events, sealed in batches of two
    with transaction.atomic():
        events = [audit.record(salesperson, f"test.{n}", salesperson) for n in range(5)]
    assert audit.seal(batch_size=2) == 5
    # and two more, sealed by a later run
    with transaction.atomic():
        later = [audit.record(salesperson, f"test.later{n}", salesperson) for n in range(2)]
    assert audit.seal() == 2
    assert audit.seal() == 0  # nothing left

    # then the chain runs in writing order, each linked to the one before
    chained = list(AuditEvent.objects.order_by("seq").values_list("pk", "seq"))
    assert chained == [(e.pk, n) for n, e in enumerate([*events, *later], start=1)]
    assert (verify_chain().ok, verify_chain().checked) == (True, 7)
    assert _verify_output().strip() == "Audit chain intact: 7 events."


def test_the_command_seals_before_it_verifies(salesperson):
    with transaction.atomic():
        audit.record(salesperson, "test.first", salesperson)
    assert _verify_output().strip() == "Audit chain intact: 1 events."
    assert AuditEvent.objects.get().seq == 1


def test_an_edit_before_sealing_cannot_be_told_but_after_it_can(salesperson):
    # the window the chain leaves open: an event is covered once sealed (within a minute)
    with transaction.atomic():
        event = audit.record(salesperson, "test.first", salesperson)
    AuditEvent.objects.filter(pk=event.pk).update(object_repr="改过")
    audit.seal()
    assert verify_chain().ok
    AuditEvent.objects.filter(pk=event.pk).update(object_repr="又改过")
    assert verify_chain().first_broken_seq == 1


def test_events_sealed_after_the_head_was_read_are_left_to_the_next_run(history):
    # a verification reads the head first; events a sealer chains meanwhile lie beyond it
    head = AuditChainHead.objects.get()
    AuditChainHead.objects.filter(pk=1).update(last_seq=5, last_hash=AuditEvent.objects
                                               .get(seq=5).hash)
    report = verify_chain()
    assert (report.ok, report.checked) == (True, 5)
    AuditChainHead.objects.filter(pk=1).update(last_seq=head.last_seq, last_hash=head.last_hash)
    assert (verify_chain().ok, verify_chain().checked) == (True, 7)


def test_sealed_events_without_a_head_are_reported(history):
    AuditChainHead.objects.all().delete()
    assert verify_chain().reason == "the chain's head is missing"
