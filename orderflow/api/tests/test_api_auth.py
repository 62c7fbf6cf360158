"""Who is calling: session or token auth, 401 without, the current user, tokens, the docs."""

import hashlib

import pytest
from django.test import Client

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import ApiToken
from orderflow.accounts.services import api_token_create
from orderflow.core import clock
from orderflow.testing.factories import make_user, order_payload

from .conftest import Api, token_api, written

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/api/orders"), ("get", "/api/orders/1"), ("post", "/api/orders"),
    ("post", "/api/orders/1/actions/check"), ("get", "/api/leads"), ("get", "/api/me"),
    ("post", "/api/me/tokens"),
])
def test_anonymous_gets_401(method, url):
    before = written()

    response = getattr(Api(), method)(url)

    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "Please log in."}
    assert written() == before


def test_unknown_revoked_or_inactive_token_gets_401(salesperson, customer, products):
    _token, key = api_token_create(actor=salesperson, name="ci")
    assert Api(token=key).get("/api/me").status_code == 200

    ApiToken.objects.update(revoked_at=clock.now())
    revoked = Api(token=key).post("/api/orders", order_payload(customer, products))
    unknown = Api(token="not-a-real-key").get("/api/me")

    assert (revoked.status_code, unknown.status_code) == (401, 401)
    inactive = make_user(Dept.SALES, Role.STAFF, is_active=False)
    assert token_api(inactive).get("/api/me").status_code == 401


def test_me_by_session_and_by_token(sales_head):
    by_session = Api(sales_head).get("/api/me")
    by_token = token_api(sales_head).get("/api/me")

    assert by_session.status_code == 200
    assert by_session.json() == by_token.json()
    me = by_session.json()
    assert (me["username"], me["name"]) == ("saleshead", "李娜")
    assert me["department"]["code"] == "sales"
    assert me["department"]["label"] == "Sales"
    assert me["roles"] == [{"code": "dept_head", "label": "Department head"}]


def test_token_is_shown_once_and_works(salesperson):
    response = Api(salesperson).post("/api/me/tokens", {"name": "ERP 集成"})

    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert (body["name"], token.user_id, body["prefix"]) == ("ERP 集成", salesperson.pk,
                                                             body["key"][:8])
    assert token.key_hash == hashlib.sha256(body["key"].encode()).hexdigest()
    assert body["key"] not in {token.key_hash, token.prefix}
    me = Api(token=body["key"]).get("/api/me")
    assert me.json()["id"] == salesperson.pk


def test_openapi_schema_and_docs_load():
    client = Client()

    schema = client.get("/api/openapi.json")
    docs = client.get("/api/docs")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/orders", "/api/orders/{order_id}/actions/{action}",
                 "/api/orders/{order_id}/check-reports", "/api/orders/{order_id}/attachments",
                 "/api/orders/{order_id}/escalation/decision", "/api/leads/{lead_id}/convert",
                 "/api/me/tokens"):
        assert path in paths
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content


def test_session_writes_need_the_csrf_token_but_token_writes_do_not(salesperson):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(salesperson)

    response = browser.post("/api/me/tokens", {"name": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert ApiToken.objects.count() == 0
    assert token_api(salesperson).post("/api/me/tokens", {"name": "y"}).status_code == 201
