#!/usr/bin/env python
"""Whole-lifecycle benchmark (issue 5, Benchmark). Not a timed test.

    .venv/bin/python bench/lifecycle.py [--orders N] [--db sqlite|postgres|both]
                                        [--workers 1,2] [--archive-rows N]
                                        [--search-requests R]

On each database (a fresh SQLite file, and a fresh PostgreSQL database `orderflow_bench`,
created and dropped here): N orders through the whole policy, on 1 and then 2 worker
processes at once (--workers), one transaction per action as in a request (create, check,
review, approval, sign-off, release, execution, settlement, archive). Prints lifecycles/s,
CPU, queries and transactions per lifecycle, queries per action and peak RSS. Then, on
PostgreSQL, the archive index over N archived orders (100,000 by default): p50/p95 of R
index pages with the filters an archivist uses, as a Sales head, in-process (middleware,
view, template).
Results: bench/results/lifecycle-<time>.json.
"""

import argparse
import os
import sys
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


def step(env: dict, *args) -> dict:
    return side_step("lifecycle_side", env, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=50, help="lifecycles per database (50)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", default="1,2",
                        help="worker processes per run, comma-separated (1,2): each count "
                             "is one run of --orders lifecycles")
    parser.add_argument("--archive-rows", type=int, default=100_000,
                        help="archived orders for the index test (100000; 0 skips it)")
    parser.add_argument("--search-requests", type=int, default=200)
    args = parser.parse_args()
    try:
        worker_counts = [int(w) for w in args.workers.split(",")]
    except ValueError:
        parser.error("--workers: numbers separated by commas")
    if not (1 <= args.orders <= 2000 and all(1 <= w <= 16 for w in worker_counts)
            and 0 <= args.archive_rows <= 1_000_000 and 1 <= args.search_requests <= 10_000):
        parser.error("a count is out of range")
    load_before, speed = os.getloadavg(), python_speed()
    results = {}
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for kind in kinds:
        for workers in worker_counts:
            with database(kind) as env:
                step(env, "prepare")
                key = f"{kind}-{workers}w"
                results[key] = step(env, "service", args.orders, workers)
                print(f"[{kind}, {workers} worker(s)] whole lifecycle: {results[key]}",
                      flush=True)
    if args.archive_rows and "postgres" in kinds:
        with database("postgres") as env:
            step(env, "prepare")
            results["archive_search"] = step(env, "search", args.archive_rows,
                                             args.search_requests)
            print(f"[postgres] archive index: {results['archive_search']}", flush=True)
    results["machine"] = machine_facts(load_before, speed)
    write_results("lifecycle-", args, results)


if __name__ == "__main__":
    main()
