#!/usr/bin/env python
"""Review and approval throughput (issue 3, Benchmark). Not a timed test.

    .venv/bin/python bench/review_approval.py [--orders N] [--skip-http] [--clients C]
                                              [--reports N]

On PostgreSQL (database `orderflow_bench`, created and dropped here): N orders through
the ten steps check -> start review -> 5 department opinions -> 3 approval steps, and the
Sales head's sign-off, (a) in-process through the services and (b) over HTTP through the
JSON API on gunicorn with 2 workers; orders/s, queries per action, peak RSS. Then the
review report PDFs are rendered as the worker renders them (ms per report).
Results: bench/results/review-<time>.json.
"""

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.orders import (  # noqa: E402
    database,
    machine_facts,
    python_speed,
    side_step,
    write_results,
)
from bench.web_client import HOST, Gunicorn, percentile  # noqa: E402


def flow_step(env: dict, *args) -> dict:
    return side_step("flow_side", env, *args)


class Api:
    """A keep-alive JSON client for one benchmark thread."""

    def __init__(self, port: int, tokens: dict):
        import http.client

        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.tokens, self.requests = tokens, 0

    def call(self, user: str, method: str, path: str, body: dict | None = None):
        headers = {"Authorization": f"Token {self.tokens[user]}",
                   "Content-Type": "application/json"}
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        self.requests += 1
        if response.status >= 400:
            raise RuntimeError(f"{method} {path} as {user}: {response.status} {payload[:300]!r}")
        return json.loads(payload) if payload else None


# A passing opinion of each department (the typed fields each one requires, P3.2.x).
DETAILS = {
    "technology": {"feasibility": "feasible"},
    "production": {"capacity": "sufficient", "resources": "现有两条产线，按计划排产"},
    "quality": {"standards": "GB/T 19001", "control_measures": "首件检验，过程抽检"},
    "procurement": {"materials": "钢材、轴承", "lead_time_days": 10},
    "finance": {"estimated_cost": "5000", "margin_percent": "25"},
}


def http_flow(api: Api, order_id: int) -> None:
    """One order through the ten steps and the sign-off over the API, as the users do."""
    base = f"/api/orders/{order_id}"
    api.call("bench_sales", "POST", f"{base}/actions/check", {})
    api.call("bench_sales", "POST", f"{base}/actions/start_review", {})
    review = api.call("bench_sales", "GET", f"{base}/reviews")[0]
    for opinion in review["opinions"]:
        dept = opinion["department"]["code"]
        api.call(f"bench_{dept}", "POST", f"/api/review-opinions/{opinion['id']}",
                 {"conclusion": "pass", "text": "同意", "details": DETAILS[dept]})
    for _ in range(3):
        request = api.call("bench_sales", "GET", f"{base}/approvals")[0]
        version = api.call("bench_sales", "GET", base)["version"]
        task = next(t for s in request["stages"] if s["status"] == "active"
                    for t in s["tasks"] if t["status"] == "pending")
        api.call(task["assignee"]["username"], "POST",
                 f"/api/approval-tasks/{task['id']}/approve",
                 {"comment": "同意", "seen_version": version})
    api.call("bench_head", "POST", f"{base}/actions/sign_off", {"comment": "签发"})


def http_bench(port: int, tokens: dict, order_ids: list[int], clients: int) -> dict:
    def run(ids):
        api, latencies = Api(port, tokens), []
        for order_id in ids:
            started = time.perf_counter()
            http_flow(api, order_id)
            latencies.append(time.perf_counter() - started)
        return latencies, api.requests

    warm, measured = order_ids[:2], order_ids[2:]
    run(warm)
    shares = [measured[i::clients] for i in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(run, shares))
    elapsed = time.perf_counter() - started
    latencies = [x for lat, _r in results for x in lat]
    requests = sum(r for _l, r in results)
    return {"orders": len(measured), "clients": clients, "seconds": round(elapsed, 3),
            "orders_per_s": round(len(measured) / elapsed, 2),
            "requests_per_order": round(requests / len(measured), 1),
            "requests_per_s": round(requests / elapsed, 1),
            "order_ms_p50": round(percentile(latencies, 50) * 1000, 1),
            "order_ms_p95": round(percentile(latencies, 95) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300, help="orders per path (300)")
    parser.add_argument("--skip-http", action="store_true", help="in-process only")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--reports", type=int, default=30, help="report PDFs to render")
    args = parser.parse_args()
    if not (1 <= args.orders <= 20_000 and 1 <= args.clients <= 32
            and 0 <= args.reports <= 1000):
        parser.error("a count is out of range")
    load_before, speed = os.getloadavg(), python_speed()
    results = {}
    with database("postgres") as env:
        info = flow_step(env, "prepare")
        results["service"] = flow_step(env, "service", args.orders)
        print(f"service layer: {results['service']}", flush=True)
        if not args.skip_http:
            ids = flow_step(env, "orders", args.orders + 2)["order_ids"]
            with Gunicorn(env, workers=2) as server:
                cpu_before = server.cpu_seconds()
                results["http"] = http_bench(server.port, info["tokens"], ids, args.clients)
                results["http"]["server_cpu_ms_per_order"] = round(
                    (server.cpu_seconds() - cpu_before) / args.orders * 1000, 1)
                results["http"]["peak_rss_mb"] = server.peak_rss_mb()
            print(f"HTTP API: {results['http']}", flush=True)
        if args.reports:
            results["report_pdf"] = flow_step(env, "render", args.reports)
            print(f"review report PDF: {results['report_pdf']}", flush=True)
    results["machine"] = machine_facts(load_before, speed)
    write_results("review-", args, results)


if __name__ == "__main__":
    main()
