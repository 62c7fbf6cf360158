"""Release and execution benchmark steps inside Django (issue 4), one process per step.

    python -m bench.execution_side prepare      the review benchmark's people, a Logistics
                                                member, a seal keeper, a supplier
    python -m bench.execution_side approved N   N orders carried to sign-off (setup)
    python -m bench.execution_side service N    N signed-off orders: release -> 6 packages
                                                started -> every department's records ->
                                                every package done -> executed, in-process
    python -m bench.execution_side print N      N sealed prints of a 20-line order (PDF
                                                rendered as the print service renders it)

Each prints one JSON object on its last line of stdout (bench/execution.py reads it).
"""

import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import flow_side  # noqa: E402
from bench.django_side import order_fields  # noqa: E402
from orderflow.accounts.domain.organisation import Dept, Role  # noqa: E402
from orderflow.accounts.models import User, UserRole  # noqa: E402
from orderflow.core import clock  # noqa: E402
from orderflow.demo.profile import create_profile  # noqa: E402
from orderflow.execution.services import (  # noqa: E402
    finance,
    logistics,
    procurement,
    production,
    quality,
)
from orderflow.masterdata.models import Customer, Product, Supplier  # noqa: E402
from orderflow.orders.models import Order, OrderLine  # noqa: E402
from orderflow.orders.services import order_create  # noqa: E402
from orderflow.release.models import WorkPackage  # noqa: E402
from orderflow.release.services import (  # noqa: E402
    order_print,
    order_release,
    package_complete,
    package_start,
)

DEPARTMENTS = ("production", "procurement", "quality", "technology", "logistics", "finance")


def prepare() -> dict:
    info = flow_side.prepare()
    with transaction.atomic():
        flow_side._person("bench_logistics", Dept.LOGISTICS, Role.STAFF)
        UserRole.objects.create(user=User.objects.get(username="bench_finance_head"),
                                role=Role.SEAL_KEEPER)
        Supplier.objects.create(code="S0001", name="苏州精工钢材有限公司")
        flow_side._person("bench_admin", Dept.MANAGEMENT, Role.SYSTEM_ADMIN)
    return info


def approved(count: int) -> dict:
    """`count` orders through check, review, approval and sign-off (setup)."""
    ids = flow_side.orders(count)["order_ids"]
    flow = flow_side.Flow()
    for order_id in ids:
        flow.run(order_id)
    return {"order_ids": ids,
            "approved": Order.objects.filter(pk__in=ids, status="approved").count()}


class Execution:
    """One signed-off order through release and every department's records to executed."""

    def __init__(self):
        self.head = User.objects.get(username="bench_head")
        self.members = {d: User.objects.get(username=f"bench_{d}") for d in DEPARTMENTS}
        self.supplier = Supplier.objects.get(code="S0001")
        self.queries = defaultdict(list)

    def _step(self, step, func, **kwargs):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            result = func(**kwargs)
        self.queries[step].append(len(ctx.captured_queries))
        return result

    def run(self, order_id: int) -> None:
        m, today = self.members, clock.today()
        self._step("release", order_release, order_id=order_id, actor=self.head)
        packages = dict(WorkPackage.objects.filter(order_id=order_id)
                        .values_list("department__code", "pk"))
        for dept in DEPARTMENTS:
            self._step("package_start", package_start, package_id=packages[dept],
                       actor=m[dept])
        lines = list(OrderLine.objects.filter(order_id=order_id).order_by("position"))
        # Production (P5.1): a task per line, reported done.
        for line in lines:
            task = self._step("production_task_add", production.production_task_add,
                              order_id=order_id, actor=m["production"],
                              name=f"生产 {line.position}",
                              starts_on=today, ends_on=today + dt.timedelta(days=5),
                              team="一车间", order_line_id=line.pk,
                              planned_quantity=line.quantity)
            self._step("progress_report_add", production.progress_report_add, task_id=task.pk,
                       actor=m["production"], reported_on=today,
                       quantity_done=line.quantity, percent_done=100)
        # Procurement (P5.2): one contract, signed, received, inspected, closed.
        contract = self._step(
            "purchase_contract_create", procurement.purchase_contract_create,
            order_id=order_id, actor=m["procurement"], supplier_id=self.supplier.pk,
            contract_date=today, delivery_date=today + dt.timedelta(days=3),
            lines=[{"description": "钢材 Q235", "quantity": Decimal("10"), "unit": "吨",
                    "unit_price": Decimal("4200")}])
        self._step("purchase_contract_sign", procurement.purchase_contract_sign,
                   contract_id=contract.pk, actor=m["procurement"])
        contract_line = contract.lines.get()
        delivery = self._step("supplier_delivery_record", procurement.supplier_delivery_record,
                              contract_id=contract.pk, actor=m["procurement"], received_on=today,
                              lines=[{"contract_line_id": contract_line.pk,
                                      "quantity": Decimal("10")}])
        self._step("incoming_inspection_record", procurement.incoming_inspection_record,
                   delivery_line_id=delivery.lines.get().pk, actor=m["quality"],
                   inspected_on=today, accepted_quantity=Decimal("10"),
                   rejected_quantity=Decimal("0"))
        self._step("purchase_contract_close", procurement.purchase_contract_close,
                   contract_id=contract.pk, actor=m["procurement"])
        # Quality (P5.3): a final inspection per line, passed, with its report.
        for line in lines:
            record = self._step("inspection_record_add", quality.inspection_record_add,
                                order_id=order_id, actor=m["quality"], order_line_id=line.pk,
                                stage="final", inspected_on=today,
                                quantity_inspected=line.quantity,
                                quantity_passed=line.quantity, quantity_failed=Decimal("0"))
            self._step("inspection_report_issue", quality.inspection_report_issue,
                       record_id=record.pk, actor=m["quality"], conclusion="合格")
        # Logistics (P5.4.2): everything in one shipment, delivered.
        shipment = self._step("shipment_create", logistics.shipment_create, order_id=order_id,
                              actor=m["logistics"], carrier="顺丰速运", packages_count=3,
                              shipped_on=today,
                              lines=[{"order_line_id": ln.pk, "quantity": ln.quantity}
                                     for ln in lines])
        self._step("shipment_deliver", logistics.shipment_deliver, shipment_id=shipment.pk,
                   actor=m["logistics"], delivered_on=today, received_by="王经理")
        # Finance (P5.4.3): the actual costs.
        for category, amount in (("materials", "42000"), ("labour", "8000")):
            self._step("cost_record_add", finance.cost_record_add, order_id=order_id,
                       actor=m["finance"], category=category, amount=Decimal(amount),
                       incurred_on=today, description=category)
        for dept in DEPARTMENTS:
            self._step("package_complete", package_complete, package_id=packages[dept],
                       actor=m[dept])


def service(count: int) -> dict:
    ids = list(Order.objects.filter(status="approved").order_by("id")
               .values_list("id", flat=True)[:count + 2])
    flow = Execution()
    for order_id in ids[:2]:  # warm-up
        flow.run(order_id)
    flow.queries.clear()
    measured = ids[2:]
    started, cpu_started = time.perf_counter(), time.process_time()
    for order_id in measured:
        flow.run(order_id)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    actions = sum(len(v) for v in flow.queries.values())
    executed = Order.objects.filter(pk__in=measured, status="executed").count()
    return {"orders": len(measured), "executed": executed, "seconds": round(elapsed, 3),
            "orders_per_s": round(len(measured) / elapsed, 2),
            "actions_per_s": round(actions / elapsed, 1),
            "cpu_ms_per_order": round(cpu / max(1, len(measured)) * 1000, 1),
            "queries_per_action": {k: sorted(set(v)) for k, v in flow.queries.items()},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def print_orders(count: int) -> dict:
    """A 20-line order carried to sign-off and released, then printed `count` times."""
    sales = User.objects.get(username="bench_sales")
    customer = Customer.objects.get(code="B0001")
    product_ids = list(Product.objects.order_by("id").values_list("id", flat=True))
    order = order_create(actor=sales, **order_fields(customer.pk, product_ids, 20))
    flow_side.Flow().run(order.pk)
    keeper = User.objects.get(username="bench_finance_head")
    # the letterhead and seal (in this process: the bench's file storage is in memory)
    create_profile(actor=User.objects.get(username="bench_admin"))
    timings = []
    for _ in range(count + 1):
        started = time.perf_counter()
        order_print(order_id=order.pk, actor=keeper, sealed=True)
        timings.append(time.perf_counter() - started)
    timings = timings[1:]  # the first pays for font loading
    return {"prints": len(timings), "lines": 20,
            "ms_median": round(statistics.median(timings) * 1000, 1),
            "ms_max": round(max(timings) * 1000, 1)}


if __name__ == "__main__":
    step = sys.argv[1]
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    result = {"prepare": prepare, "approved": lambda: approved(arg),
              "service": lambda: service(arg), "print": lambda: print_orders(arg)}[step]()
    print(json.dumps(result))
