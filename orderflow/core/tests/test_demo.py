"""manage.py load_demo: the demo company (issue 2 §9), built through the services."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import User, UserRole
from orderflow.audit.models import AuditEvent
from orderflow.intake.models import Escalation, Lead, LeadStatus
from orderflow.masterdata.models import Customer, Product
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

REVIEW_STATES = {State.IN_REVIEW, State.REVIEW_FAILED, State.IN_APPROVAL,
                 State.APPROVAL_REJECTED, State.AWAITING_SIGNOFF, State.APPROVED}
RELEASE_STATES = {State.RELEASED, State.IN_EXECUTION, State.EXECUTED}
SETTLEMENT_STATES = {State.IN_SETTLEMENT, State.SETTLED, State.ARCHIVED}
INTAKE_STATES = {State.DRAFT, State.AWAITING_CUSTOMER, State.ESCALATED, State.CHECKED,
                 State.DECLINED, State.CANCELLED}


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_company_has_every_department_role_and_intake_state():
    # when
    output = load("--orders", "30")

    # then: people in every department and every role, all with the demo password
    assert set(User.objects.values_list("department__code", flat=True)) == set(Dept)
    assert set(UserRole.objects.values_list("role", flat=True)) == set(Role)
    assert User.objects.filter(department__code=Dept.SALES, role_rows__role=Role.STAFF
                               ).count() == 3
    sales1 = User.objects.get(username="sales1")
    assert sales1.check_password("demo12345") and sales1.full_name
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.get(username="saleshead").department.head.username == "saleshead"
    # master data, leads in every state
    assert Customer.objects.count() == 40
    assert Customer.objects.filter(credit_rating="D").count() == 3
    assert Product.objects.count() == 30
    assert set(Lead.objects.values_list("status", flat=True)) == set(LeadStatus)
    # orders: exactly the requested number, every intake state, gap-free numbers
    assert Order.objects.count() == 30
    statuses = set(Order.objects.values_list("status", flat=True))
    assert INTAKE_STATES - {State.CHECKED} <= statuses
    assert statuses - INTAKE_STATES <= REVIEW_STATES | RELEASE_STATES | SETTLEMENT_STATES
    numbers = sorted(int(n[-6:]) for n in Order.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 31))
    assert Escalation.objects.filter(decision="declined").count() == Order.objects.filter(
        status=State.DECLINED).count()
    assert "30 orders" in output


def test_demo_history_is_audited_and_the_chain_verifies():
    # given
    load("--orders", "12")

    # then: every order's creation is in the audit log and the hash chain is intact (P1.3.2)
    assert AuditEvent.objects.filter(action="order.created").count() == 12
    assert AuditEvent.objects.filter(action="order.check").count() >= 8
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()


def test_if_empty_leaves_an_existing_database_alone():
    # given
    make_user(Dept.SALES, Role.STAFF, username="someone")

    # when
    output = load("--if-empty")

    # then
    assert "already has users" in output
    assert list(User.objects.values_list("username", flat=True)) == ["someone"]
    assert Order.objects.count() == 0 and Customer.objects.count() == 0


def test_refuses_to_load_into_a_database_with_users_and_writes_nothing():
    # given
    make_user(Dept.SALES, Role.STAFF, username="someone")

    # when / then
    with pytest.raises(CommandError, match="already has users"):
        load("--orders", "5")
    assert User.objects.count() == 1 and Customer.objects.count() == 0


def test_print_logins_lists_every_login_without_loading():
    # when
    output = load("--print-logins")

    # then
    for username in ("sales1", "sales3", "saleshead", "marketing1", "archivehead", "leader",
                     "gm", "admin"):
        assert f" {username} " in output
    assert "销售部 Sales" in output
    assert User.objects.count() == 0


def test_same_seed_plans_the_same_orders():
    # given two loads of the same seed cannot share a database, so compare the plans
    import random

    from orderflow.demo.company import Customers
    from orderflow.demo.orders import plan_orders
    from orderflow.testing.factories import CustomerFactory

    owner = make_user(Dept.SALES, Role.STAFF)
    customers = Customers(good=[CustomerFactory(owner=owner) for _ in range(3)],
                          risky=[CustomerFactory(owner=owner, credit_rating="D")])

    def plan(seed):
        return [(p.scenario, p.order_date, p.customer.pk, p.tight)
                for p in plan_orders(random.Random(seed), 40, customers, [])]

    # then
    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


def test_demo_has_reviews_and_approvals_at_every_stage_with_reports_and_calendar():
    # when
    load()

    # then: orders wait at every point of review and approval (P3, P4.1)
    from orderflow.approval.models import SignOff
    from orderflow.review.models import ReviewReport
    from orderflow.workcal.models import CalendarDay

    statuses = set(Order.objects.values_list("status", flat=True))
    assert REVIEW_STATES <= statuses
    # every issued report has its PDF; every approved order its signature
    assert ReviewReport.objects.exists()
    assert not ReviewReport.objects.filter(file="").exists()
    # and so every inspection report and audited statement (no page waits for a worker)
    from orderflow.execution.models import InspectionReport
    from orderflow.settlement.models import SettlementStatement

    assert InspectionReport.objects.exists()
    assert not InspectionReport.objects.filter(file="").exists()
    audited = SettlementStatement.objects.filter(status="audited")
    assert audited.exists() and not audited.filter(pdf="").exists()
    assert SignOff.objects.count() == Order.objects.filter(
        status__in={State.APPROVED} | RELEASE_STATES | SETTLEMENT_STATES).count()
    # released orders (P4.2): departments at work, a sealed original printed for each
    from orderflow.release.models import OrderPrint

    assert RELEASE_STATES <= statuses
    released = Order.objects.filter(status__in=RELEASE_STATES)
    assert OrderPrint.objects.filter(order__in=released, sealed=True, copy_number=0
                                     ).count() == released.count()
    # execution (P5): one order executed with every department's records; others with
    # a production problem and a late supplier, or an open nonconformance
    from orderflow.execution.models import (
        NonconformanceNotice,
        ProductionProblem,
        PurchaseContract,
        Shipment,
    )

    assert State.EXECUTED in statuses
    executed = Order.objects.filter(status=State.EXECUTED)
    assert Shipment.objects.filter(order__in=executed, status="delivered").exists()
    assert ProductionProblem.objects.filter(status="open").exists()
    assert PurchaseContract.objects.filter(status="signed").exists()
    assert NonconformanceNotice.objects.filter(status="open").exists()
    # settlement (P7) and archive (P9): one order settled and waiting to be archived,
    # others archived with their dossier, in Finance's audit, collecting with a dispute
    from orderflow.archive.models import Dossier, QueryRequest
    from orderflow.settlement.models import Dispute, Receipt, SettlementRecord

    assert SETTLEMENT_STATES <= statuses
    archived = Order.objects.filter(status=State.ARCHIVED)
    assert Dossier.objects.filter(order__in=archived).count() == archived.count()
    assert SettlementRecord.objects.count() == Order.objects.filter(
        status__in={State.SETTLED, State.ARCHIVED}).count()
    assert Receipt.objects.filter(order__status=State.IN_SETTLEMENT).exists()
    assert Dispute.objects.filter(status="open").exists()
    # an order in execution whose customer paid its 30% deposit (P7.1.1)
    from orderflow.settlement.models import AdvanceReceipt

    advance = AdvanceReceipt.objects.select_related("order").get()
    assert advance.order.status == State.IN_EXECUTION and advance.applied_amount == 0
    assert advance.amount == (advance.order.total_gross * 3 / 10).quantize(advance.amount)
    assert set(QueryRequest.objects.values_list("status", flat=True)) >= {"approved",
                                                                          "declined"}
    # the 2026 public holidays and make-up workdays (调休) are in the calendar
    assert CalendarDay.objects.filter(date__year=2026, kind="workday").count() == 6
