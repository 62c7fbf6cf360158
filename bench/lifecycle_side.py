"""Whole-lifecycle benchmark steps inside Django (issue 5), one process per step.

    python -m bench.lifecycle_side prepare      the execution benchmark's people and supplier
    python -m bench.lifecycle_side service N [W]
                                                N orders through the whole policy, in-process
                                                (on W worker processes at once, default 1):
                                                create, check, review (5 opinions), approval
                                                (3 steps), sign-off, release, every
                                                department's execution records, settlement
                                                (statement, reconciliation, Finance audit,
                                                invoice, receipts) and archive
    python -m bench.lifecycle_side search N R   N archived orders with their dossiers
                                                bulk-inserted (setup), then R archive-index
                                                pages as a Sales head (in-process requests)

Each prints one JSON object on its last line of stdout (bench/lifecycle.py reads it).
"""

import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import threading
import time
from collections import defaultdict
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import execution_side, flow_side  # noqa: E402
from bench.django_side import _bulk_people, order_fields  # noqa: E402
from orderflow.accounts.models import User  # noqa: E402
from orderflow.approval.models import ApprovalTask, TaskStatus  # noqa: E402
from orderflow.approval.services import task_approve  # noqa: E402
from orderflow.archive.models import Dossier  # noqa: E402
from orderflow.core import clock  # noqa: E402
from orderflow.masterdata.models import Customer, Product  # noqa: E402
from orderflow.orders.models import Order  # noqa: E402
from orderflow.orders.services import order_create, order_take_action  # noqa: E402
from orderflow.settlement.models import Instalment, SettlementStatement  # noqa: E402
from orderflow.settlement.services import (  # noqa: E402
    invoice_issue,
    receipt_record,
    reconciliation_record,
    statement_submit,
)


class Commits:
    """Counts the transactions committed on the connection (outermost atomic blocks)."""

    def __init__(self):
        self.count, self._commit = 0, connection.commit
        connection.commit = self._counting

    def _counting(self):
        self.count += 1
        return self._commit()


class Lifecycle:
    """One order from creation to the archive, each step counted."""

    def __init__(self):
        self.flow, self.execution = flow_side.Flow(), execution_side.Execution()
        self.sales = User.objects.get(username="bench_sales")
        self.finance = User.objects.get(username="bench_finance")
        self.customer = Customer.objects.get(code="B0001")
        self.product_ids = list(Product.objects.order_by("id").values_list("id", flat=True))
        self.queries, self.invoices = defaultdict(list), 0

    def _step(self, name, func, **kwargs):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            result = func(**kwargs)
        self.queries[name].append(len(ctx.captured_queries))
        return result

    def run(self) -> int:
        order = self._step("order_create", order_create, actor=self.sales,
                           **order_fields(self.customer.pk, self.product_ids, 3))
        self.flow.run(order.pk)
        self.execution.run(order.pk)
        self.settle(order.pk)
        self._step("archive", order_take_action, order_id=order.pk, action="archive",
                   actor=self.sales)
        return order.pk

    def settle(self, order_id: int) -> None:
        today, sales, finance = clock.today(), self.sales, self.finance
        self._step("start_settlement", order_take_action, order_id=order_id,
                   action="start_settlement", actor=sales)
        statement = SettlementStatement.objects.get(order_id=order_id, status="draft")
        self._step("reconciliation_record", reconciliation_record, statement_id=statement.pk,
                   actor=sales, channel="phone", contact_name="王经理", confirmed_on=today,
                   confirmed_amount=statement.total_gross, payment_method="bank_transfer",
                   note="")
        self._step("statement_submit", statement_submit, statement_id=statement.pk,
                   actor=sales)
        task = ApprovalTask.objects.get(request__subject_kind="statement",
                                        request__subject_id=statement.pk, assignee=finance,
                                        status=TaskStatus.PENDING)
        self._step("statement_audit", task_approve, task_id=task.pk, actor=finance,
                   comment="审核无误")
        self.invoices += 1
        self._step("invoice_issue", invoice_issue, order_id=order_id, actor=finance,
                   kind="vat_special", number=f"{44000000 + self.invoices:08d}",
                   issued_on=today, net_amount=statement.total_net,
                   tax_amount=statement.total_tax)
        for instalment in Instalment.objects.filter(order_id=order_id).order_by("position"):
            self._step("receipt_record", receipt_record, instalment_id=instalment.pk,
                       actor=finance, received_on=today, amount=instalment.amount,
                       method="bank_transfer")


def _worker(index: int, count: int, barrier, results) -> None:
    """One worker process: a warm-up lifecycle, then `count` measured ones; an error is
    reported to the parent (and breaks the barrier) instead of leaving it waiting."""
    try:
        _work(index, count, barrier, results)
    except BaseException as exc:
        barrier.abort()
        results.put({"error": f"worker {index}: {exc!r} {getattr(exc, 'errors', '')}"})
        raise


def _work(index: int, count: int, barrier, results) -> None:
    life = Lifecycle()
    life.invoices = index * 1_000_000  # invoice numbers unique across the workers
    life.run()  # warm-up
    for queries in (life.queries, life.flow.queries, life.execution.queries):
        queries.clear()
    commits = Commits()
    barrier.wait()
    cpu_started = time.process_time()
    ids = [life.run() for _ in range(count)]
    steps = {**life.flow.queries, **life.execution.queries, **life.queries}
    results.put({"ids": ids, "cpu": time.process_time() - cpu_started,
                 "commits": commits.count, "steps": steps,
                 "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss})


def service(count: int, workers: int = 1) -> dict:
    """`count` lifecycles on `workers` processes at once (each its own connection, like
    web or worker processes of one server); wall time from the common start to the last."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(workers + 1), context.Queue()
    shares = [count // workers + (1 if i < count % workers else 0) for i in range(workers)]
    processes = [context.Process(target=_worker, args=(i, share, barrier, results))
                 for i, share in enumerate(shares)]
    for process in processes:
        process.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass  # a worker failed: its error is in the results
    started = time.perf_counter()
    done = [results.get(timeout=3600) for _ in processes]
    errors = [r["error"] for r in done if "error" in r]
    if errors:
        raise RuntimeError("; ".join(errors))
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    steps = defaultdict(list)
    for result in done:
        for name, counts in result["steps"].items():
            steps[name].extend(counts)
    ids = [i for result in done for i in result["ids"]]
    queries = sum(sum(v) for v in steps.values())
    actions = sum(len(v) for v in steps.values())
    archived = Order.objects.filter(pk__in=ids, status="archived").count()
    return {"lifecycles": count, "workers": workers, "archived": archived,
            "seconds": round(elapsed, 3), "lifecycles_per_s": round(count / elapsed, 2),
            "actions_per_lifecycle": round(actions / count, 1),
            "queries_per_lifecycle": round(queries / count, 1),
            "transactions_per_lifecycle": round(sum(r["commits"] for r in done) / count, 1),
            "cpu_ms_per_lifecycle": round(sum(r["cpu"] for r in done) / count * 1000, 1),
            "queries_per_action": {k: sorted(set(v)) for k, v in steps.items()},
            "peak_rss_mb": round(max(r["rss"] for r in done) / 1024, 1)}


INDUSTRIES = ["机械制造", "汽车零部件", "电力设备", "化工", "食品加工", "建筑工程"]


def _bulk_archive(count: int, rng) -> dict:
    """`count` archived orders and their dossiers, inserted directly (setup)."""
    people, customers = _bulk_people(rng)
    products = list(Product.objects.order_by("id"))
    now, batch = clock.now(), 5000
    for start in range(0, count, batch):
        orders, dossiers = [], []
        for i in range(start, min(start + batch, count)):
            seller, net = rng.choice(people), Decimal(rng.randint(1000, 2000000))
            when = now - dt.timedelta(days=rng.randint(0, 1500), minutes=i % 1440)
            customer, product = rng.choice(customers), rng.choice(products)
            orders.append(Order(
                number=f"SO-2024-{i + 1:06d}", status="archived", channel="phone",
                customer=customer, contact_name="王经理", order_date=when.date(),
                total_net=net, total_tax=net * Decimal("0.13"),
                total_gross=net * Decimal("1.13"), salesperson=seller, created_by=seller,
                created_at=when, updated_at=when))
            dossiers.append(Dossier(
                number=f"DA-{when.year}-{i + 1:06d}", order_number=f"SO-2024-{i + 1:06d}",
                archived_by=seller, archived_at=when, year=when.year, month=when.month,
                order_type=rng.choice(["standard", "standard", "customised", "service"]),
                product_kind=product.kind, main_product=product, customer=customer,
                customer_industry=rng.choice(INDUSTRIES), amount=net * Decimal("1.13"),
                manifest_sha256="0" * 64))
        Order.objects.bulk_create(orders)
        for order, dossier in zip(orders, dossiers, strict=True):
            dossier.order = order
        Dossier.objects.bulk_create(dossiers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"customer_ids": [c.pk for c in customers[:50]],
            "product_ids": [p.pk for p in products]}


def _index_queries(volume: dict, count: int, rng) -> list[dict]:
    """The filters an archivist uses on the index (P9.1.2, P9.2)."""
    year = clock.today().year
    filter_sets = [
        {}, {"page": 4}, {"customer": rng.choice(volume["customer_ids"])},
        {"year": year - 1, "month": rng.randint(1, 12)},
        {"date_from": f"{year - 2}-01-01", "date_to": f"{year - 2}-03-31"},
        {"order_type": "customised"}, {"industry": rng.choice(INDUSTRIES)},
        {"product_kind": "service"}, {"product": rng.choice(volume["product_ids"])},
        {"amount_min": 500000, "amount_max": 800000},
        {"q": f"SO-2024-{rng.randint(1, count):06d}"},       # a whole order number
        {"q": f"SO-2024-0{rng.randint(1000, 9999)}"},        # part of one
        {"q": f"{rng.randint(1, count):06d}"},                 # the end of one
        {"industry": rng.choice(INDUSTRIES)[:2]},              # part of an industry
        {"customer_name": "第12"},
        {"order_type": "standard", "industry": rng.choice(INDUSTRIES),
         "amount_min": 100000},
    ]
    return filter_sets


def search(count: int, requests: int) -> dict:
    rng = random.Random(9)
    volume = _bulk_archive(count, rng)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench_head"))
    filter_sets = _index_queries(volume, count, rng)
    for params in filter_sets:  # warm-up, and each must answer 200
        response = client.get("/archive/", params)
        assert response.status_code == 200, (params, response.status_code)
    timings, per_filter = [], defaultdict(list)
    for n in range(requests):
        params = filter_sets[n % len(filter_sets)]
        started = time.perf_counter()
        client.get("/archive/", params)
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        per_filter[json.dumps(params, ensure_ascii=False)].append(elapsed)
    timings.sort()
    return {"dossiers": Dossier.objects.count(), "requests": requests,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "max_ms": round(timings[-1], 1),
            "slowest_filters": sorted(((round(max(v), 1), k) for k, v in per_filter.items()),
                                      reverse=True)[:4]}


if __name__ == "__main__":
    step = sys.argv[1]
    args = [int(a) for a in sys.argv[2:]]
    result = {"prepare": execution_side.prepare, "service": lambda: service(*args),
              "search": lambda: search(args[0], args[1])}[step]()
    print(json.dumps(result, ensure_ascii=False))
