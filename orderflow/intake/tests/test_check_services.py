"""The preliminary check as a service (P2.3.1) and what follows it (P2.3.2)."""

from decimal import Decimal

import pytest
from django.core import mail

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.intake.models import CheckReport, CustomerCommunication, Escalation
from orderflow.intake.services.check import communication_log, escalation_decide, order_check
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import order_take_action
from orderflow.orders.tests.support import make_order, order_state, put_in_state, row_counts
from orderflow.testing.factories import CustomerFactory, make_user

pytestmark = pytest.mark.django_db


def _last_event(order):
    return AuditEvent.objects.filter(object_type="orders.order",
                                     object_id=str(order.pk)).latest("id")


def _non_ok(report):
    return [(f["code"], f["severity"], f["field"]) for f in report.findings
            if f["severity"] != "ok"]


def test_complete_order_passes(salesperson, customer, products):
    # given a complete draft
    order = make_order(salesperson, customer, products)
    # when
    checked = order_check(order_id=order.pk, actor=salesperson)
    # then
    checked.refresh_from_db()
    assert (checked.status, checked.version) == (State.CHECKED, 2)
    report = CheckReport.objects.get(order=order)
    assert (report.outcome, report.run_by) == ("passed", salesperson)
    assert [f["code"] for f in report.findings] == ["complete", "credit_ok", "delivery_ok"]
    event = _last_event(order)
    assert (event.action, event.from_state, event.to_state, event.data) == (
        "order.check", "draft", "checked", {"outcome": "passed", "findings": []})
    assert not Escalation.objects.exists()


def test_missing_phone_awaits_the_customer(salesperson, customer, products):
    order = make_order(salesperson, customer, products, contact_phone="")
    order_take_action(order_id=order.pk, action="check", actor=salesperson)
    order.refresh_from_db()
    assert order.status == State.AWAITING_CUSTOMER
    report = CheckReport.objects.get(order=order)
    assert report.outcome == "incomplete"
    assert _non_ok(report) == [("field_missing", "missing", "contact_phone")]
    assert _last_event(order).data == {"outcome": "incomplete", "findings": ["field_missing"]}


def test_recheck_after_the_customer_supplied_the_phone(salesperson, customer, products):
    order = make_order(salesperson, customer, products, contact_phone="")
    order_check(order_id=order.pk, actor=salesperson)
    from orderflow.orders.services import order_update
    from orderflow.testing.factories import order_payload
    order_update(order_id=order.pk, actor=salesperson,
                 **order_payload(customer, products, contact_phone="13812345678"))
    order_check(order_id=order.pk, actor=salesperson)
    order.refresh_from_db()
    assert order.status == State.CHECKED
    assert list(order.check_reports.order_by("id").values_list("outcome", flat=True)) == [
        "incomplete", "passed"]


def test_credit_limit_exceeded_escalates_to_management(
        salesperson, division_leader, products, django_capture_on_commit_callbacks):
    # given a customer close to its limit, a GM, and someone who must not be told
    customer = CustomerFactory(credit_limit=Decimal("50000.00"),
                               receivables_outstanding=Decimal("48000.00"))
    general_manager = make_user(Dept.MANAGEMENT, Role.GENERAL_MANAGER, username="gm",
                                preferred_language="en")
    bystander = make_user(Dept.PRODUCTION, Role.DEPT_HEAD, username="prodhead")
    order = make_order(salesperson, customer, products)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_check(order_id=order.pk, actor=salesperson)
    # then
    order.refresh_from_db()
    assert order.status == State.ESCALATED
    report = CheckReport.objects.get(order=order)
    assert (report.outcome, _non_ok(report)) == (
        "escalated", [("credit_limit_exceeded", "risk", "customer")])
    exceeded = next(f for f in report.findings if f["code"] == "credit_limit_exceeded")
    assert exceeded["params"] == {"rating": "A", "limit": "50000.00",
                                  "outstanding": "48000.00", "order": "4520.00",
                                  "exposure": "52520.00", "over": "2520.00"}
    escalation = Escalation.objects.get(order=order)
    assert (escalation.reasons, escalation.decision, escalation.raised_by,
            escalation.check_report) == (["credit_limit_exceeded"], "pending", salesperson,
                                         report)
    notes = Notification.objects.filter(kind="order.escalated")
    assert sorted(n.recipient.username for n in notes) == ["gm", "leader"]
    # each in the recipient's language: the GM chose English, the leader has the default
    assert {n.recipient.username: n.title for n in notes} == {
        "gm": f"Order {order.number} needs a management decision",
        "leader": f"订单 {order.number} 需要管理层决定"}
    assert not Notification.objects.filter(recipient__in=[salesperson, bystander]).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [general_manager.email,
                                                    division_leader.email]


def test_nobody_is_notified_before_the_transaction_commits(
        salesperson, division_leader, products, django_capture_on_commit_callbacks):
    customer = CustomerFactory(credit_rating="D")
    order = make_order(salesperson, customer, products)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_check(order_id=order.pk, actor=salesperson)
    assert len(callbacks) == 1
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_confirmed_doubtful_finding_lets_the_recheck_pass(salesperson, customer, products):
    # given a check that found the phone doubtful
    order = make_order(salesperson, customer, products, contact_phone="12345")
    order_check(order_id=order.pk, actor=salesperson)
    order.refresh_from_db()
    assert order.status == State.AWAITING_CUSTOMER
    # when Sales confirms it with the customer (P2.3.2) and checks again
    entry = communication_log(order_id=order.pk, actor=salesperson, channel="phone",
                              summary="客户确认分机号 12345 正确",
                              confirmed_findings=["phone_doubtful:contact_phone"])
    order_check(order_id=order.pk, actor=salesperson)
    # then
    order.refresh_from_db()
    assert order.status == State.CHECKED
    assert order.acknowledged_findings == ["phone_doubtful:contact_phone"]
    assert (entry.author, entry.channel, entry.confirmed_findings) == (
        salesperson, "phone", ["phone_doubtful:contact_phone"])
    latest = order.check_reports.order_by("-id").first()
    phone = next(f for f in latest.findings if f["code"] == "phone_doubtful")
    assert (latest.outcome, phone["acknowledged"]) == ("passed", True)
    contacted = AuditEvent.objects.get(action="order.customer_contacted")
    assert contacted.data == {"channel": "phone", "summary": "客户确认分机号 12345 正确",
                              "confirmed": ["phone_doubtful:contact_phone"]}


@pytest.mark.parametrize(("kwargs", "keys"), [
    ({"confirmed_findings": ["field_missing:contact_phone"]}, {"confirmed_findings"}),
    ({"confirmed_findings": ["made_up:thing"]}, {"confirmed_findings"}),
    ({"summary": "  "}, {"summary"}),
    ({"channel": "carrier_pigeon"}, {"channel"}),
])
def test_communication_log_refuses_bad_input(kwargs, keys, salesperson, customer, products):
    order = make_order(salesperson, customer, products, contact_phone="12345",
                       delivery_place="")
    order_check(order_id=order.pk, actor=salesperson)
    before, counts = order_state(order.pk), row_counts()
    args = {"channel": "phone", "summary": "电话沟通",
            "confirmed_findings": ["phone_doubtful:contact_phone"], **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        communication_log(order_id=order.pk, actor=salesperson, **args)
    assert set(exc.value.errors) == keys
    assert (order_state(order.pk), row_counts()) == (before, counts)


def test_only_the_owner_logs_communication(salesperson, customer, products, division_leader):
    order = make_order(salesperson, customer, products)
    with pytest.raises(NotPermitted):
        communication_log(order_id=order.pk, actor=division_leader, channel="phone",
                          summary="x")
    with pytest.raises(NotFound):
        communication_log(order_id=order.pk, actor=make_user(username="s2"), channel="phone",
                          summary="x")
    assert not CustomerCommunication.objects.exists()



@pytest.mark.parametrize("status", [s for s in State
                                    if s not in (State.DRAFT, State.AWAITING_CUSTOMER)])
def test_communication_is_logged_only_before_the_check_passes(status, salesperson, customer,
                                                              products):
    # P2.3.2: given the owner's order that is no longer being completed with the customer
    order = put_in_state(make_order(salesperson, customer, products), status)
    before = row_counts()
    # when they try to log a call, then it is refused as a state conflict, nothing written
    with pytest.raises(TransitionNotAllowed):
        communication_log(order_id=order.pk, actor=salesperson, channel="phone",
                          summary="客户来电")
    assert row_counts() == before


@pytest.fixture
def escalated_order(salesperson, products):
    customer = CustomerFactory(credit_rating="D")
    order = make_order(salesperson, customer, products)
    order_check(order_id=order.pk, actor=salesperson)
    order.refresh_from_db()
    assert order.status == State.ESCALATED
    return order


@pytest.mark.parametrize(("action", "accept", "state", "decision"), [
    ("accept_escalation", True, State.CHECKED, "accepted"),
    ("decline_escalation", False, State.DECLINED, "declined"),
])
def test_management_decides_with_a_reason(action, accept, state, decision, escalated_order,
                                          division_leader, salesperson,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_take_action(order_id=escalated_order.pk, action=action, actor=division_leader,
                          reason="老客户，预付款已到账")
    escalated_order.refresh_from_db()
    assert escalated_order.status == state
    escalation = Escalation.objects.get(order=escalated_order)
    assert (escalation.decision, escalation.decided_by, escalation.decision_reason) == (
        decision, division_leader, "老客户，预付款已到账")
    assert escalation.decided_at is not None
    event = _last_event(escalated_order)
    assert (event.action, event.actor, event.from_state, event.to_state, event.data) == (
        f"order.{action}", division_leader, "escalated", state, {"reason": "老客户，预付款已到账"})
    [note] = Notification.objects.filter(kind=f"order.{action}")
    assert (note.recipient, note.body) == (salesperson, "老客户，预付款已到账")


def test_general_manager_may_decide(escalated_order):
    gm = make_user(Dept.MANAGEMENT, Role.GENERAL_MANAGER)
    escalation_decide(order_id=escalated_order.pk, actor=gm, accept=True, reason="同意")
    escalated_order.refresh_from_db()
    assert escalated_order.status == State.CHECKED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_needs_a_reason(reason, escalated_order, division_leader):
    before, counts = order_state(escalated_order.pk), row_counts()
    with pytest.raises(ValidationFailed) as exc:
        escalation_decide(order_id=escalated_order.pk, actor=division_leader, accept=False,
                          reason=reason)
    assert set(exc.value.errors) == {"reason"}
    assert (order_state(escalated_order.pk), row_counts()) == (before, counts)


@pytest.mark.parametrize("who", ["salesperson", "sales_head"])
def test_sales_may_not_decide_its_own_escalation(who, request, escalated_order):
    actor = request.getfixturevalue(who)
    before, counts = order_state(escalated_order.pk), row_counts()
    for accept in (True, False):
        with pytest.raises(NotPermitted):
            escalation_decide(order_id=escalated_order.pk, actor=actor, accept=accept,
                              reason="我同意")
    assert (order_state(escalated_order.pk), row_counts()) == (before, counts)


def test_deciding_twice_is_refused(escalated_order, division_leader):
    escalation_decide(order_id=escalated_order.pk, actor=division_leader, accept=True,
                      reason="同意")
    before = order_state(escalated_order.pk)
    with pytest.raises(TransitionNotAllowed):
        escalation_decide(order_id=escalated_order.pk, actor=division_leader, accept=False,
                          reason="改主意了")
    assert order_state(escalated_order.pk) == before


def test_escalated_state_without_a_pending_escalation_is_refused(salesperson, customer,
                                                                 products, division_leader):
    order = put_in_state(make_order(salesperson, customer, products), State.ESCALATED)
    before, counts = order_state(order.pk), row_counts()
    with pytest.raises(TransitionNotAllowed):
        escalation_decide(order_id=order.pk, actor=division_leader, accept=True, reason="ok")
    assert (order_state(order.pk), row_counts()) == (before, counts)


@pytest.mark.parametrize("state", [State.CHECKED, State.ESCALATED, State.IN_REVIEW,
                                   State.CANCELLED])
def test_check_is_refused_outside_draft_and_awaiting_customer(state, salesperson, customer,
                                                              products):
    order = put_in_state(make_order(salesperson, customer, products), state)
    before, counts = order_state(order.pk), row_counts()
    with pytest.raises(TransitionNotAllowed):
        order_check(order_id=order.pk, actor=salesperson)
    assert (order_state(order.pk), row_counts()) == (before, counts)


def test_check_by_someone_else_is_refused(salesperson, customer, products, division_leader):
    order = make_order(salesperson, customer, products)
    before, counts = order_state(order.pk), row_counts()
    with pytest.raises(NotPermitted):
        order_check(order_id=order.pk, actor=division_leader)
    assert (order_state(order.pk), row_counts()) == (before, counts)
