"""The archive over the JSON API (P9): archiving, the dossier, downloads, the index and
its export, query requests through the head's approval, grants until expiry, settings."""

import datetime as dt

import pytest
import time_machine

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.archive.models import AccessLog, Dossier, QueryRequest
from orderflow.archive.tests.conftest import archived_order, settled_order
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.testing.factories import make_user

from .conftest import Api

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def production(db):
    return make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")


@pytest.fixture
def production_head(db):
    return make_user(Dept.PRODUCTION, Role.DEPT_HEAD, username="prodhead")


@pytest.fixture
def archive_user(db):
    return make_user(Dept.ARCHIVE, Role.STAFF, username="arch1")


def test_archive_action_and_dossier(salesperson, customer, products):
    order = settled_order(salesperson, customer, products)
    api = Api(salesperson)
    response = api.post(f"/api/orders/{order.pk}/actions/archive")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == State.ARCHIVED
    body = api.get(f"/api/orders/{order.pk}/dossier").json()
    dossier = Dossier.objects.get(order=order)
    assert (body["number"], body["intact"], body["amount"]) == (
        dossier.number, True, f"{order.total_gross:.2f}")
    assert [d["kind"] for d in body["documents"]] == ["order", "contract", "audit_trail"]
    contract = body["documents"][1]
    download = api.get(f"/api/archive/documents/{contract['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert list(AccessLog.objects.order_by("id").values_list("action", flat=True)) == [
        "view", "download"]
    log = api.get(f"/api/orders/{order.pk}/dossier/access-log").json()
    assert [e["action"] for e in log] == ["download", "view"]


def test_archive_in_the_wrong_state_is_409(salesperson, customer, products):
    order = put_in_state(make_order(salesperson, customer, products), State.IN_SETTLEMENT)
    response = Api(salesperson).post(f"/api/orders/{order.pk}/actions/archive")
    assert (response.status_code, response.json()["code"]) == (409, "transition_not_allowed")
    assert not Dossier.objects.exists()


def test_index_filters_export_and_who(salesperson, sales_head, customer, products,
                                      production, archive_user):
    first = archived_order(salesperson, customer, products)
    archived_order(salesperson, customer, products)
    api = Api(sales_head)
    body = api.get("/api/archive/dossiers", q=first.number).json()
    assert [d["order_number"] for d in body["items"]] == [first.number]
    assert body["has_next"] is False and body["items"][0]["amount"] is not None
    assert len(api.get("/api/archive/dossiers", customer=customer.pk).json()["items"]) == 2
    bad = api.get("/api/archive/dossiers", month="13", amount_min="x")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"month", "amount_min"}
    export = api.get("/api/archive/dossiers/export", customer=customer.pk)
    assert export.status_code == 200 and export.content[:2] == b"PK"
    # Archive staff search without amounts; Production must request (403)
    rows = Api(archive_user).get("/api/archive/dossiers").json()["items"]
    assert len(rows) == 2 and all(r["amount"] is None for r in rows)
    assert Api(production).get("/api/archive/dossiers").status_code == 403


@pytest.mark.e2e
def test_query_grant_and_expiry(salesperson, customer, products, production,
                                production_head):
    # Given a settled order, archived by its salesperson over the API
    order = settled_order(salesperson, customer, products)
    archived = Api(salesperson).post(f"/api/orders/{order.pk}/actions/archive")
    assert archived.json()["status"] == State.ARCHIVED
    with time_machine.travel(NOW, tick=False) as clock:
        mine, head = Api(production), Api(production_head)
        assert mine.get(f"/api/orders/{order.pk}/dossier").status_code == 404
        bad = mine.post("/api/archive/queries", {"order_number": order.number})
        assert bad.status_code == 422 and set(bad.json()["errors"]) == {
            "purpose", "wanted_until"}
        filed = mine.post("/api/archive/queries", {
            "order_number": order.number, "purpose": "售后维修需要查看技术要求",
            "wanted_until": "2026-12-10"})
        assert filed.status_code == 201, filed.content
        query_id = filed.json()["id"]
        assert [q["id"] for q in head.get("/api/archive/queries/waiting").json()] == [query_id]
        assert mine.post(f"/api/archive/queries/{query_id}/approve", {}).status_code == 404
        approved = head.post(f"/api/archive/queries/{query_id}/approve", {"comment": "同意"})
        assert approved.json()["status"] == "approved"
        body = mine.get(f"/api/orders/{order.pk}/dossier").json()
        assert body["amount"] is None  # P9.2.2: Production sees no prices
        priced = [d for d in body["documents"] if d["holds_prices"]]
        assert priced and all(d["withheld"] for d in priced)
        assert mine.get(f"/api/archive/documents/{priced[0]['id']}").status_code == 403
        # the grant opens the dossier (logged), not the live order and its unlogged reads
        assert mine.get(f"/api/orders/{order.pk}").status_code == 404
        assert mine.get(f"/api/orders/{order.pk}/settlement").status_code == 404
        assert mine.get(f"/api/orders/{order.pk}/dossier/access-log").status_code == 403
        assert mine.get("/api/archive/queries").json()["items"][0]["status"] == "approved"
        clock.move_to(dt.datetime(2026, 12, 11, 0, 0, 1, tzinfo=dt.UTC))
        mine = Api(production)  # a fresh session (the old one expired with the clock)
        assert mine.get(f"/api/orders/{order.pk}/dossier").status_code == 404
        assert mine.get(f"/api/orders/{order.pk}").status_code == 404
    assert AccessLog.objects.filter(user=production, action="view").count() == 1


def test_decline_needs_a_reason(salesperson, customer, products, production,
                                production_head):
    order = archived_order(salesperson, customer, products)
    query = Api(production).post("/api/archive/queries", {
        "order_number": order.number, "purpose": "x",
        "wanted_until": dt.date.today().isoformat()}).json()
    head = Api(production_head)
    assert head.post(f"/api/archive/queries/{query['id']}/decline", {}).status_code == 422
    declined = head.post(f"/api/archive/queries/{query['id']}/decline", {"reason": "不需要"})
    assert (declined.json()["status"], declined.json()["decline_reason"]) == (
        "declined", "不需要")
    assert QueryRequest.objects.get().status == "declined"


def test_settings_for_admins_only(salesperson):
    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin9")
    assert Api(salesperson).get("/api/config/archive").status_code == 403
    api = Api(admin)
    assert api.get("/api/config/archive").json() == {
        "price_departments": ["sales", "finance", "management"], "max_grant_days": 30}
    bad = api.put("/api/config/archive", {"price_departments": ["x"], "max_grant_days": 0})
    assert bad.status_code == 422
    ok = api.put("/api/config/archive", {"price_departments": ["sales"], "max_grant_days": 7})
    assert ok.json() == {"price_departments": ["sales"], "max_grant_days": 7}


def test_a_period_ending_before_it_starts_is_422_on_the_end(sales_head):
    bad = Api(sales_head).get("/api/archive/dossiers", date_from="2026-05-02",
                              date_to="2026-05-01")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"date_to"}
