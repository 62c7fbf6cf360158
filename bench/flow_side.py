"""Review and approval benchmark steps inside Django (issue 3), one process per step.

    python -m bench.flow_side prepare          people of every reviewing department, tokens
    python -m bench.flow_side orders N         N new orders (setup, not measured)
    python -m bench.flow_side service N        N orders: check -> review (5 opinions) ->
                                               approval (3 steps) -> sign-off, in-process
    python -m bench.flow_side render N         N review report PDFs, as the worker renders them

Each prints one JSON object on its last line of stdout (bench/review_approval.py reads it).
"""

import json
import os
import resource
import statistics
import sys
import time
from collections import defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.django_side import PASSWORD, order_fields  # noqa: E402
from bench.django_side import prepare as prepare_orders  # noqa: E402
from bench.review_approval import DETAILS  # noqa: E402
from orderflow.accounts.domain.organisation import Dept, Role  # noqa: E402
from orderflow.accounts.models import Department, User, UserRole  # noqa: E402
from orderflow.accounts.services import api_token_create  # noqa: E402
from orderflow.approval.models import ApprovalTask, TaskStatus  # noqa: E402
from orderflow.approval.services import order_sign_off, task_approve  # noqa: E402
from orderflow.masterdata.models import Customer, Product  # noqa: E402
from orderflow.orders.models import Order  # noqa: E402
from orderflow.orders.services import order_create, order_take_action  # noqa: E402
from orderflow.review.models import OpinionStatus, ReviewOpinion, ReviewReport  # noqa: E402
from orderflow.review.services import opinion_submit, report_render  # noqa: E402

REVIEWERS = (Dept.TECHNOLOGY, Dept.PRODUCTION, Dept.QUALITY, Dept.PROCUREMENT, Dept.FINANCE)


def _person(username: str, dept: Dept, role: Role) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username,
                                    department=Department.objects.get(code=dept))
    UserRole.objects.create(user=user, role=role)
    if role == Role.DEPT_HEAD:
        Department.objects.filter(code=dept).update(head=user)
    return user


def prepare() -> dict:
    """The order benchmark's set-up plus a reviewer per department, heads, a leader."""
    info = prepare_orders()
    tokens = {}
    with transaction.atomic():
        Department.objects.filter(code=Dept.SALES).update(
            head=User.objects.get(username=info["head"]))
        people = [User.objects.get(username="bench_sales"),
                  User.objects.get(username=info["head"])]
        for dept in REVIEWERS:
            people.append(_person(f"bench_{dept}", dept, Role.STAFF))
        people.append(_person("bench_finance_head", Dept.FINANCE, Role.DEPT_HEAD))
        people.append(_person("bench_leader", Dept.MANAGEMENT, Role.DIVISION_LEADER))
        for user in people:
            tokens[user.username] = api_token_create(actor=user, name="bench")[1]
    # The customer's first order (kept a draft): the measured ones are not "new customer"
    # major orders (P3.1.2), whose panel of department heads is another path.
    orders(1)
    return {**info, "tokens": tokens}


def orders(count: int) -> dict:
    """`count` draft orders of 3 lines (set-up)."""
    sales = User.objects.get(username="bench_sales")
    customer = Customer.objects.get(code="B0001")
    product_ids = list(Product.objects.order_by("id").values_list("id", flat=True))
    ids = [order_create(actor=sales, **order_fields(customer.pk, product_ids, 3)).pk
           for _ in range(count)]
    return {"order_ids": ids}


class Flow:
    """One order through the ten steps and the sign-off, each step timed and counted."""

    def __init__(self):
        self.sales = User.objects.get(username="bench_sales")
        self.reviewers = {d: User.objects.get(username=f"bench_{d}") for d in REVIEWERS}
        self.queries = defaultdict(list)

    def _step(self, name, func, **kwargs):
        connection.queries_log.clear()  # a full log (9000) would make counts read 0
        with CaptureQueriesContext(connection) as ctx:
            result = func(**kwargs)
        self.queries[name].append(len(ctx.captured_queries))
        return result

    def run(self, order_id: int) -> None:
        self._step("check", order_take_action, order_id=order_id, action="check",
                   actor=self.sales)
        self._step("start_review", order_take_action, order_id=order_id,
                   action="start_review", actor=self.sales)
        opinions = (ReviewOpinion.objects.filter(review__order_id=order_id,
                                                 status=OpinionStatus.PENDING)
                    .select_related("department"))
        for opinion in opinions:
            dept = Dept(opinion.department.code)
            self._step("opinion", opinion_submit, opinion_id=opinion.pk,
                       actor=self.reviewers[dept], conclusion="pass", text="同意",
                       details=DETAILS[str(dept)])
        for _ in range(3):
            task = (ApprovalTask.objects.filter(order_id=order_id, status=TaskStatus.PENDING)
                    .select_related("assignee").first())
            version = Order.objects.values_list("version", flat=True).get(pk=order_id)
            self._step("approve", task_approve, task_id=task.pk, actor=task.assignee,
                       comment="同意", seen_version=version)
        head = User.objects.get(username="bench_head")
        self._step("sign_off", order_sign_off, order_id=order_id, actor=head)


def service(count: int) -> dict:
    ids = orders(count + 3)["order_ids"]
    flow = Flow()
    for order_id in ids[:3]:  # warm-up
        flow.run(order_id)
    flow.queries.clear()
    started, cpu_started = time.perf_counter(), time.process_time()
    for order_id in ids[3:]:
        flow.run(order_id)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    approved = Order.objects.filter(pk__in=ids, status="approved").count()
    return {"orders": count, "approved": approved, "seconds": round(elapsed, 3),
            "orders_per_s": round(count / elapsed, 1),
            "actions_per_s": round(count * 11 / elapsed, 1),
            "cpu_ms_per_order": round(cpu / count * 1000, 2),
            "queries_per_action": {k: sorted(set(v)) for k, v in flow.queries.items()},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def render(count: int) -> dict:
    """Render `count` issued review reports, as the worker's task does (report_render)."""
    reports = list(ReviewReport.objects.filter(file="").order_by("id")
                   .values_list("id", flat=True)[:count])
    timings = []
    for report_id in reports:
        started = time.perf_counter()
        report_render(report_id=report_id)
        timings.append(time.perf_counter() - started)
    timings = timings[1:] or timings  # the first pays for font loading
    return {"reports": len(reports),
            "ms_median": round(statistics.median(timings) * 1000, 1),
            "ms_max": round(max(timings) * 1000, 1)}


if __name__ == "__main__":
    step = sys.argv[1]
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    result = {"prepare": prepare, "orders": lambda: orders(arg),
              "service": lambda: service(arg), "render": lambda: render(arg)}[step]()
    print(json.dumps(result))
