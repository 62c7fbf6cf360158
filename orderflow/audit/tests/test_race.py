"""The audit log under concurrent writers (P1.3.2), real threads on PostgreSQL: writing an
event locks nothing shared, so two services that lock shared rows in opposite orders do
not deadlock on the log; sealers running at once chain every event exactly once."""

import threading

import pytest
from django.db import connection, transaction
from django.db.models import F

from orderflow.audit import services as audit
from orderflow.audit.models import AuditEvent
from orderflow.masterdata.models import Customer
from orderflow.testing.audit import verify_chain
from orderflow.testing.race import race

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


def _raise_receivables(customer_id: int) -> None:
    Customer.objects.filter(pk=customer_id).update(
        receivables_outstanding=F("receivables_outstanding") + 1)


def test_opposite_lock_orders_around_an_event_do_not_deadlock(salesperson, customer):
    # given two services on orders of one customer (as a receipt and Finance's audit): the
    # first raises the customer's receivables then records its event; the second records
    # its event first, then raises the receivables
    customer_locked, second_recorded = threading.Event(), threading.Event()

    def receipt_like():
        with transaction.atomic():
            _raise_receivables(customer.pk)
            customer_locked.set()
            assert second_recorded.wait(10)
            audit.record(salesperson, "test.receipt", customer)
        return "receipt"

    def audit_like():
        assert customer_locked.wait(10)
        with transaction.atomic():
            audit.record(salesperson, "test.audit", customer)
            second_recorded.set()
            _raise_receivables(customer.pk)  # waits for the first to commit
        return "audit"

    # when both run at once (with one chain head locked by every write, this deadlocked
    # and PostgreSQL aborted one of them)
    results = race([receipt_like, audit_like], timeout=30)

    # then both succeed, and both events are in the chain
    assert results == ["receipt", "audit"]
    customer.refresh_from_db()
    assert customer.receivables_outstanding == 2
    assert verify_chain().checked == 2


def test_sealers_at_once_with_writers_chain_every_event_once(salesperson):
    def write(n):
        def job():
            for i in range(10):
                with transaction.atomic():
                    audit.record(salesperson, f"test.w{n}.{i}", salesperson)
                audit.seal()
            return n
        return job

    results = race([write(n) for n in range(4)] + [audit.seal, audit.seal])

    assert not [r for r in results if isinstance(r, Exception)], results
    report = verify_chain()
    assert (report.ok, report.checked) == (True, 40)
    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 41))
