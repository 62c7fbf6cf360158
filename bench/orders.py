#!/usr/bin/env python
"""Order throughput and order-list latency (issue 2, Benchmark). Not a timed test.

    .venv/bin/python bench/orders.py [--orders N] [--db sqlite|postgres|both]
                                     [--skip-http] [--list-rows N] [--clients C]

For each database (SQLite file in a temp folder; PostgreSQL database `orderflow_bench`,
created and dropped here): N orders with 3 lines (a) through the service layer and
(b) through POST /api/orders on gunicorn with 2 workers; orders/s, queries per order,
peak RSS. On PostgreSQL also the order list page p95 with --list-rows orders (bulk
inserted as setup), as a logged-in Sales head. Results: bench/results/<time>.json.
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web_client import Gunicorn, list_latency, login, post_orders  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "orderflow_bench"


def side_step(module: str, env: dict, *args) -> dict:
    """Run one step of a bench/*_side.py module in its own process; its last line is JSON."""
    out = subprocess.run([sys.executable, "-m", f"bench.{module}", *map(str, args)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode:
        raise RuntimeError(f"bench.{module} {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def django_step(env: dict, *args) -> dict:
    return side_step("django_side", env, *args)


def machine_facts(load_before, speed) -> dict:
    return {"cpus": os.cpu_count(), "python_loop_s": speed,
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()]}


def write_results(prefix: str, args, results: dict) -> None:
    """bench/results/<prefix><time>.json with the arguments and the results."""
    out = ROOT / "bench" / "results" / f"{prefix}{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), "results": results}, indent=2,
                              ensure_ascii=False))
    print(f"\nwritten: {out.relative_to(ROOT)}")


@contextmanager
def database(kind: str):
    """A fresh, empty database and the environment that points Django at it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "bench.settings",
           "BENCH_DB": kind}
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="orderflow-bench-")
        env["BENCH_SQLITE_PATH"] = f"{folder}/bench.sqlite3"
        try:
            yield env
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    def admin(sql):
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql)

    admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {PG_DB}")
    env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"
    try:
        yield env
    finally:
        admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def order_payload(info: dict) -> dict:
    today = dt.date.today()
    return {
        "customer_id": info["customer_id"], "channel": "phone", "contact_name": "王经理",
        "contact_phone": "13812345678", "order_date": today.isoformat(),
        "delivery_date": (today + dt.timedelta(days=90)).isoformat(),
        "delivery_place": "上海市浦东新区张江路100号",
        "lines": [{"product_id": pid, "quantity": "2"} for pid in info["product_ids"][:3]],
        "instalments": [{"percent": "30", "trigger": "on_order", "days": 0},
                        {"percent": "70", "trigger": "after_delivery", "days": 30}],
        "special_requirements": [],
    }


def list_queries(volume: dict) -> list[str]:
    """The filters a Sales head uses on the order list (issue 2 §8), as query strings."""
    rng, today = random.Random(5), dt.date.today()
    customers, people = volume["customer_ids"], volume["salesperson_ids"]
    filters = [
        [], [("page", 4)], [("status", "checked")],
        [("status", "draft"), ("status", "awaiting_customer")],
        [("customer", rng.choice(customers))], [("salesperson", rng.choice(people))],
        [("date_from", today - dt.timedelta(days=90)), ("date_to", today - dt.timedelta(30))],
        [("amount_min", 500000), ("amount_max", 800000)], [("special", 1)],
        [("status", "checked"), ("salesperson", rng.choice(people)), ("amount_min", 100000)],
        [("q", f"SO-2025-{rng.randint(1, 99999):06d}")],  # a whole order number
        [("q", f"SO-2025-0{rng.randint(1000, 9999)}")],  # part of one (matches ten)
        [("q", "第123机械")],
    ]
    return [urlencode(pairs) for pairs in filters]


def bench_database(kind: str, args) -> dict:
    result = {}
    with database(kind) as env:
        info = django_step(env, "prepare")
        result["service"] = django_step(env, "service", args.orders)
        print(f"[{kind}] service layer: {result['service']}", flush=True)
        if not args.skip_http:
            with Gunicorn(env, workers=2, worker_class=args.worker_class,
                          threads=args.threads) as server:
                cpu_before = server.cpu_seconds()
                result["http"] = post_orders(server.port, info["token"], order_payload(info),
                                             args.orders, args.clients)
                result["http"]["server_cpu_ms_per_order"] = round(
                    (server.cpu_seconds() - cpu_before) / args.orders * 1000, 2)
                result["http"]["peak_rss_mb"] = server.peak_rss_mb()
            print(f"[{kind}] HTTP API: {result['http']}", flush=True)
        if kind == "postgres" and args.list_rows and not args.skip_http:
            started = time.perf_counter()
            volume = django_step(env, "bulk", args.list_rows)
            print(f"[{kind}] bulk-inserted {args.list_rows} orders in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            with Gunicorn(env, workers=2) as server:
                cookie = login(server.port, info["head"], info["password"])
                result["order_list"] = list_latency(server.port, cookie, list_queries(volume),
                                                    args.list_requests)
            result["order_list"]["orders_in_db"] = volume["orders"]
            print(f"[{kind}] order list: {result['order_list']}", flush=True)
    return result


def summary(results: dict) -> str:
    rows = [f"{'database':<10}{'path':<9}{'orders/s':>10}{'CPU ms/order':>14}"
            f"{'q/order (1/3/10 lines)':>24}{'peak RSS MB':>14}"]
    for kind, res in results.items():
        if kind == "machine":
            rows.append(f"machine: {res}")
            continue
        svc = res["service"]
        q = svc["queries_per_order"]
        rows.append(f"{kind:<10}{'service':<9}{svc['orders_per_s']:>10}"
                    f"{svc['cpu_ms_per_order']:>14}"
                    f"{'/'.join(str(q[k]) for k in ('1', '3', '10')):>24}"
                    f"{svc['peak_rss_mb']:>14}")
        if "http" in res:
            rss = res["http"]["peak_rss_mb"]
            rows.append(f"{kind:<10}{'HTTP':<9}{res['http']['orders_per_s']:>10}"
                        f"{res['http']['server_cpu_ms_per_order']:>14}{'':>24}"
                        f"{max(rss['workers'] or [0]):>14}")
        if "order_list" in res:
            lst = res["order_list"]
            rows.append(f"order list with {lst['orders_in_db']} orders: p50 "
                        f"{lst['latency_ms_p50']} ms, p95 {lst['latency_ms_p95']} ms "
                        f"({lst['requests']} requests; slowest filter {lst['slowest_filter']})")
    return "\n".join(rows)


def python_speed() -> float:
    """Seconds of CPU for a fixed pure-Python loop: compares machines and noisy neighbours."""
    started, total = time.process_time(), 0
    for i in range(3_000_000):
        total += i * i % 7
    return round(time.process_time() - started, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders per path (1000)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--skip-http", action="store_true", help="service layer only")
    parser.add_argument("--list-rows", type=int, default=100_000,
                        help="orders for the list-page test on PostgreSQL (0: skip)")
    parser.add_argument("--list-requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    args = parser.parse_args()
    if not (1 <= args.orders <= 100_000 and 0 <= args.list_rows <= 1_000_000
            and 1 <= args.clients <= 64 and 1 <= args.list_requests <= 10_000):
        parser.error("a count is out of range")
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    load_before, speed = os.getloadavg(), python_speed()
    results = {kind: bench_database(kind, args) for kind in kinds}
    results["machine"] = machine_facts(load_before, speed)
    print("\n" + summary(results))
    write_results("", args, results)


if __name__ == "__main__":
    main()
