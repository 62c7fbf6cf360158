"""Release over the JSON API (P4.2): releasing, work packages, the workspace, printing,
customer confirmations and the release configuration (P11)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.release.models import (
    CompanyProfile,
    CustomerConfirmation,
    CustomerEmailTemplate,
    OrderPrint,
    ReleaseRoute,
    WorkPackage,
)
from orderflow.release.services import order_release, package_start
from orderflow.testing.factories import ContactFactory, make_user

from .conftest import Api

pytestmark = pytest.mark.django_db

SEAL_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
            b'<circle cx="50" cy="50" r="45" fill="none" stroke="red" stroke-width="5"/></svg>')


@pytest.fixture
def production(db):
    return make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")


@pytest.fixture
def finance(db):
    return make_user(Dept.FINANCE, Role.STAFF, username="fin1")


@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin1")


def approved(salesperson, customer, products, **overrides):
    ReleaseRoute.objects.filter(order_type="standard").update(
        departments=["production", "finance"])
    contact = ContactFactory(customer=customer, email="wang@example.com")
    return put_in_state(make_order(salesperson, customer, products, contact_id=contact.pk,
                                   **overrides), State.APPROVED)


@pytest.fixture
def released(salesperson, sales_head, customer, products, production, finance):
    order = approved(salesperson, customer, products)
    return order_release(order_id=order.pk, actor=sales_head)


def package(order, code) -> WorkPackage:
    return WorkPackage.objects.get(order=order, department__code=code)


# Release and work packages

def test_the_sales_head_releases_through_the_order_action(salesperson, sales_head, customer,
                                                          products, production, finance):
    order = approved(salesperson, customer, products)

    response = Api(sales_head).post(f"/api/orders/{order.pk}/actions/release")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == State.RELEASED
    packages = Api(production).get(f"/api/orders/{order.pk}/work-packages").json()
    assert [(p["department"]["code"], p["status"], p["revision"]) for p in packages] == [
        ("production", "planned", 1), ("finance", "planned", 1)]
    assert [p["actions"] for p in packages] == [["start", "block"], []]


@pytest.mark.usefixtures("without_completion_guards")
def test_start_block_unblock_complete(released, production):
    api, pkg = Api(production), package(released, "production")

    started = api.post(f"/api/work-packages/{pkg.pk}/start")
    blocked = api.post(f"/api/work-packages/{pkg.pk}/block", {"reason": "等待原材料"})
    unblocked = api.post(f"/api/work-packages/{pkg.pk}/unblock")
    completed = api.post(f"/api/work-packages/{pkg.pk}/complete")

    assert [r.status_code for r in (started, blocked, unblocked, completed)] == [200] * 4
    assert [r.json()["status"] for r in (started, blocked, unblocked, completed)] == [
        "in_progress", "blocked", "in_progress", "done"]
    assert blocked.json()["blocked_reason"] == "等待原材料"
    body = completed.json()
    assert (body["actions"], body["started_at"] is not None, body["done_at"] is not None) == (
        [], True, True)
    # Finance has not finished: the order is still in execution (P5).
    assert Order.objects.get(pk=released.pk).status == State.IN_EXECUTION


def test_production_may_not_complete_the_finance_package(released, production, finance):
    pkg = package(released, "finance")
    package_start(package_id=pkg.pk, actor=finance)
    events = AuditEvent.objects.count()

    response = Api(production).post(f"/api/work-packages/{pkg.pk}/complete")

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    pkg.refresh_from_db()
    assert (pkg.status, AuditEvent.objects.count()) == ("in_progress", events)


def test_blocking_needs_a_reason(released, production):
    pkg = package(released, "production")

    response = Api(production).post(f"/api/work-packages/{pkg.pk}/block", {})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["reason"]
    pkg.refresh_from_db()
    assert pkg.status == "planned"


def test_packages_of_an_invisible_order_are_404(released):
    outsider = Api(make_user(Dept.MARKETING, Role.STAFF, username="mkt1"))
    pkg = package(released, "production")

    assert outsider.get(f"/api/orders/{released.pk}/work-packages").status_code == 404
    assert outsider.post(f"/api/work-packages/{pkg.pk}/start").status_code == 404
    pkg.refresh_from_db()
    assert pkg.status == "planned"


# The workspace

def test_the_workspace_lists_late_packages_first_with_their_order(
        released, production, salesperson, sales_head, customer, products):
    late = approved(salesperson, customer, products)
    order_release(order_id=late.pk, actor=sales_head)
    WorkPackage.objects.filter(order=late).update(due_date=dt.date.today() - dt.timedelta(1))

    response = Api(production).get("/api/workspace")

    assert response.status_code == 200
    body = response.json()
    assert [(p["order"]["number"], p["late"]) for p in body] == [
        (late.number, True), (released.number, False)]
    assert {p["department"]["code"] for p in body} == {"production"}
    filtered = Api(production).get("/api/workspace", status="done").json()
    assert filtered == []


def test_the_workspace_costs_the_same_queries_for_one_or_many_packages(
        production, salesperson, sales_head, customer, products):
    api = Api(production)

    def release_one():
        order = approved(salesperson, customer, products)
        order_release(order_id=order.pk, actor=sales_head)

    release_one()
    api.get("/api/workspace")
    with CaptureQueriesContext(connection) as one:
        api.get("/api/workspace")
    for _ in range(5):
        release_one()
    with CaptureQueriesContext(connection) as six:
        response = api.get("/api/workspace")

    assert len(response.json()) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


# Printing

def test_printing_returns_the_print_with_its_code_and_the_pdf(released, salesperson):
    api = Api(salesperson)

    first = api.post(f"/api/orders/{released.pk}/prints", {"sealed": False})
    second = api.post(f"/api/orders/{released.pk}/prints", {})

    assert (first.status_code, second.status_code) == (201, 201)
    stored = OrderPrint.objects.get(pk=first.json()["id"])
    assert first.json()["code"] == stored.code and len(stored.code) == 12
    assert [(r.json()["copy_number"], r.json()["original"], r.json()["sealed"])
            for r in (first, second)] == [(0, True, False), (1, False, False)]
    log = api.get(f"/api/orders/{released.pk}/prints").json()
    assert [p["copy_number"] for p in log] == [1, 0]
    pdf = api.get(first.json()["pdf_url"])
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_only_the_seal_keeper_prints_sealed(released, salesperson, admin):
    Api(admin).upload("/api/config/company-profile/seal",
                      file=SimpleUploadedFile("seal.svg", SEAL_SVG, "image/svg+xml"))
    keeper = make_user(Dept.FINANCE, Role.DEPT_HEAD, Role.SEAL_KEEPER, username="keeper")

    refused = Api(salesperson).post(f"/api/orders/{released.pk}/prints", {"sealed": True})
    sealed = Api(keeper).post(f"/api/orders/{released.pk}/prints", {"sealed": True})

    assert refused.status_code == 403
    assert (sealed.status_code, sealed.json()["sealed"]) == (201, True)
    assert OrderPrint.objects.count() == 1


def test_the_pdf_of_an_invisible_order_is_404(released, salesperson):
    printed = Api(salesperson).post(f"/api/orders/{released.pk}/prints", {}).json()
    outsider = Api(make_user(Dept.MARKETING, Role.STAFF, username="mkt1"))

    assert outsider.get(f"/api/prints/{printed['id']}/pdf").status_code == 404
    assert outsider.get(f"/api/orders/{released.pk}/prints").status_code == 404


# Customer confirmation (P4.2.2)

def test_the_salesperson_records_the_confirmation_with_the_email(released, salesperson):
    api = Api(salesperson)

    response = api.post(f"/api/orders/{released.pk}/customer-confirmations",
                        {"channel": "phone", "contact_name": "王经理", "note": "已确认"})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["channel"], body["contact_name"], body["email_to"], body["revision"]) == (
        "phone", "王经理", "wang@example.com", 1)
    assert released.number in body["email_subject"] + body["email_body"]
    assert [c["id"] for c in api.get(
        f"/api/orders/{released.pk}/customer-confirmations").json()] == [body["id"]]


def test_a_confirmation_with_a_bad_channel_is_422(released, salesperson):
    response = Api(salesperson).post(f"/api/orders/{released.pk}/customer-confirmations",
                                     {"channel": "pigeon", "send_email": False})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["channel"]
    assert not CustomerConfirmation.objects.exists()


# Configuration

def test_the_admin_reads_and_sets_a_release_route(admin):
    api = Api(admin)

    response = api.put("/api/config/release-routes/sample", {"departments": ["production"]})

    assert response.status_code == 200, response.json()
    assert (response.json()["departments"], response.json()["updated_by"]["username"]) == (
        ["production"], "admin1")
    routes = {r["order_type"]: r["departments"] for r in api.get(
        "/api/config/release-routes").json()}
    assert routes["sample"] == ["production"]


def test_the_email_template_refuses_unknown_placeholders(admin):
    api = Api(admin)
    before = CustomerEmailTemplate.objects.get(pk=1).body

    refused = api.put("/api/config/customer-email-template",
                      {"subject": "订单 {order_number}", "body": "{price}"})
    saved = api.put("/api/config/customer-email-template",
                    {"subject": "订单 {order_number}", "body": "交期 {delivery_date}"})

    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["body"]
    assert saved.status_code == 200
    assert (saved.json()["subject"], saved.json()["body"]) == (
        "订单 {order_number}", "交期 {delivery_date}")
    assert "progress" in saved.json()["placeholders"]
    assert CustomerEmailTemplate.objects.get(pk=1).body != before


def test_the_company_profile_and_seal(admin):
    api = Api(admin)

    saved = api.put("/api/config/company-profile", {"name": "恒通精密", "phone": "0512-1"})
    sealed = api.upload("/api/config/company-profile/seal",
                        file=SimpleUploadedFile("seal.svg", SEAL_SVG, "image/svg+xml"))

    assert (saved.status_code, saved.json()["name"], saved.json()["has_seal"]) == (
        200, "恒通精密", False)
    assert (sealed.status_code, sealed.json()["has_seal"], sealed.json()["name"]) == (
        200, True, "恒通精密")
    assert CompanyProfile.objects.get(pk=1).phone == "0512-1"


def test_configuration_is_for_admins_only(salesperson):
    api = Api(salesperson)

    assert api.get("/api/config/release-routes").status_code == 403
    assert api.put("/api/config/release-routes/sample",
                   {"departments": ["production"]}).status_code == 403
    assert api.get("/api/config/company-profile").status_code == 403
