"""Logistics over the JSON API and on the work-package page (P5.4.2), and the
over-shipment tolerance configuration (P11)."""
# ruff: noqa: F811 (fixtures imported from the support module are parameters here)

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.api.tests.conftest import Api
from orderflow.core import clock
from orderflow.execution.models import ExecutionSettings, Shipment, ShipmentStatus
from orderflow.execution.services.logistics import shipment_create
from orderflow.testing.execution import package_of
from orderflow.testing.factories import make_user

from .test_logistics_support import (  # noqa: F401 (fixtures)
    all_passed,
    counts,
    english,
    lines_of,
    order,
    passed,
    people,
    set_tolerance,
    ship_kwargs,
)

pytestmark = pytest.mark.django_db
TODAY = clock.today  # read at each use: a run may cross midnight in the company's time


def _payload(order, quantities, **overrides):
    data = {"carrier": "顺丰速运", "packages_count": 1, "shipped_on": TODAY().isoformat(),
            "lines": [{"order_line_id": line.pk, "quantity": str(q)}
                      for line, q in quantities.items()]}
    data.update(overrides)
    return data


# API

def test_api_ship_list_detail_status_deliver_and_proof(order, people, salesperson):
    all_passed(order)
    first = lines_of(order)[0]
    api = Api(people["logistics"])
    created = api.post(f"/api/orders/{order.pk}/shipments", _payload(order, {first: 30}))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("SH-") and body["status"] == "shipped"
    assert [(x["order_line_id"], Decimal(x["quantity"])) for x in body["lines"]] == \
        [(first.pk, Decimal(30))]
    listed = Api(salesperson).get(f"/api/orders/{order.pk}/shipments")
    assert [s["id"] for s in listed.json()] == [body["id"]]
    assert Api(salesperson).get(f"/api/shipments/{body['id']}").json()["number"] == \
        body["number"]
    status = api.get(f"/api/orders/{order.pk}/shipping-status").json()
    assert [(Decimal(s["ordered"]), Decimal(s["shipped"]), Decimal(s["remaining"]))
            for s in status] == [(Decimal(100), Decimal(30), Decimal(70)),
                                 (Decimal(10), Decimal(0), Decimal(10))]
    delivered = api.upload(f"/api/shipments/{body['id']}/deliver",
                           delivered_on=TODAY().isoformat(), received_by="王经理",
                           proof_of_delivery=SimpleUploadedFile("pod.pdf", b"%PDF-1.4 ok",
                                                                "application/pdf"))
    assert delivered.status_code == 200, delivered.content
    assert (delivered.json()["status"], delivered.json()["has_proof"]) == ("delivered", True)
    proof = Api(salesperson).get(delivered.json()["proof_url"])
    assert proof.status_code == 200 and b"".join(proof.streaming_content) == b"%PDF-1.4 ok"
    again = api.upload(f"/api/shipments/{body['id']}/deliver", delivered_on=TODAY().isoformat())
    assert again.status_code == 409


def test_api_errors_422_403_404(order, people, salesperson, sales_head, customer, products):
    set_tolerance(5)
    first = lines_of(order)[0]
    passed(order, first, 200)
    before = counts()
    over = Api(people["logistics"]).post(f"/api/orders/{order.pk}/shipments",
                                         _payload(order, {first: 106}))
    assert over.status_code == 422
    assert "at most 105" in over.json()["errors"]["lines.0.quantity"][0]
    negative = Api(people["logistics"]).post(f"/api/orders/{order.pk}/shipments",
                                             _payload(order, {first: -1}, carrier=""))
    assert set(negative.json()["errors"]) == {"lines.0.quantity", "carrier"}
    assert Api(people["finance"]).post(f"/api/orders/{order.pk}/shipments",
                                       _payload(order, {first: 1})).status_code == 403
    stranger = make_user(Dept.SALES, Role.STAFF, username="sales9")
    assert Api(stranger).get(f"/api/orders/{order.pk}/shipments").status_code == 404
    assert Api(stranger).get(f"/api/orders/{order.pk}/shipping-status").status_code == 404
    assert counts() == before
    shipment = shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 1}))
    assert Api(stranger).get(f"/api/shipments/{shipment.pk}").status_code == 404
    assert Api(people["logistics"]).get(f"/api/shipments/{shipment.pk}/proof").status_code \
        == 404
    early = Api(people["logistics"]).upload(
        f"/api/shipments/{shipment.pk}/deliver",
        delivered_on=(TODAY() - dt.timedelta(days=1)).isoformat())
    assert early.status_code == 422 and list(early.json()["errors"]) == ["delivered_on"]


def test_api_execution_settings_admin_only(people):
    admin, other = Api(people["admin"]), Api(people["logistics"])
    assert other.get("/api/config/execution").status_code == 403
    assert other.put("/api/config/execution", {"shipment_tolerance_percent": 5}).status_code \
        == 403
    assert Decimal(admin.get("/api/config/execution").json()["shipment_tolerance_percent"]) == 0
    bad = admin.put("/api/config/execution", {"shipment_tolerance_percent": "101"})
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["shipment_tolerance_percent"]
    saved = admin.put("/api/config/execution", {"shipment_tolerance_percent": "5"})
    assert saved.status_code == 200
    assert Decimal(saved.json()["shipment_tolerance_percent"]) == Decimal(5)
    assert saved.json()["updated_by"]["username"] == "admin1"


# Web

def test_the_logistics_section_ships_with_one_input_per_line(client, order, people):
    all_passed(order)
    first, second = lines_of(order)
    package = package_of(order, "logistics")
    client.force_login(people["logistics"])
    page = client.get(f"/work-packages/{package.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="shipment-form"' in html
    assert f'name="qty-{first.pk}"' in html and f'name="qty-{second.pk}"' in html
    posted = client.post(f"/work-packages/{package.pk}/shipments/", {
        "carrier": "德邦物流", "packages_count": "3", "shipped_on": TODAY().isoformat(),
        f"qty-{first.pk}": "60", f"qty-{second.pk}": ""})
    assert posted.status_code == 302 and posted["Location"] == f"/work-packages/{package.pk}/"
    shipment = Shipment.objects.get(order=order)
    assert list(shipment.lines.values_list("order_line_id", "quantity")) == \
        [(first.pk, Decimal(60))]
    html = client.get(f"/work-packages/{package.pk}/").content.decode()
    assert shipment.number in html and 'data-testid="deliver-form"' in html


def test_the_shipment_form_shows_errors_by_line(client, order, people):
    first, second = lines_of(order)
    passed(order, first, 10)
    package = package_of(order, "logistics")
    client.force_login(people["logistics"])
    before = counts()
    page = client.post(f"/work-packages/{package.pk}/shipments/", {
        "carrier": "", "packages_count": "1", "shipped_on": TODAY().isoformat(),
        f"qty-{first.pk}": "11", f"qty-{second.pk}": "-1"})
    assert page.status_code == 422
    html = page.content.decode()
    assert f'data-error-for="line-{first.pk}"' in html and "only 10 passed" in html
    assert f'data-error-for="line-{second.pk}"' in html and 'data-error-for="carrier"' in html
    assert 'value="11"' in html  # the input is kept
    assert counts() == before


def test_delivery_with_proof_from_the_page_and_download(client, order, people, salesperson):
    all_passed(order)
    shipment = shipment_create(actor=people["logistics"],
                               **ship_kwargs(order, {lines_of(order)[0]: 5}))
    package = package_of(order, "logistics")
    client.force_login(people["logistics"])
    url = f"/work-packages/{package.pk}/shipments/{shipment.pk}/deliver/"
    bad = client.post(url, {"delivered_on": (TODAY() + dt.timedelta(days=2)).isoformat()})
    assert bad.status_code == 422 and 'data-error-for="delivered_on"' in bad.content.decode()
    done = client.post(url, {"delivered_on": TODAY().isoformat(), "received_by": "王经理",
                             "proof_of_delivery": SimpleUploadedFile("pod.pdf", b"%PDF-1.4",
                                                                     "application/pdf")})
    assert done.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED and shipment.proof_of_delivery
    client.force_login(salesperson)
    html = client.get(f"/work-packages/{package.pk}/").content.decode()
    assert f"/shipments/{shipment.pk}/proof/" in html
    assert 'data-testid="shipment-form"' not in html  # Sales sees, does not ship
    assert client.get(f"/shipments/{shipment.pk}/proof/").status_code == 200


def test_others_get_403_from_the_forms(client, order, people):
    all_passed(order)
    package = package_of(order, "logistics")
    client.force_login(people["finance"])
    refused = client.post(f"/work-packages/{package.pk}/shipments/", {
        "carrier": "x", "packages_count": "1", "shipped_on": TODAY().isoformat(),
        f"qty-{lines_of(order)[0].pk}": "1"})
    assert refused.status_code == 403 and not Shipment.objects.exists()


def test_the_tolerance_screen_is_for_admins(client, people):
    client.force_login(people["logistics"])
    assert client.get("/config/execution/").status_code == 403
    client.force_login(people["admin"])
    page = client.get("/config/execution/")
    assert page.status_code == 200 and 'name="shipment_tolerance_percent"' in \
        page.content.decode()
    bad = client.post("/config/execution/", {"shipment_tolerance_percent": "150"})
    assert bad.status_code == 422
    assert 'data-error-for="shipment_tolerance_percent"' in bad.content.decode()
    saved = client.post("/config/execution/", {"shipment_tolerance_percent": "5"})
    assert saved.status_code == 302 and saved["Location"] == "/config/execution/"
    assert ExecutionSettings.objects.get(pk=1).shipment_tolerance_percent == Decimal(5)


def test_api_open_shipments_across_orders_bounded(order, people, salesperson):
    all_passed(order)
    first = lines_of(order)[0]
    shipments = [shipment_create(actor=people["logistics"], **ship_kwargs(order, {first: 1}))
                 for _i in range(3)]
    api = Api(people["logistics"])
    listed = api.get("/api/shipments", status="shipped", limit=2)
    assert listed.status_code == 200
    assert [s["number"] for s in listed.json()] == [shipments[2].number, shipments[1].number]
    assert listed.json()[0]["order_number"] == order.number
    assert api.get("/api/shipments", status="lost").status_code == 422
    stranger = make_user(Dept.SALES, Role.STAFF, username="sales9")
    assert Api(stranger).get("/api/shipments").json() == []


def test_openapi_schema_has_the_logistics_and_finance_paths(people):
    schema = Api(people["admin"]).get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/orders/{order_id}/shipments", "/api/shipments/{shipment_id}/deliver",
                 "/api/orders/{order_id}/costs", "/api/orders/{order_id}/margin",
                 "/api/config/execution"):
        assert path in paths, sorted(p for p in paths if "ship" in p or "cost" in p)


def test_the_order_page_shows_the_logistics_summary_in_chinese(client, order, people,
                                                                salesperson):
    all_passed(order)
    shipment_create(actor=people["logistics"],
                    **ship_kwargs(order, {lines_of(order)[0]: 100}))
    client.force_login(salesperson)
    html = client.get(f"/orders/{order.pk}/", headers={"Accept-Language": "en"}) \
        .content.decode()
    assert "Shipped 1 of 2 lines, 0 delivered" in html
    package = package_of(order, "logistics")
    client.force_login(people["logistics"])
    from django.utils import translation
    with translation.override("zh-hans"):
        page = client.get(f"/work-packages/{package.pk}/", headers={"Accept-Language": "zh-hans"})
    assert page.status_code == 200
