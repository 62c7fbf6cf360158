"""What an approval is about, as its approver finds it in the inbox and the notifications:
the subject's own page (a statement's settlement page, an archive query's requests page)
and the subject's amount (the statement's total, none for a query), with the inbox's
queries constant in the number of rows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import ApprovalTask, TaskStatus
from orderflow.archive.models import QueryRequest
from orderflow.archive.tests.conftest import archived_order
from orderflow.notifications.models import Notification
from orderflow.settlement.services import statement_set_quantities, statement_submit
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import executed_order, in_settlement, reconcile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def row_of(html: str, task: ApprovalTask) -> str:
    match = re.search(rf'<tr id="row-task-{task.pk}".*?</tr>', html, re.S)
    assert match, f"no inbox row for task {task.pk}"
    return match[0]


def link_and_amount(row: str) -> tuple[str, str]:
    link = re.search(r'<a href="([^"]*)" class="fw-medium" data-subject-link>', row)[1]
    amount = re.search(r"<td [^>]*data-amount>(.*?)</td>", row, re.S)[1].strip()
    return link, amount


def amount_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if '"settlement_settlementstatement"."total_gross"' in q["sql"]]


def reduced_statement_in_audit(salesperson, customer, products, sales_head):
    """Given: an executed order whose statement Sales reduced to one unit of the first line
    (3,390.00 of the order's 4,520.00), reconciled and submitted to Finance's audit."""
    order = executed_order(salesperson, customer, products, sales_head)
    statement = in_settlement(order, salesperson)
    line = statement.lines.order_by("position").first()
    statement = statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                         quantities={str(line.order_line_id): "1"})
    reconcile(statement, salesperson)
    statement_submit(statement_id=statement.pk, actor=salesperson)
    statement.refresh_from_db()
    return order, statement


def test_a_statement_audit_shows_the_statement_total_and_links_to_the_settlement(
        client_as, salesperson, customer, products, sales_head, finance):
    # given: a statement below the order's total in Finance's audit
    order, statement = reduced_statement_in_audit(salesperson, customer, products,
                                                  sales_head)
    assert statement.total_gross < order.total_gross
    task = ApprovalTask.objects.get(request__subject_kind="statement",
                                    assignee=finance["staff"], status=TaskStatus.PENDING)
    # when: the auditor opens the inbox
    client = client_as(finance["staff"])
    html = client.get("/inbox/").content.decode()
    # then: the row is about the statement: its total, its page
    assert link_and_amount(row_of(html, task)) == (f"/orders/{order.pk}/settlement/",
                                                   "¥3,390.00")
    # and the notification of the task leads there too
    urls = set(Notification.objects.filter(recipient=finance["staff"], kind="approval.task")
               .values_list("url", flat=True))
    assert urls == {f"/orders/{order.pk}/settlement/"}

    # and the statements' amounts are read in one query, however many there are
    with CaptureQueriesContext(connection) as one:
        client.get("/inbox/")
    reduced_statement_in_audit(salesperson, customer, products, sales_head)
    with CaptureQueriesContext(connection) as two:
        html = client.get("/inbox/").content.decode()
    assert html.count('data-kind="task"') == 2
    assert len(amount_reads(one)) == len(amount_reads(two)) == 1


def test_the_htmx_row_of_a_statement_audit_keeps_its_subject(
        client_as, salesperson, customer, products, sales_head, finance):
    order, _statement = reduced_statement_in_audit(salesperson, customer, products,
                                                   sales_head)
    task = ApprovalTask.objects.get(request__subject_kind="statement",
                                    assignee=finance["staff"], status=TaskStatus.PENDING)
    client = client_as(finance["staff"])
    html = client.get(f"/approvals/tasks/{task.pk}/reject/", HTTP_HX_REQUEST="true")
    assert link_and_amount(row_of(html.content.decode(), task)) == (
        f"/orders/{order.pk}/settlement/", "¥3,390.00")


def test_an_archive_query_leads_its_decider_to_the_requests_page_without_an_amount(
        client_as, salesperson, customer, products):
    # given: Production's head decides a query of an archived order they cannot open
    order = archived_order(salesperson, customer, products)
    staff = make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")
    head = make_user(Dept.PRODUCTION, Role.DEPT_HEAD, username="prodhead")
    client_as(staff).post("/archive/requests/", {
        "order_number": order.number, "purpose": "查询工艺",
        "wanted_until": dt.date.today().isoformat()})
    query = QueryRequest.objects.get()
    task = ApprovalTask.objects.get(request__subject_kind="archive_query")
    # when: the head reads the notification and the inbox
    notification = Notification.objects.get(recipient=head, kind="approval.task")
    client = client_as(head)
    html = client.get("/inbox/").content.decode()
    # then: both lead to the request waiting on their requests page, with no amount
    target = f"/archive/requests/#query-{query.pk}"
    assert notification.url == target
    assert link_and_amount(row_of(html, task)) == (target, "—")
    assert f'id="query-{query.pk}"' in client.get("/archive/requests/").content.decode()
    assert f'href="/orders/{order.pk}/"' not in row_of(html, task)


def test_the_inbox_asks_whose_statements_they_are_once_for_all_rows(
        client_as, salesperson, customer, products, sales_head, finance):
    """Who built a statement never audits it (P4.1): the inbox finds the builders of all
    its statements in one query, so its queries do not grow with the rows."""
    reduced_statement_in_audit(salesperson, customer, products, sales_head)
    client = client_as(finance["staff"])
    client.get("/inbox/")  # warm: the session and the user's roles
    with CaptureQueriesContext(connection) as one:
        client.get("/inbox/")
    for _ in range(2):
        reduced_statement_in_audit(salesperson, customer, products, sales_head)
    with CaptureQueriesContext(connection) as three:
        html = client.get("/inbox/").content.decode()
    assert html.count('data-kind="task"') == 3
    assert len(three) == len(one), [q["sql"][:100] for q in three.captured_queries]


def test_a_deputy_inbox_reads_the_delegations_once_for_all_rows(
        client_as, salesperson, customer, products, sales_head, finance):
    """A deputy holds their principal's audits today (P4.1): the delegations are read once,
    not once per deputised row."""
    from orderflow.accounts.models import Delegation
    from orderflow.core import clock

    deputy = make_user(Dept.MANAGEMENT, Role.STAFF, username="deputy9")
    Delegation.objects.create(principal=finance["staff"], deputy=deputy,
                              starts_on=clock.today(), ends_on=clock.today(),
                              created_by=finance["staff"], created_at=clock.now())

    def delegation_reads(queries) -> int:
        return sum('"accounts_delegation"' in q["sql"] for q in queries.captured_queries)

    reduced_statement_in_audit(salesperson, customer, products, sales_head)
    client = client_as(deputy)
    with CaptureQueriesContext(connection) as one:
        one_html = client.get("/inbox/").content.decode()
    for _ in range(2):
        reduced_statement_in_audit(salesperson, customer, products, sales_head)
    with CaptureQueriesContext(connection) as three:
        html = client.get("/inbox/").content.decode()
    assert one_html.count('data-kind="task"') == 1 and html.count('data-kind="task"') == 3
    assert html.count(f'data-acting-for="{finance["staff"].pk}"') == 3
    assert delegation_reads(three) == delegation_reads(one)
