"""Malformed input never reaches a user as a server error: filters are ignored, ids that
cannot exist are 404, values the database cannot hold are 4xx."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.orders.models import Order
from orderflow.testing.factories import make_user, order_payload

HUGE = "99999999999999999999"  # beyond PostgreSQL's bigint

CASES = [
    # pages: malformed filters are ignored (P6.2.3 lists stay usable)
    ("/orders/?customer=abc&salesperson=-1&date_from=2026-13-45&date_to=x&amount_min=1e999"
     "&amount_max=NaN&page=-3&status=bogus,draft&q=%00%27%22", 200),
    (f"/orders/?page={HUGE}", 200),
    (f"/orders/?customer={HUGE}", 200),
    ("/leads/?status=zz&channel=q&page=abc&mine=maybe&q=%00", 200),
    ("/customers/?page=x&status=weird&q=%00%25", 200),
    ("/products/?page=0&status=??&q=%00", 200),
    ("/notifications/?page=x", 200),
    # ids that cannot exist
    ("/orders/999999/", 404), (f"/orders/{HUGE}/", 404), (f"/leads/{HUGE}/", 404),
    ("/customers/999999/", 404), ("/orders/new/?lead=abc", 404),
    ("/orders/new/?lead=99999", 404),
    # API
    ("/api/orders?customer_id=abc", 422), ("/api/orders?page=-1", 422),
    ("/api/orders?date_from=notadate", 422), (f"/api/orders?customer_id={HUGE}", 200),
    ("/api/orders?q=%00x", 200), ("/api/leads?q=%00", 200),
    ("/api/orders/999999", 404), (f"/api/orders/{HUGE}", 404),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "status"), CASES)
def test_malformed_request_gets_a_clear_answer(client, url, status):
    client.force_login(make_user(Dept.SALES, Role.DEPT_HEAD, username="head"))
    assert client.get(url).status_code == status


@pytest.mark.django_db
def test_text_the_database_cannot_store_is_refused_and_nothing_written(client, customer,
                                                                        products):
    # Given a salesperson posting an order whose notes carry a NUL byte
    client.force_login(make_user(Dept.SALES, Role.STAFF, username="s1"))
    payload = order_payload(customer, products, notes="备注\x00")
    # When it is sent to the API, then it is a 4xx and no order exists
    response = client.post("/api/orders", json.dumps(payload, cls=DjangoJSONEncoder),
                           content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not Order.objects.exists()
