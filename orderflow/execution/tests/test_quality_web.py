"""Quality's section of the work-package page and the statistics page (P5.3, P5.4.2)."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core import clock
from orderflow.execution.models.quality import (
    Concession,
    InspectionPlanItem,
    InspectionRecord,
    NonconformanceNotice,
)
from orderflow.execution.services import quality as svc
from orderflow.testing.execution import members, package_of, released_order
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people():
    return members("quality", "production")


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "quality"])


@pytest.fixture
def page(order):
    return f"/work-packages/{package_of(order, 'quality').pk}/"


def url(page, form, key=None):
    return f"{page}quality/{form}/" + (f"{key}/" if key else "")


def test_quality_sees_its_section_with_forms(client, order, people, page):
    client.force_login(people["quality"])
    html = client.get(page).content.decode()
    for testid in ("quality-summary", "plan-form", "inspection-form", "concession-form"):
        assert f'data-testid="{testid}"' in html
    assert "0 of 2 lines passed final inspection" in html


def test_others_see_the_section_without_quality_forms(client, order, people, page):
    client.force_login(people["production"])
    html = client.get(page).content.decode()
    assert 'data-testid="quality-plan"' in html
    assert 'data-testid="plan-form"' not in html and 'data-testid="inspection-form"' not in html


def test_the_plan_form_adds_an_item_and_redirects(client, order, people, page):
    client.force_login(people["quality"])
    response = client.post(url(page, "plan"), {"item": "外形尺寸", "method": "卡尺",
                                                "frequency": "每批", "order_line_id": ""})
    assert response.status_code == 302 and response["Location"] == page
    assert InspectionPlanItem.objects.get().item == "外形尺寸"
    assert "外形尺寸" in client.get(page).content.decode()


def test_a_bad_inspection_comes_back_with_its_field_errors(client, order, people, page):
    client.force_login(people["quality"])
    response = client.post(url(page, "inspection"), {
        "order_line_id": order.lines.first().pk, "stage": "final",
        "inspected_on": clock.today().isoformat(), "quantity_inspected": "5",
        "quantity_passed": "3", "quantity_failed": "1"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-error-for="quantity_failed"' in html and 'value="5"' in html
    assert not InspectionRecord.objects.exists()


def test_inspection_report_and_pdf_from_the_page(client, order, people, page,
                                                 django_capture_on_commit_callbacks):
    client.force_login(people["quality"])
    line = order.lines.first()
    assert client.post(url(page, "inspection"), {
        "order_line_id": line.pk, "stage": "final", "inspected_on": clock.today().isoformat(),
        "quantity_inspected": "2", "quantity_passed": "2", "quantity_failed": "0"}
    ).status_code == 302
    record = InspectionRecord.objects.get()
    empty = client.post(url(page, "report", record.pk), {"conclusion": ""})
    assert empty.status_code == 422 and 'data-error-for="conclusion"' in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as rendering:
        assert client.post(url(page, "report", record.pk),
                           {"conclusion": "合格"}).status_code == 302
    record.refresh_from_db()
    # until the worker has rendered it, there is no PDF to download
    assert client.get(f"/quality/inspection-reports/{record.report.pk}/pdf/"
                      ).status_code == 404
    rendering[0]()
    pdf = client.get(f"/quality/inspection-reports/{record.report.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # Production may not issue reports: 403
    client.force_login(people["production"])
    other = svc.inspection_record_add(
        order_id=order.pk, actor=people["quality"], order_line_id=line.pk, stage="final",
        inspected_on=clock.today(), quantity_inspected="1", quantity_passed="1",
        quantity_failed="0")
    assert client.post(url(page, "report", other.pk), {"conclusion": "x"}).status_code == 403


def test_notice_action_close_and_concession_forms(client, order, people, page, salesperson):
    quality = people["quality"]
    head = make_user(Dept.QUALITY, Role.DEPT_HEAD, username="qualityhead")
    line = order.lines.first()
    record = svc.inspection_record_add(
        order_id=order.pk, actor=quality, order_line_id=line.pk, stage="final",
        inspected_on=clock.today(), quantity_inspected="2", quantity_passed="1",
        quantity_failed="1", findings="划痕")
    client.force_login(quality)
    assert 'data-testid="nc-form"' in client.get(page).content.decode()
    assert client.post(url(page, "nonconformance", record.pk),
                       {"description": "划痕", "quantity": "1"}).status_code == 302
    notice = NonconformanceNotice.objects.get()
    # the whole failed quantity has its notice: no second one offered
    assert 'data-testid="nc-form"' not in client.get(page).content.decode()
    client.force_login(people["production"])
    assert 'data-testid="action-form"' in client.get(page).content.decode()
    assert client.post(url(page, "action", notice.pk),
                       {"cause": "刀具", "corrective_action": "返工"}).status_code == 302
    again = svc.inspection_record_add(
        order_id=order.pk, actor=quality, order_line_id=line.pk, stage="final",
        inspected_on=clock.today(), quantity_inspected="1", quantity_passed="1",
        quantity_failed="0", reinspection_of_id=notice.pk)
    client.force_login(quality)
    assert client.post(url(page, "close", notice.pk),
                       {"reinspection_record_id": again.pk}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == "closed"
    # the salesperson asks for a concession on line 2; the head rejects without a note: 422
    client.force_login(salesperson)
    assert client.post(url(page, "concession"), {
        "order_line_id": order.lines.last().pk, "quantity": "1",
        "reason": "客户急需"}).status_code == 302
    concession = Concession.objects.get()
    client.force_login(head)
    assert 'data-testid="decide-form"' in client.get(page).content.decode()
    rejected = client.post(url(page, "decide", concession.pk), {"approve": "0", "note": ""})
    assert rejected.status_code == 422
    assert client.post(url(page, "decide", concession.pk),
                       {"approve": "1", "note": ""}).status_code == 302
    concession.refresh_from_db()
    assert concession.status == "approved"


def test_the_statistics_page_table_and_excel(client, order, people):
    quality = people["quality"]
    record = svc.inspection_record_add(
        order_id=order.pk, actor=quality, order_line_id=order.lines.first().pk, stage="final",
        inspected_on=clock.today(), quantity_inspected="2", quantity_passed="0",
        quantity_failed="2", findings="x")
    svc.nonconformance_issue(record_id=record.pk, actor=quality, description="x", quantity="2")
    client.force_login(quality)
    response = client.get("/quality/nonconformance-statistics/")
    assert response.status_code == 200
    month = clock.today().strftime("%Y-%m")
    html = response.content.decode()
    assert 'data-testid="stats-table"' in html and 'data-count="1"' in html
    assert f'data-open-nc="{NonconformanceNotice.objects.get().pk}"' in html
    export = client.get("/quality/nonconformance-statistics/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Month" and rows[1][0] == month and rows[1][3] == 1
    # Sales has no business with it
    client.force_login(order.salesperson)
    assert client.get("/quality/nonconformance-statistics/").status_code == 403
