"""Release pages (P4.2): the order page's work packages, print log and customer
confirmation, the department workspace, and the release configuration (P11)."""

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
from orderflow.release.services.printing import company_profile_update
from orderflow.testing.factories import ContactFactory, make_user

pytestmark = pytest.mark.django_db

SEAL_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
            b'<circle cx="50" cy="50" r="45" fill="none" stroke="red" stroke-width="5"/></svg>')


@pytest.fixture
def production(db):
    return make_user(Dept.PRODUCTION, Role.STAFF, username="prod1", full_name="赵工")


@pytest.fixture
def finance(db):
    return make_user(Dept.FINANCE, Role.STAFF, username="fin1", full_name="钱会计")


@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin1")


@pytest.fixture
def released(salesperson, sales_head, customer, products, production, finance):
    """Given: an order released to Production and Finance (P4.2.1)."""
    ReleaseRoute.objects.filter(order_type="standard").update(
        departments=["production", "finance"])
    contact = ContactFactory(customer=customer, email="wang@example.com")
    order = put_in_state(make_order(salesperson, customer, products, contact_id=contact.pk),
                         State.APPROVED)
    return order_release(order_id=order.pk, actor=sales_head)


def package(order, code) -> WorkPackage:
    return WorkPackage.objects.get(order=order, department__code=code)


def seal_on_file(admin):
    company_profile_update(actor=admin, name="恒通精密机械有限公司",
                           seal_upload=SimpleUploadedFile("seal.svg", SEAL_SVG,
                                                          "image/svg+xml"))


# The order page

def test_the_order_page_shows_the_packages_with_the_department_s_buttons(
        client_as, released, production):
    response = client_as(production).get(f"/orders/{released.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="release-panel"' in html
    assert f'data-package="{package(released, "production").pk}"' in html
    # Production may start or block its own package, not Finance's.
    prod, fin = package(released, "production"), package(released, "finance")
    assert f"/work-packages/{prod.pk}/start/" in html
    assert f"/work-packages/{prod.pk}/block/" in html
    assert f"/work-packages/{fin.pk}/start/" not in html
    # the printed order holds prices: Production may not print it (P9.2.2)
    assert 'data-testid="print-panel"' not in html


def test_starting_a_package_with_htmx_returns_the_panel(client_as, released, production):
    prod = package(released, "production")

    response = client_as(production).post(
        f"/orders/{released.pk}/work-packages/{prod.pk}/start/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div class="card mb-3" id="release-panel"')
    assert f'data-package="{prod.pk}" data-package-status="in_progress"' in html
    prod.refresh_from_db()
    assert prod.status == "in_progress"
    # P5: the first start puts the order in execution.
    assert Order.objects.get(pk=released.pk).status == State.IN_EXECUTION


def test_completing_another_department_s_package_is_403(client_as, released, production,
                                                          finance):
    fin = package(released, "finance")
    package_start(package_id=fin.pk, actor=finance)
    events = AuditEvent.objects.count()

    response = client_as(production).post(
        f"/orders/{released.pk}/work-packages/{fin.pk}/complete/")

    assert response.status_code == 403
    fin.refresh_from_db()
    assert (fin.status, AuditEvent.objects.count()) == ("in_progress", events)


def test_blocking_without_a_reason_shows_the_error_under_the_package(client_as, released,
                                                                      production):
    prod = package(released, "production")

    response = client_as(production).post(
        f"/orders/{released.pk}/work-packages/{prod.pk}/block/", {"reason": " "},
        HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'data-error-for="reason"' in response.content.decode()
    prod.refresh_from_db()
    assert prod.status == "planned"


def test_blocking_with_a_reason_shows_it(client_as, released, production):
    prod = package(released, "production")

    response = client_as(production).post(
        f"/orders/{released.pk}/work-packages/{prod.pk}/block/", {"reason": "缺少图纸"})

    assert response.status_code == 302
    prod.refresh_from_db()
    assert (prod.status, prod.blocked_reason) == ("blocked", "缺少图纸")
    page = client_as(production).get(f"/orders/{released.pk}/").content.decode()
    assert "缺少图纸" in page


def test_a_package_of_an_invisible_order_is_404(client_as, released):
    outsider = make_user(Dept.MARKETING, Role.STAFF, username="mkt1")
    prod = package(released, "production")

    response = client_as(outsider).post(
        f"/orders/{released.pk}/work-packages/{prod.pk}/start/")

    assert response.status_code == 404
    prod.refresh_from_db()
    assert prod.status == "planned"


# Printing

def test_printing_a_copy_downloads_the_pdf(client_as, released, salesperson):
    response = client_as(salesperson).post(f"/orders/{released.pk}/prints/")

    printed = OrderPrint.objects.get(order=released)
    assert (printed.copy_number, printed.sealed, printed.printed_by_id) == (
        0, False, salesperson.pk)
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{released.pk}/prints/{printed.pk}/pdf"
    pdf = client_as(salesperson).get(response["Location"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_print_log_shows_the_code_and_the_sealed_button_only_to_the_seal_keeper(
        client_as, released, salesperson, admin):
    seal_on_file(admin)
    keeper = make_user(Dept.FINANCE, Role.DEPT_HEAD, Role.SEAL_KEEPER, username="keeper")
    client = client_as(keeper)

    response = client.post(f"/orders/{released.pk}/prints/", {"sealed": "1"},
                           HTTP_HX_REQUEST="true")

    printed = OrderPrint.objects.get(order=released)
    assert printed.sealed is True
    html = response.content.decode()
    assert printed.code in html
    assert f'data-download="{printed.pk}"' in html
    assert 'data-print="sealed"' in html
    page = client_as(salesperson).get(f"/orders/{released.pk}/").content.decode()
    assert printed.code in page
    assert 'data-print="sealed"' not in page


def test_a_sealed_print_by_someone_else_is_403(client_as, released, salesperson, admin):
    seal_on_file(admin)

    response = client_as(salesperson).post(f"/orders/{released.pk}/prints/", {"sealed": "1"})

    assert response.status_code == 403
    assert not OrderPrint.objects.exists()


# Customer confirmation (P4.2.2)

def test_the_salesperson_records_the_confirmation_and_sees_the_email(client_as, released,
                                                                      salesperson):
    client = client_as(salesperson)

    response = client.post(f"/orders/{released.pk}/confirmations/",
                           {"channel": "phone", "contact_name": "王经理", "note": "已确认交期",
                            "send_email": "1"})

    assert response.status_code == 302
    confirmation = CustomerConfirmation.objects.get(order=released)
    assert (confirmation.channel, confirmation.contact_name, confirmation.email_to) == (
        "phone", "王经理", "wang@example.com")
    page = client.get(f"/orders/{released.pk}/").content.decode()
    assert 'data-email-to="wang@example.com"' in page
    assert "已确认交期" in page


def test_a_bad_channel_shows_the_form_again(client_as, released, salesperson):
    response = client_as(salesperson).post(f"/orders/{released.pk}/confirmations/",
                                           {"channel": "pigeon"})

    assert response.status_code == 200
    assert 'data-error-for="channel"' in response.content.decode()
    assert not CustomerConfirmation.objects.exists()


# The department workspace

def test_the_workspace_lists_the_department_s_packages_late_first(
        client_as, released, production, salesperson, sales_head, customer, products):
    late = put_in_state(make_order(salesperson, customer, products,
                                   delivery_date=dt.date.today() + dt.timedelta(days=1)),
                        State.APPROVED)
    order_release(order_id=late.pk, actor=sales_head)
    WorkPackage.objects.filter(order=late).update(due_date=dt.date.today() - dt.timedelta(1))

    response = client_as(production).get("/workspace/")

    assert response.status_code == 200
    html = response.content.decode()
    late_pkg, on_time = package(late, "production"), package(released, "production")
    assert html.index(f'data-package="{late_pkg.pk}"') < html.index(
        f'data-package="{on_time.pk}"')
    assert "data-late" in html
    assert f'data-package="{package(released, "finance").pk}"' not in html


def test_the_workspace_filters_by_status(client_as, released, production):
    prod = package(released, "production")

    planned = client_as(production).get("/workspace/?status=planned").content.decode()
    done = client_as(production).get("/workspace/?status=done").content.decode()

    assert f'data-package="{prod.pk}"' in planned
    assert f'data-package="{prod.pk}"' not in done


def test_the_workspace_costs_the_same_queries_for_one_or_many_packages(
        client_as, production, salesperson, sales_head, customer, products,
        django_assert_num_queries):
    ReleaseRoute.objects.filter(order_type="standard").update(departments=["production"])

    def release_one():
        order = put_in_state(make_order(salesperson, customer, products), State.APPROVED)
        order_release(order_id=order.pk, actor=sales_head)

    release_one()
    client = client_as(production)
    client.get("/workspace/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get("/workspace/")
    for _ in range(4):
        release_one()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/workspace/")
    assert response.content.decode().count("data-package=") == 5


# Configuration

def test_the_admin_sets_the_release_route(client_as, admin):
    response = client_as(admin).post("/config/release/routes/", {
        "route-standard": ["production", "quality"],
        **{f"route-{t}": list(ReleaseRoute.objects.get(order_type=t).departments)
           for t in ("customised", "sample", "service")}})

    assert response.status_code == 302
    assert ReleaseRoute.objects.get(order_type="standard").departments == [
        "production", "quality"]


def test_an_unknown_placeholder_is_refused_in_the_email_template(client_as, admin):
    before = CustomerEmailTemplate.objects.get(pk=1).body

    response = client_as(admin).post("/config/release/email/",
                                     {"subject": "订单 {order_number}", "body": "{price}"})

    assert response.status_code == 422
    assert 'data-error-for="body"' in response.content.decode()
    assert CustomerEmailTemplate.objects.get(pk=1).body == before


def test_the_admin_saves_the_company_profile_with_its_seal(client_as, admin):
    client = client_as(admin)

    response = client.post("/config/release/company/", {
        "name": "恒通精密机械有限公司", "name_en": "Hengtong", "address": "苏州",
        "phone": "0512-1", "seal": SimpleUploadedFile("seal.svg", SEAL_SVG, "image/svg+xml")})

    assert response.status_code == 302
    profile = CompanyProfile.objects.get(pk=1)
    assert (profile.name, profile.phone, bool(profile.seal)) == (
        "恒通精密机械有限公司", "0512-1", True)
    page = client.get("/config/release/").content.decode()
    assert 'data-testid="current-seal"' in page
    assert client.get("/config/release/seal").status_code == 200


def test_the_release_configuration_is_for_admins_only(client_as, salesperson):
    assert client_as(salesperson).get("/config/release/").status_code == 403
