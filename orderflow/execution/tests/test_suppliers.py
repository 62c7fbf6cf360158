"""Supplier master data (P5.2.1): Procurement and system admins maintain suppliers,
everyone logged in reads them; services and pages."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.execution.selectors import procurement as selectors
from orderflow.masterdata.models import Supplier
from orderflow.masterdata.services.suppliers import (
    supplier_create,
    supplier_set_active,
    supplier_update,
)
from orderflow.testing.factories import make_user

from .test_procurement_support import english_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(db):
    return make_user(Dept.PROCUREMENT, Role.STAFF, username="buyer")


@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin1")


def test_procurement_creates_a_supplier_and_it_is_audited(buyer):
    supplier = supplier_create(actor=buyer, code=" s-01 ", name="苏州精工钢材",
                               tax_id="91320500 MA1X", email="sales@jg.cn",
                               categories="钢材")
    assert (supplier.code, supplier.tax_id, supplier.is_active) == ("S-01", "91320500MA1X",
                                                                   True)
    event = AuditEvent.objects.get(action="supplier.created")
    assert event.actor == buyer and event.object_id == str(supplier.pk)


def test_bad_supplier_input_is_refused_field_by_field(buyer):
    supplier_create(actor=buyer, code="S1", name="甲")
    before = (Supplier.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        supplier_create(actor=buyer, code="s1", name="", email="not-an-email",
                        phone="1" * 40)
    assert exc.value.errors == {"code": ["A supplier with this code already exists."],
                                "name": ["This field is required."],
                                "email": ["Enter a valid email address."],
                                "phone": ["At most 32 characters."]}
    assert (Supplier.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("dept", [Dept.SALES, Dept.FINANCE, Dept.QUALITY])
def test_only_procurement_or_an_admin_maintains_suppliers(buyer, admin, dept):
    other = make_user(dept, Role.STAFF, username=f"{dept}-x")
    supplier = supplier_create(actor=buyer, code="S1", name="甲")
    with pytest.raises(NotPermitted):
        supplier_create(actor=other, code="S2", name="乙")
    with pytest.raises(NotPermitted):
        supplier_update(supplier_id=supplier.pk, actor=other, name="丙")
    with pytest.raises(NotPermitted):
        supplier_set_active(supplier_id=supplier.pk, actor=other, active=False)
    assert supplier_update(supplier_id=supplier.pk, actor=admin, name="丙").name == "丙"


def test_deactivating_is_audited_and_hides_it_from_the_active_list(buyer):
    supplier = supplier_create(actor=buyer, code="S1", name="甲")
    supplier_set_active(supplier_id=supplier.pk, actor=buyer, active=False)
    assert not Supplier.objects.get().is_active
    assert AuditEvent.objects.filter(action="supplier.deactivated").count() == 1
    supplier_set_active(supplier_id=supplier.pk, actor=buyer, active=False)   # no change
    assert AuditEvent.objects.filter(action="supplier.deactivated").count() == 1
    assert list(selectors.supplier_list(buyer)) == []
    assert list(selectors.supplier_list(buyer, status="inactive")) == [supplier]
    assert selectors.supplier_choices(buyer) == []


def test_the_supplier_pages(client, buyer, salesperson):
    client.force_login(buyer)
    assert client.get("/suppliers/new/").status_code == 200
    response = client.post("/suppliers/new/", {"code": "", "name": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    response = client.post("/suppliers/new/", {"code": "S9", "name": "无锡轴承厂",
                                               "categories": "轴承"})
    supplier = Supplier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/suppliers/{supplier.pk}/"
    response = client.post(f"/suppliers/{supplier.pk}/edit/", {
        "code": "S9", "name": "无锡轴承厂", "is_active": "0"})
    assert response.status_code == 302 and not Supplier.objects.get().is_active
    client.force_login(salesperson)
    html = client.get("/suppliers/", {"q": "轴承", "status": "all"}).content.decode()
    assert "无锡轴承厂" in html and 'data-testid="new-supplier"' not in html
    assert client.get(f"/suppliers/{supplier.pk}/").status_code == 200
    assert client.get("/suppliers/new/").status_code == 403
    assert client.get(f"/suppliers/{supplier.pk}/edit/").status_code == 403
    assert client.get("/suppliers/999999/").status_code == 404
