"""Who may do what in settlement (P7), generated from a table: Sales owner (salesperson,
Sales head) on the Sales side; Finance (staff, head) on Finance's; nobody else. Every
refusal writes nothing; an order the user cannot see answers NotFound."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted
from orderflow.orders.services import order_take_action
from orderflow.settlement.models import Instalment
from orderflow.settlement.services import (
    dispute_open,
    invoice_issue,
    receipt_record,
    statement_set_quantities,
)
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import audited, deliver, executed_order, reconcile

from ..support import snapshot

pytestmark = pytest.mark.django_db

PEOPLE = ["salesperson", "other_sales", "sales_head", "finance_staff", "finance_head",
          "production", "leader", "archive"]
SALES_SIDE = {"salesperson", "sales_head"}
FINANCE_SIDE = {"finance_staff", "finance_head"}
# What each refused person gets: invisible order -> NotFound, visible -> NotPermitted.
INVISIBLE = {"other_sales", "archive"}


@pytest.fixture
def people(salesperson, sales_head, division_leader, finance):
    return {"salesperson": salesperson, "sales_head": sales_head, "leader": division_leader,
            "other_sales": make_user(Dept.SALES, Role.STAFF, username="sales9"),
            "finance_staff": finance["staff"], "finance_head": finance["head"],
            "production": make_user(Dept.PRODUCTION, Role.STAFF, username="prod1"),
            "archive": make_user(Dept.ARCHIVE, Role.STAFF, username="archive1")}


def _start(order, statement, user):
    return order_take_action(order_id=order.pk, action="start_settlement", actor=user)


def _quantities(order, statement, user):
    line = statement.lines.first()
    return statement_set_quantities(statement_id=statement.pk, actor=user,
                                    quantities={str(line.order_line_id): "1"})


def _reconcile(order, statement, user):
    return reconcile(statement, user)


def _dispute(order, statement, user):
    return dispute_open(order_id=order.pk, actor=user, reason="客户拖欠", disputed_amount="100")


def _invoice(order, statement, user):
    return invoice_issue(order_id=order.pk, actor=user, kind="vat_special",
                         number="12345678", issued_on=clock.today(), net_amount="100",
                         tax_amount="13")


def _receipt(order, statement, user):
    instalment = Instalment.objects.filter(order=order).order_by("position").first()
    return receipt_record(instalment_id=instalment.pk, actor=user, received_on=clock.today(),
                          amount="100", method="cash")


ACTIONS = {  # action -> (who may, the stage the order must be at)
    "start": (SALES_SIDE, "executed"),
    "quantities": (SALES_SIDE, "draft"),
    "reconcile": (SALES_SIDE, "draft"),
    "dispute": (SALES_SIDE, "draft"),
    "invoice": (FINANCE_SIDE, "audited"),
    "receipt": (FINANCE_SIDE, "audited"),
}
CALLS = {"start": _start, "quantities": _quantities, "reconcile": _reconcile,
         "dispute": _dispute, "invoice": _invoice, "receipt": _receipt}


def _given(stage, salesperson, customer, products, sales_head, finance):
    order = executed_order(salesperson, customer, products, sales_head)
    if stage == "executed":
        return order, None
    from orderflow.testing.settlement import in_settlement

    statement = in_settlement(order, salesperson)
    if stage == "audited":
        audited(statement, salesperson, finance["staff"])
    return order, statement


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", PEOPLE)
def test_permission_matrix(action, who, people, salesperson, customer, products,
                           sales_head, finance):
    allowed, stage = ACTIONS[action]
    order, statement = _given(stage, salesperson, customer, products, sales_head, finance)
    if who in allowed:
        assert CALLS[action](order, statement, people[who]) is not None
        return
    before = snapshot(order)
    expected = NotFound if who in INVISIBLE else NotPermitted
    with pytest.raises(expected):
        CALLS[action](order, statement, people[who])
    assert snapshot(order) == before


def test_delivery_helper_sums_partial_shipments(salesperson, customer, products, sales_head):
    order = executed_order(salesperson, customer, products, sales_head,
                           quantities={})
    first = order.lines.order_by("position").first()
    deliver(order, {first.pk: "1", **{ln.pk: "0" for ln in order.lines.exclude(pk=first.pk)}})
    from orderflow.settlement.services.common import delivered_quantities

    assert delivered_quantities(order.pk)[first.pk] == 3
