"""Benchmark steps that run inside Django, one process per step and database.

    python -m bench.django_side prepare
    python -m bench.django_side service N
    python -m bench.django_side bulk N

Each prints one JSON object on its last line of stdout (bench/orders.py reads it).
"""

import datetime as dt
import json
import os
import random
import resource
import sys
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from orderflow.accounts.domain.organisation import Dept, Role  # noqa: E402
from orderflow.accounts.models import Department, User, UserRole  # noqa: E402
from orderflow.accounts.services import api_token_create  # noqa: E402
from orderflow.core import clock  # noqa: E402
from orderflow.masterdata.models import Customer, Product  # noqa: E402
from orderflow.orders.models import Order  # noqa: E402
from orderflow.orders.services import order_create  # noqa: E402

PASSWORD = "bench-pass-12345"
HEAD, SALES = "bench_head", "bench_sales"


def order_fields(customer_id: int, product_ids: list[int], lines: int = 3) -> dict:
    """A complete order like orderflow.testing.factories.order_payload, JSON-friendly."""
    today = clock.today()
    return {
        "customer_id": customer_id, "channel": "phone", "contact_name": "王经理",
        "contact_phone": "13812345678", "order_date": today.isoformat(),
        "delivery_date": (today + dt.timedelta(days=90)).isoformat(),
        "delivery_place": "上海市浦东新区张江路100号",
        "lines": [{"product_id": product_ids[i % len(product_ids)], "quantity": "2"}
                  for i in range(lines)],
        "instalments": [{"percent": "30", "trigger": "on_order", "days": 0},
                        {"percent": "70", "trigger": "after_delivery", "days": 30}],
        "special_requirements": [],
    }


def _user(username: str, dept: Dept, role: Role, full_name: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name,
                                    department=Department.objects.get(code=dept))
    UserRole.objects.create(user=user, role=role)
    return user


def prepare() -> dict:
    """Schema, a salesperson with an API token, a Sales head, a customer, ten products."""
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        sales = _user(SALES, Dept.SALES, Role.STAFF, "张伟")
        _user(HEAD, Dept.SALES, Role.DEPT_HEAD, "李娜")
        customer = Customer.objects.create(
            code="B0001", name="上海基准测试机械有限公司", tax_id="91310000BENCH00001",
            credit_rating="A", credit_limit=Decimal("1000000000"), owner=sales)
        products = Product.objects.bulk_create([
            Product(code=f"BP{i:03d}", name=f"液压泵 {i}", specification=f"HP-{i}", unit="台",
                    standard_price=Decimal("1000.00") + i, min_lead_days=10)
            for i in range(10)])
        _token, key = api_token_create(actor=sales, name="bench")
    return {"token": key, "customer_id": customer.pk, "product_ids": [p.pk for p in products],
            "head": HEAD, "password": PASSWORD}


def _queries_per_order(sales, fields_for) -> dict:
    counts = {}
    for lines in (1, 3, 10):
        seen = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                order_create(actor=sales, **fields_for(lines))
            seen.append(len(ctx.captured_queries))
        counts[lines] = max(seen)
    return counts


def service(count: int) -> dict:
    """N orders with 3 lines through order_create, one transaction each (as in a request)."""
    sales = User.objects.get(username=SALES)
    customer = Customer.objects.get(code="B0001")
    product_ids = list(Product.objects.order_by("id").values_list("id", flat=True))

    def fields_for(lines):
        return order_fields(customer.pk, product_ids, lines)

    for _ in range(5):  # warm-up: caches, the year's number counter
        order_create(actor=sales, **fields_for(3))
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(count):
        order_create(actor=sales, **fields_for(3))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"orders": count, "seconds": round(elapsed, 3),
            "orders_per_s": round(count / elapsed, 1),
            "cpu_ms_per_order": round(cpu / count * 1000, 2),
            "queries_per_order": _queries_per_order(sales, fields_for),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


_STATES = (["draft"] * 10 + ["awaiting_customer"] * 5 + ["escalated"] * 2 + ["checked"] * 20
           + ["declined"] * 2 + ["cancelled"] * 5)


def _bulk_people(rng):
    sales_dept = Department.objects.get(code=Dept.SALES)
    people = User.objects.bulk_create([
        User(username=f"bulk_sales{i}", full_name=f"销售{i}", department=sales_dept)
        for i in range(20)])
    customers = Customer.objects.bulk_create([
        Customer(code=f"BK{i:04d}", name=f"{rng.choice(['苏州', '宁波', '青岛', '成都'])}"
                 f"第{i}机械有限公司", tax_id=f"91BULK{i:012d}", credit_limit=Decimal("5000000"))
        for i in range(500)])
    return people, customers


def bulk(count: int) -> dict:
    """Data volume for the list page: N orders inserted directly (setup, not measured)."""
    rng = random.Random(100)
    people, customers = _bulk_people(rng)
    now, today, batch = clock.now(), clock.today(), 5000
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(start + batch, count)):
            seller, net = rng.choice(people), Decimal(rng.randint(1000, 2000000))
            rows.append(Order(
                number=f"SO-2025-{i + 1:06d}", status=rng.choice(_STATES), channel="phone",
                customer=rng.choice(customers), contact_name="王经理",
                contact_phone="13812345678", customer_po=f"PO{i:07d}",
                order_date=today - dt.timedelta(days=rng.randint(0, 730)),
                delivery_date=today + dt.timedelta(days=rng.randint(10, 200)),
                delivery_place="上海市浦东新区张江路100号", total_net=net,
                total_tax=net * Decimal("0.13"), total_gross=net * Decimal("1.13"),
                has_special_requirements=rng.random() < 0.1, salesperson=seller,
                created_by=seller, created_at=now, updated_at=now))
        Order.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"orders": Order.objects.count(), "customer_ids": [c.pk for c in customers[:50]],
            "salesperson_ids": [p.pk for p in people]}


if __name__ == "__main__":
    step = sys.argv[1]
    result = {"prepare": prepare, "service": lambda: service(int(sys.argv[2])),
              "bulk": lambda: bulk(int(sys.argv[2]))}[step]()
    print(json.dumps(result))
