"""Two concession requests for the rest of a line at the same instant (P5.4.2), and two
report issues for one inspection (P5.3.2). Real threads, own connections: the services lock
the order row first and read what is covered or reported under that lock."""

import pytest
from django.db import connection
from django.utils import translation

from orderflow.accounts.models import User
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed, ValidationFailed
from orderflow.execution.models.quality import Concession, InspectionReport
from orderflow.execution.services import quality as svc
from orderflow.testing.audit import verify_chain
from orderflow.testing.execution import members, released_order
from orderflow.testing.race import one_wins, race

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_two_concessions_for_the_rest_of_a_line_exactly_one_is_taken_p5_4_2(
        salesperson, sales_head, customer, products):
    people = members("quality")
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["quality"])
    line = order.lines.get(position=1)           # 2 ordered, nothing passed yet

    def job(user_id):
        return lambda: svc.concession_request(
            order_id=order.pk, actor=User.objects.get(pk=user_id), order_line_id=line.pk,
            quantity="2", reason="急需")

    outcome = race([job(salesperson.pk), job(people["quality"].pk)])

    refused = one_wins(outcome, Concession, ValidationFailed)
    assert list(refused.errors) == ["quantity"]
    assert Concession.objects.filter(order_line=line).count() == 1
    assert verify_chain().ok


def test_two_reports_for_one_inspection_exactly_one_is_issued_p5_3_2(
        salesperson, sales_head, customer, products):
    people = members("quality")
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["quality"])
    record = svc.inspection_record_add(
        order_id=order.pk, actor=people["quality"], order_line_id=order.lines.first().pk,
        stage="final", inspected_on=clock.today(), quantity_inspected="2",
        quantity_passed="2", quantity_failed="0")

    def job():
        return svc.inspection_report_issue(
            record_id=record.pk, actor=User.objects.get(pk=people["quality"].pk),
            conclusion="合格")

    outcome = race([job, job])

    assert sorted(type(r).__name__ for r in outcome) == ["InspectionReport",
                                                         "TransitionNotAllowed"]
    assert any(isinstance(r, TransitionNotAllowed) for r in outcome)
    assert InspectionReport.objects.count() == 1
    assert verify_chain().ok
