"""Quality services (P5.3, P5.4.2): plan, inspections, reports, nonconformance notices to
closure, concessions, the completion guard. Given / when / then; refused writes leave every
row and the audit chain unchanged."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.execution.models.quality import (
    Concession,
    InspectionPlanItem,
    InspectionRecord,
    InspectionReport,
    NonconformanceNotice,
)
from orderflow.execution.services import quality as svc
from orderflow.notifications.models import Notification
from orderflow.release.services import package_complete, package_start
from orderflow.testing.execution import members, package_of, released_order
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db
QUALITY_MODELS = (InspectionPlanItem, InspectionRecord, InspectionReport, NonconformanceNotice,
                  Concession, AuditEvent, Notification)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people():
    return members("quality", "production", "procurement")


@pytest.fixture
def quality_head():
    return make_user(Dept.QUALITY, Role.DEPT_HEAD, username="qualityhead")


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "quality"])


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in QUALITY_MODELS}


def line(order, position=1):
    return order.lines.get(position=position)


def inspect(order, actor, *, position=1, stage="final", inspected="2", passed="2", failed="0",
            **extra):
    return svc.inspection_record_add(
        order_id=order.pk, actor=actor, order_line_id=line(order, position).pk, stage=stage,
        inspected_on=clock.today(), quantity_inspected=inspected, quantity_passed=passed,
        quantity_failed=failed, findings=extra.pop("findings", "划痕" if failed != "0" else ""),
        **extra)


def failed_notice(order, quality, *, quantity="1"):
    record = inspect(order, quality, inspected="2", passed="1", failed="1")
    return svc.nonconformance_issue(record_id=record.pk, actor=quality,
                                    description="表面划痕超标", quantity=quantity)


# P5.3.1 the inspection plan

def test_quality_adds_inspection_plan_items_in_order(order, people):
    first = svc.inspection_plan_item_add(order_id=order.pk, actor=people["quality"],
                                         item="外形尺寸", method="游标卡尺", frequency="每批 10%")
    second = svc.inspection_plan_item_add(order_id=order.pk, actor=people["quality"],
                                          item="硬度", method="洛氏硬度计", frequency="每批 3 件",
                                          order_line_id=line(order).pk)
    assert (first.position, second.position) == (1, 2)
    assert second.order_line_id == line(order).pk
    assert AuditEvent.objects.filter(action="quality.plan_item_added").count() == 2


@pytest.mark.parametrize("dept", ["production", "procurement"])
def test_only_quality_plans_inspections_p5_3_1(order, people, dept):
    before = counts()
    with pytest.raises(NotPermitted):
        svc.inspection_plan_item_add(order_id=order.pk, actor=people[dept], item="x",
                                     method="y", frequency="z")
    assert counts() == before


def test_a_plan_item_needs_item_method_frequency(order, people):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.inspection_plan_item_add(order_id=order.pk, actor=people["quality"], item=" ",
                                     method="", frequency="", order_line_id=999999)
    assert set(exc.value.errors) == {"item", "method", "frequency", "order_line_id"}
    assert counts() == before


# P5.3.2 inspection records

def test_an_inspection_result_follows_from_the_quantities(order, people):
    passed = inspect(order, people["quality"])
    failed = inspect(order, people["quality"], inspected="2", passed="1.5", failed="0.5")
    assert (passed.result, failed.result) == ("pass", "fail")
    assert failed.quantity_passed == Decimal("1.500")
    event = AuditEvent.objects.filter(action="quality.inspection_recorded").last()
    assert event.to_state == "fail" and event.data["quantity_failed"] == "0.500"


def test_bad_inspection_input_gives_every_field_error_and_writes_nothing(order, people):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.inspection_record_add(
            order_id=order.pk, actor=people["quality"], order_line_id=line(order).pk,
            stage="later", inspected_on=clock.today() + dt.timedelta(days=1),
            quantity_inspected="0", quantity_passed="-1", quantity_failed="1")
    errors = exc.value.errors
    assert set(errors) == {"stage", "inspected_on", "quantity_inspected", "quantity_passed",
                           "findings"}
    assert errors["inspected_on"] == ["The inspection date cannot be in the future."]
    assert counts() == before


def test_passed_and_failed_must_add_up_to_the_inspected(order, people):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        inspect(order, people["quality"], inspected="5", passed="3", failed="1")
    assert exc.value.errors == {"quantity_failed": [
        "Passed and failed must add up to the quantity inspected (5)."]}
    assert counts() == before


def test_an_inspection_is_of_a_line_of_this_order(order, people, salesperson, sales_head,
                                                  customer, products):
    other = released_order(salesperson, customer, products, sales_head,
                           departments=["production", "quality"])
    with pytest.raises(ValidationFailed) as exc:
        svc.inspection_record_add(
            order_id=order.pk, actor=people["quality"], order_line_id=line(other).pk,
            stage="final", inspected_on=clock.today(), quantity_inspected="1",
            quantity_passed="1", quantity_failed="0")
    assert list(exc.value.errors) == ["order_line_id"]


@pytest.mark.parametrize("dept", ["production", "procurement"])
def test_only_quality_records_inspections_p5_3_2(order, people, dept):
    before = counts()
    with pytest.raises(NotPermitted):
        inspect(order, people[dept])
    assert counts() == before


# P5.3.2 the inspection report

def test_quality_issues_the_report_of_a_passed_inspection_as_pdf(
        order, people, django_capture_on_commit_callbacks):
    record = inspect(order, people["quality"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = svc.inspection_report_issue(record_id=record.pk, actor=people["quality"],
                                             conclusion="检验合格，准予放行")
    assert report.number == f"IR-{clock.today().year}-00001"
    event = AuditEvent.objects.get(action="quality.report_issued")
    assert event.data["number"] == report.number
    # the worker renders the PDF once the issue has committed
    assert not report.file and len(callbacks) == 1
    callbacks[0]()
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert AuditEvent.objects.filter(action="quality.report_rendered").count() == 1
    # rendering again changes nothing
    assert svc.inspection_report_render(report_id=report.pk).file.name == report.file.name
    assert AuditEvent.objects.filter(action="quality.report_rendered").count() == 1
    # one report per inspection
    with pytest.raises(TransitionNotAllowed):
        svc.inspection_report_issue(record_id=record.pk, actor=people["quality"],
                                    conclusion="again")


def test_a_failed_inspection_gets_no_report(order, people):
    record = inspect(order, people["quality"], inspected="2", passed="1", failed="1")
    with pytest.raises(TransitionNotAllowed):
        svc.inspection_report_issue(record_id=record.pk, actor=people["quality"],
                                    conclusion="合格")
    assert not InspectionReport.objects.exists()


@pytest.mark.parametrize("who", ["production", "procurement", "sales"])
def test_only_quality_issues_reports_and_notices_p5_3_2(order, people, salesperson, who):
    actor = salesperson if who == "sales" else people[who]
    passed = inspect(order, people["quality"])
    failed = inspect(order, people["quality"], inspected="2", passed="1", failed="1")
    before = counts()
    with pytest.raises(NotPermitted):
        svc.inspection_report_issue(record_id=passed.pk, actor=actor, conclusion="合格")
    with pytest.raises(NotPermitted):
        svc.nonconformance_issue(record_id=failed.pk, actor=actor, description="x",
                                 quantity="1")
    assert counts() == before


def test_a_deputy_of_a_quality_member_issues_on_their_behalf(order, people):
    deputy = make_user(Dept.PRODUCTION, Role.STAFF, username="deputy")
    today = clock.today()
    Delegation.objects.create(principal=people["quality"], deputy=deputy, starts_on=today,
                              ends_on=today, created_by=people["quality"],
                              created_at=clock.now())
    record = inspect(order, people["quality"])
    report = svc.inspection_report_issue(record_id=record.pk, actor=deputy, conclusion="合格")
    assert report.on_behalf_of_id == people["quality"].pk
    assert AuditEvent.objects.get(action="quality.report_issued").on_behalf_of_id == \
        people["quality"].pk


# P5.3.2 nonconformance notices, followed to closure

def test_a_notice_for_failed_product_tells_production_and_sales(order, people, salesperson):
    notice = failed_notice(order, people["quality"])
    assert notice.number == f"NC-{clock.today().year}-00001"
    assert notice.product_id == line(order).product_id and notice.status == "open"
    told = set(Notification.objects.filter(kind="quality.nonconformance")
               .values_list("recipient_id", flat=True))
    assert {people["production"].pk, salesperson.pk} <= told
    assert people["quality"].pk not in told


def test_a_notice_covers_at_most_the_failed_quantity(order, people):
    record = inspect(order, people["quality"], inspected="2", passed="1", failed="1")
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        svc.nonconformance_issue(record_id=record.pk, actor=people["quality"],
                                 description="", quantity="1.5")
    assert set(exc.value.errors) == {"description", "quantity"}
    assert counts() == before


def test_a_passed_inspection_gets_no_notice(order, people):
    record = inspect(order, people["quality"])
    with pytest.raises(TransitionNotAllowed):
        svc.nonconformance_issue(record_id=record.pk, actor=people["quality"],
                                 description="x", quantity="1")


def test_a_notice_is_followed_to_closure_by_a_passed_reinspection(order, people):
    quality = people["quality"]
    notice = failed_notice(order, quality)
    # the corrective action first: closing now is not allowed
    with pytest.raises(TransitionNotAllowed):
        svc.nonconformance_close(nc_id=notice.pk, actor=quality, reinspection_record_id=1)
    with pytest.raises(ValidationFailed) as exc:
        svc.nonconformance_action(nc_id=notice.pk, actor=people["production"], cause="",
                                  corrective_action="")
    assert set(exc.value.errors) == {"cause", "corrective_action"}
    svc.nonconformance_action(nc_id=notice.pk, actor=people["production"], cause="刀具磨损",
                              corrective_action="更换刀具并返工")
    notice.refresh_from_db()
    assert notice.status == "corrective_action" and notice.action_by == people["production"]
    with pytest.raises(TransitionNotAllowed):
        svc.nonconformance_action(nc_id=notice.pk, actor=quality, cause="a",
                                  corrective_action="b")
    # an inspection that is not this notice's re-inspection does not close it
    unrelated = inspect(order, quality, inspected="1", passed="1")
    failed_again = inspect(order, quality, inspected="1", passed="0", failed="1",
                           reinspection_of_id=notice.pk)
    for record in (unrelated, failed_again):
        with pytest.raises(ValidationFailed) as exc:
            svc.nonconformance_close(nc_id=notice.pk, actor=quality,
                                     reinspection_record_id=record.pk)
        assert list(exc.value.errors) == ["reinspection_record_id"]
    reinspection = inspect(order, quality, inspected="1", passed="1",
                           reinspection_of_id=notice.pk)
    with pytest.raises(NotPermitted):
        svc.nonconformance_close(nc_id=notice.pk, actor=people["production"],
                                 reinspection_record_id=reinspection.pk)
    svc.nonconformance_close(nc_id=notice.pk, actor=quality,
                             reinspection_record_id=reinspection.pk)
    notice.refresh_from_db()
    assert notice.status == "closed" and notice.closed_by == quality
    assert [e.action for e in AuditEvent.objects.filter(object_type__endswith="notice")
            .order_by("id")] == ["quality.nonconformance_issued",
                                  "quality.nonconformance_action",
                                  "quality.nonconformance_closed"]
    with pytest.raises(TransitionNotAllowed):
        svc.nonconformance_close(nc_id=notice.pk, actor=quality,
                                 reinspection_record_id=reinspection.pk)


def test_a_deputy_of_a_production_member_records_the_action_on_their_behalf(order, people):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy")
    today = clock.today()
    Delegation.objects.create(principal=people["production"], deputy=deputy, starts_on=today,
                              ends_on=today, created_by=people["production"],
                              created_at=clock.now())
    notice = failed_notice(order, people["quality"])
    svc.nonconformance_action(nc_id=notice.pk, actor=deputy, cause="c", corrective_action="a")
    event = AuditEvent.objects.get(action="quality.nonconformance_action")
    assert (event.actor_id, event.on_behalf_of_id) == (deputy.pk, people["production"].pk)


def test_sales_may_not_record_the_corrective_action(order, people, salesperson):
    notice = failed_notice(order, people["quality"])
    with pytest.raises(NotPermitted):
        svc.nonconformance_action(nc_id=notice.pk, actor=salesperson, cause="a",
                                  corrective_action="b")


def test_a_reinspection_needs_the_corrective_action_first(order, people):
    notice = failed_notice(order, people["quality"])
    with pytest.raises(ValidationFailed) as exc:
        inspect(order, people["quality"], inspected="1", passed="1",
                reinspection_of_id=notice.pk)
    assert list(exc.value.errors) == ["reinspection_of_id"]


# P5.4.2 concessions

def test_the_salesperson_asks_and_the_quality_head_approves_p5_4_2(order, people, salesperson,
                                                                   quality_head):
    notice = failed_notice(order, people["quality"])
    concession = svc.concession_request(order_id=order.pk, actor=salesperson,
                                        order_line_id=line(order).pk, quantity="1",
                                        reason="客户同意让步接收", nonconformance_id=notice.pk)
    assert Notification.objects.filter(kind="quality.concession_requested",
                                       recipient=quality_head).exists()
    decided = svc.concession_decide(concession_id=concession.pk, actor=quality_head,
                                    approve=True)
    assert (decided.status, decided.decided_by_id) == ("approved", quality_head.pk)
    assert Notification.objects.filter(kind="quality.concession_decided",
                                       recipient=salesperson).exists()
    assert AuditEvent.objects.filter(action="quality.concession_approved").count() == 1
    with pytest.raises(TransitionNotAllowed):
        svc.concession_decide(concession_id=concession.pk, actor=quality_head, approve=False,
                              note="no")


def test_a_concession_is_not_decided_by_its_requester_nor_by_staff(order, people, quality_head,
                                                                   division_leader):
    concession = svc.concession_request(order_id=order.pk, actor=quality_head,
                                        order_line_id=line(order).pk, quantity="1",
                                        reason="急需发货")
    before = counts()
    for actor in (quality_head, people["quality"], people["production"]):
        with pytest.raises(NotPermitted):
            svc.concession_decide(concession_id=concession.pk, actor=actor, approve=True)
    assert counts() == before
    # a rejection says why
    with pytest.raises(ValidationFailed) as exc:
        svc.concession_decide(concession_id=concession.pk, actor=division_leader,
                              approve=False)
    assert list(exc.value.errors) == ["note"]
    decided = svc.concession_decide(concession_id=concession.pk, actor=division_leader,
                                    approve=False, note="质量风险过高")
    assert decided.status == "rejected" and decided.decision_note == "质量风险过高"


def test_the_quality_heads_deputy_decides_on_their_behalf(order, people, salesperson,
                                                          quality_head):
    today = clock.today()
    Delegation.objects.create(principal=quality_head, deputy=people["quality"],
                              starts_on=today, ends_on=today, created_by=quality_head,
                              created_at=clock.now())
    concession = svc.concession_request(order_id=order.pk, actor=salesperson,
                                        order_line_id=line(order).pk, quantity="1",
                                        reason="r")
    decided = svc.concession_decide(concession_id=concession.pk, actor=people["quality"],
                                    approve=True)
    assert decided.on_behalf_of_id == quality_head.pk


def test_who_may_ask_for_a_concession_and_how_much(order, people, salesperson):
    before = counts()
    with pytest.raises(NotPermitted):
        svc.concession_request(order_id=order.pk, actor=people["production"],
                               order_line_id=line(order).pk, quantity="1", reason="r")
    inspect(order, people["quality"], inspected="1", passed="1")  # 1 of 2 passed
    with pytest.raises(ValidationFailed) as exc:
        svc.concession_request(order_id=order.pk, actor=people["quality"],
                               order_line_id=line(order).pk, quantity="1.5", reason="")
    assert exc.value.errors["quantity"] == [
        "At most the quantity neither passed nor conceded nor asked for (1)."]
    assert "reason" in exc.value.errors
    assert counts() == {**before, "InspectionRecord": before["InspectionRecord"] + 1,
                        "AuditEvent": before["AuditEvent"] + 1}


# The completion guard (P5)

def test_quality_finishes_only_when_every_line_is_covered_and_notices_closed(
        order, people, salesperson, quality_head):
    quality = people["quality"]
    package = package_of(order, "quality")
    package_start(package_id=package.pk, actor=quality)
    with pytest.raises(Conflict) as exc:
        package_complete(package_id=package.pk, actor=quality)
    assert "line 1" in str(exc.value.message) and "line 2" in str(exc.value.message)
    notice = failed_notice(order, quality)            # line 1: 1 passed, 1 failed
    inspect(order, quality, position=2)                # line 2: 2 passed
    concession = svc.concession_request(order_id=order.pk, actor=salesperson,
                                        order_line_id=line(order).pk, quantity="1",
                                        reason="r", nonconformance_id=notice.pk)
    blockers = svc.completion_blockers(package)
    product = line(order).product.name
    assert blockers == [f"line 1 ({product}): 1 of 2 passed final inspection or conceded",
                        f"nonconformance notices not closed: {notice.number}",
                        "1 concession request(s) awaiting a decision"]
    svc.concession_decide(concession_id=concession.pk, actor=quality_head, approve=True)
    svc.nonconformance_action(nc_id=notice.pk, actor=quality, cause="c", corrective_action="a")
    assert svc.completion_blockers(package) == [
        f"nonconformance notices not closed: {notice.number}"]
    again = inspect(order, quality, inspected="1", passed="1", reinspection_of_id=notice.pk)
    svc.nonconformance_close(nc_id=notice.pk, actor=quality, reinspection_record_id=again.pk)
    assert svc.completion_blockers(package) == []
    assert package_complete(package_id=package.pk, actor=quality).status == "done"
