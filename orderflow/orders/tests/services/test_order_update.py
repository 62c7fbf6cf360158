"""order_update (P2.2.1, P2.3.2): field-level history, optimistic version, editable states."""

import datetime as dt
from decimal import Decimal

import pytest

from orderflow.audit.models import AuditEvent
from orderflow.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import order_update
from orderflow.orders.tests.support import make_order, order_state, put_in_state, row_counts
from orderflow.testing.factories import ProductFactory, make_user, order_payload

pytestmark = pytest.mark.django_db


def _events(order, action):
    return list(AuditEvent.objects.filter(object_type="orders.order", object_id=str(order.pk),
                                          action=action).order_by("id"))


def test_update_records_each_changed_field(salesperson, customer, products):
    # given a draft with two lines
    order = make_order(salesperson, customer, products)
    payload = order_payload(customer, products, delivery_place="苏州工业园区星湖街328号")
    payload["lines"][0]["quantity"] = "5"
    payload["special_requirements"] = [{"kind": "transport", "description": "冷链运输"}]
    # when
    updated = order_update(order_id=order.pk, actor=salesperson, expected_version=1, **payload)
    # then
    updated.refresh_from_db()
    assert updated.version == 2
    assert updated.total_net == Decimal("7000.00")
    assert updated.total_tax == Decimal("910.00")
    assert updated.total_gross == Decimal("7910.00")
    assert updated.has_special_requirements is True
    assert list(updated.lines.values_list("position", "quantity")) == [
        (1, Decimal("5.000")), (2, Decimal("2.000"))]
    [event] = _events(order, "order.updated")
    assert event.actor == salesperson
    assert event.data["changes"] == [
        {"field": "delivery_place", "old": "上海市浦东新区张江路100号",
         "new": "苏州工业园区星湖街328号"},
        {"field": "lines.1.amount", "old": "2000.00", "new": "5000.00"},
        {"field": "lines.1.quantity", "old": "2.000", "new": "5.000"},
        {"field": "special_requirements.1.description", "old": None, "new": "冷链运输"},
        {"field": "special_requirements.1.kind", "old": None, "new": "transport"},
    ]


def test_removed_line_is_recorded(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    payload = order_payload(customer, products[:1])
    order_update(order_id=order.pk, actor=salesperson, **payload)
    [event] = _events(order, "order.updated")
    removed = [c for c in event.data["changes"] if c["field"].startswith("lines.2.")]
    assert {c["field"] for c in removed} == {
        "lines.2.amount", "lines.2.description", "lines.2.product", "lines.2.quantity",
        "lines.2.specification", "lines.2.unit", "lines.2.unit_price"}
    assert all(c["new"] is None for c in removed)
    order.refresh_from_db()
    assert order.lines.count() == 1


def test_resaving_the_same_content_changes_nothing(salesperson, customer, products):
    # given a draft; when the same fields are saved again (as a form would post them)
    order = make_order(salesperson, customer, products)
    before = order_state(order.pk)
    order_update(order_id=order.pk, actor=salesperson,
                 **order_payload(customer, products, tax_rate="0.13"))
    # then no version bump and no history entry
    assert order_state(order.pk) == before
    assert _events(order, "order.updated") == []


def test_changing_the_tax_rate_recomputes_totals(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    order_update(order_id=order.pk, actor=salesperson,
                 **order_payload(customer, products, tax_rate="0.06"))
    order.refresh_from_db()
    assert (order.total_net, order.total_tax, order.total_gross) == (
        Decimal("4000.00"), Decimal("240.00"), Decimal("4240.00"))
    [event] = _events(order, "order.updated")
    assert event.data["changes"] == [{"field": "tax_rate", "old": "0.1300", "new": "0.0600"}]


def test_sales_head_may_edit_and_keeps_the_salesperson(salesperson, sales_head, customer,
                                                       products):
    order = make_order(salesperson, customer, products)
    order_update(order_id=order.pk, actor=sales_head,
                 **order_payload(customer, products, notes="客户要求加急"))
    order.refresh_from_db()
    assert (order.salesperson, order.notes) == (salesperson, "客户要求加急")
    assert _events(order, "order.updated")[0].actor == sales_head


def test_stale_version_is_a_conflict(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    before = order_state(order.pk)
    with pytest.raises(Conflict):
        order_update(order_id=order.pk, actor=salesperson, expected_version=7,
                     **order_payload(customer, products, notes="x"))
    assert order_state(order.pk) == before


@pytest.mark.parametrize(("changes", "keys"), [
    ({"lines": [{"product_id": 0, "quantity": "1"}]}, {"lines.0.product_id"}),
    ({"lines": [{"quantity": "0", "product_id": None}]}, {"lines.0.product_id",
                                                          "lines.0.quantity"}),
    ({"delivery_date": dt.date(2000, 1, 1)}, {"delivery_date"}),
    ({"customer_id": 987654}, {"customer_id"}),
])
def test_invalid_update_changes_nothing(changes, keys, salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    before, counts = order_state(order.pk), row_counts()
    with pytest.raises(ValidationFailed) as exc:
        order_update(order_id=order.pk, actor=salesperson,
                     **order_payload(customer, products, **changes))
    assert set(exc.value.errors) == keys
    assert order_state(order.pk) == before
    assert row_counts() == counts


@pytest.mark.parametrize("state", [State.AWAITING_CUSTOMER])
def test_awaiting_customer_is_still_editable(state, salesperson, customer, products):
    order = put_in_state(make_order(salesperson, customer, products), state)
    order_update(order_id=order.pk, actor=salesperson,
                 **order_payload(customer, products, contact_phone="13900001111"))
    order.refresh_from_db()
    assert (order.contact_phone, order.version) == ("13900001111", 2)


# In approval the owner may edit; what that does is proved in approval/tests (P4.1).
@pytest.mark.parametrize("state", sorted(set(State) - {
    State.DRAFT, State.AWAITING_CUSTOMER, State.IN_APPROVAL, State.AWAITING_SIGNOFF}))
def test_editing_is_refused_outside_draft_awaiting_customer_and_approval(
        state, salesperson, customer, products):
    order = put_in_state(make_order(salesperson, customer, products), state)
    before, counts = order_state(order.pk), row_counts()
    with pytest.raises(NotPermitted):
        order_update(order_id=order.pk, actor=salesperson,
                     **order_payload(customer, products, notes="改一下"))
    assert order_state(order.pk) == before
    assert row_counts() == counts


def test_other_salesperson_cannot_even_see_it(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    other = make_user(username="sales2")
    before = order_state(order.pk)
    with pytest.raises(NotFound):
        order_update(order_id=order.pk, actor=other, **order_payload(customer, products))
    assert order_state(order.pk) == before


def test_changing_a_product_is_recorded(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    replacement = ProductFactory(standard_price=Decimal("1000.00"))
    order_update(order_id=order.pk, actor=salesperson,
                 **order_payload(customer, [replacement, products[1]]))
    changes = _events(order, "order.updated")[0].data["changes"]
    assert {"field": "lines.1.product", "old": products[0].pk,
            "new": replacement.pk} in changes
