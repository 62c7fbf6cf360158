#!/usr/bin/env python
"""Release and execution benchmark (issue 4, Benchmark). Not a timed test.

    .venv/bin/python bench/execution.py [--orders N] [--prints N]

On PostgreSQL (database `orderflow_bench`, created and dropped here): N orders are carried
to sign-off (setup, not measured), then each is released to the six departments and
carried in-process through every department's execution records (production tasks and
progress, a purchase contract signed, received, inspected and closed, final inspections
with reports, a shipment delivered, cost records) until every package is done and the
order is executed. Prints orders/s, queries per action (release must be one constant
figure) and peak RSS. Then a 20-line order is printed sealed N times (ms per PDF).
Results: bench/results/execution-<time>.json.
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
    return side_step("execution_side", env, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100, help="orders to execute (100)")
    parser.add_argument("--prints", type=int, default=20, help="sealed prints (20)")
    args = parser.parse_args()
    if not (1 <= args.orders <= 5000 and 1 <= args.prints <= 500):
        parser.error("a count is out of range")
    load_before, speed = os.getloadavg(), python_speed()
    results = {}
    with database("postgres") as env:
        step(env, "prepare")
        results["setup"] = step(env, "approved", args.orders + 2)
        results["service"] = step(env, "service", args.orders)
        print(f"release and execution: {results['service']}", flush=True)
        results["print_pdf"] = step(env, "print", args.prints)
        print(f"printed order PDF: {results['print_pdf']}", flush=True)
    results["machine"] = machine_facts(load_before, speed)
    write_results("execution-", args, results)


if __name__ == "__main__":
    main()
