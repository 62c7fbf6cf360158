"""Concurrency on PostgreSQL (P1.3.1, P2.2.1): one winner per transition, gap-free numbers.

Real threads, each with its own database connection, committing for real.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from orderflow.accounts.models import User
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed
from orderflow.intake.models import CheckReport
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order, OrderLine, OrderSequence
from orderflow.orders.services import order_create, order_take_action
from orderflow.orders.tests.support import make_order
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import order_payload

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL; "
                              "SQLite serialises whole-database writes"),
]


def _in_thread(fn):
    """Run fn in a worker thread with its own connection, closed at the end."""
    def run(*args):
        try:
            return fn(*args)
        finally:
            connection.close()
    return run


def _race(n: int, actor_id: int, work) -> list:
    """Start n threads at the same instant; work(user, i) in each; results or exceptions."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    @_in_thread
    def worker(i):
        user = User.objects.get(pk=actor_id)  # a fresh user object per thread
        barrier.wait(timeout=10)
        try:
            results[i] = work(user, i)
        except Exception as exc:  # the outcome is what the test inspects
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def _action(order_id: int, action: str, **fields):
    def work(user, _i):
        return order_take_action(order_id=order_id, action=action, actor=user, **fields)
    return work


@pytest.mark.parametrize(("action", "fields", "target"), [
    ("check", {}, State.CHECKED),
    ("cancel", {"reason": "客户取消"}, State.CANCELLED),
])
def test_same_transition_twice_at_once_has_exactly_one_winner(action, fields, target,
                                                              salesperson, customer,
                                                              products):
    # given a complete draft
    order = make_order(salesperson, customer, products)
    # when two people take the same action at the same moment
    results = _race(2, salesperson.pk, _action(order.pk, action, **fields))
    # then one wins, the other is told clearly that the order moved on
    winners = [r for r in results if isinstance(r, Order)]
    losers = [r for r in results if isinstance(r, TransitionNotAllowed)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].http_status == 409
    order.refresh_from_db()
    assert (order.status, order.version) == (target, 2)
    assert AuditEvent.objects.filter(object_id=str(order.pk),
                                     action=f"order.{action}").count() == 1
    if action == "check":
        assert CheckReport.objects.filter(order=order).count() == 1
    assert verify_chain().ok


def test_many_different_transitions_on_one_order_serialise(salesperson, customer, products):
    # given a draft; 4 threads check, 4 threads cancel it at the same time
    order = make_order(salesperson, customer, products)
    calls = [_action(order.pk, "check"), _action(order.pk, "cancel", reason="撤单")] * 4
    results = _race(8, salesperson.pk, lambda user, i: calls[i](user, i))
    errors = [r for r in results if not isinstance(r, Order)]
    assert all(isinstance(e, TransitionNotAllowed) for e in errors), errors
    order.refresh_from_db()
    events = list(AuditEvent.objects.filter(object_id=str(order.pk))
                  .exclude(action="order.created").order_by("id"))
    # every accepted step followed the table from the state the previous one left
    state = State.DRAFT
    for event in events:
        assert event.from_state == state
        state = event.to_state
    assert order.status == state
    assert len(events) == len(results) - len(errors) == order.version - 1
    assert verify_chain().ok


def test_fifty_concurrent_creations_get_fifty_consecutive_numbers(salesperson, customer,
                                                                  products):
    # given the counter as it stands
    year = clock.today().year
    start = OrderSequence.objects.filter(year=year).values_list("last_number", flat=True)
    start = start.first() or 0
    payload = order_payload(customer, products)

    @_in_thread
    def create(_i):
        user = User.objects.get(pk=salesperson.pk)
        return order_create(actor=user, **payload).number

    # when 50 orders are created by 10 workers at once
    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(create, range(50)))
    # then 50 distinct numbers, consecutive, no gaps, and the counter agrees
    assert len(set(numbers)) == 50
    assert all(re.fullmatch(rf"SO-{year}-\d{{6}}", n) for n in numbers)
    assert sorted(int(n[-6:]) for n in numbers) == list(range(start + 1, start + 51))
    assert OrderSequence.objects.get(year=year).last_number == start + 50
    assert Order.objects.count() == 50
    assert OrderLine.objects.count() == 100
    assert AuditEvent.objects.filter(action="order.created").count() == 50
    report = verify_chain()
    assert (report.ok, report.checked) == (True, AuditEvent.objects.count())
