"""The HTTP side of the benchmark: a gunicorn server as a subprocess, and its clients.

Only 127.0.0.1; every loop is bounded (request counts, start-up and shut-down timeouts).
"""

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


class Gunicorn:
    """`gunicorn orderflow.wsgi` with N workers on a free port; stopped on exit."""

    def __init__(self, env: dict, *, workers: int = 2, worker_class: str = "sync",
                 threads: int = 1):
        self.env, self.port = env, free_port()
        self.args = [str(ROOT / ".venv/bin/gunicorn"), "orderflow.wsgi:application",
                     "-w", str(workers), "-k", worker_class, "--threads", str(threads),
                     "-b", f"{HOST}:{self.port}", "--log-level", "warning"]
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                status, _body, _headers = request(self.port, "GET", "/login/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the workers so far (clock ticks from /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / ticks

    def peak_rss_mb(self) -> dict:
        """VmHWM (peak resident set) of the master and of each worker, in MB."""
        def hwm(pid):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
            return 0.0

        return {"master": hwm(self.proc.pid), "workers": [hwm(p) for p in self.worker_pids()]}


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None, conn: http.client.HTTPConnection | None = None):
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response.headers
    finally:
        if own:
            conn.close()


def post_orders(port: int, token: str, payload: dict, count: int, clients: int) -> dict:
    """`count` POST /api/orders from `clients` threads; orders/s, latency, failures."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def run(share: int):
        conn = http.client.HTTPConnection(HOST, port, timeout=60)  # reopened when closed
        latencies, failures = [], []
        for _ in range(share):
            started = time.perf_counter()
            status, data, _h = request(port, "POST", "/api/orders", body, headers, conn)
            latencies.append(time.perf_counter() - started)
            if status != 201:
                failures.append(f"{status} {data[:300]!r}")
        conn.close()
        return latencies, failures

    shares = [count // clients + (1 if i < count % clients else 0) for i in range(clients)]
    run(min(10, count))  # warm-up: each worker imports and connects once
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(run, shares))
    elapsed = time.perf_counter() - started
    latencies = [x for lat, _f in results for x in lat]
    failures = [x for _l, fail in results for x in fail]
    return {"orders": count - len(failures), "failed": len(failures),
            "first_failure": failures[0] if failures else "", "clients": clients,
            "seconds": round(elapsed, 3), "orders_per_s": round(count / elapsed, 1),
            "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
            "latency_ms_p95": round(percentile(latencies, 95) * 1000, 1)}


def _cookies(headers) -> dict:
    found = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _sep, rest = value.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def login(port: int, username: str, password: str) -> str:
    """Log in through the login form; returns the Cookie header of the session."""
    status, page, headers = request(port, "GET", "/login/")
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None or "csrftoken" not in cookies:
        raise RuntimeError(f"login page unusable: {status}")
    form = urlencode({"username": username, "password": password,
                      "csrfmiddlewaretoken": token.group(1).decode()}).encode()
    status, _body, headers = request(port, "POST", "/login/", form, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookies['csrftoken']}"})
    cookies.update(_cookies(headers))
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login failed: {status}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def list_latency(port: int, cookie: str, queries: list[str], count: int,
                 path: str = "/orders/") -> dict:
    """`count` sequential GETs of the order list cycling through filter `queries`."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    for query in queries:  # warm-up, and every filter must answer 200
        status, _b, _h = request(port, "GET", f"{path}?{query}", None, {"Cookie": cookie}, conn)
        if status != 200:
            raise RuntimeError(f"GET {path}?{query} answered {status}")
    by_query: dict[str, list[float]] = {q: [] for q in queries}
    for i in range(count):
        query = queries[i % len(queries)]
        started = time.perf_counter()
        status, _b, _h = request(port, "GET", f"{path}?{query}", None, {"Cookie": cookie}, conn)
        by_query[query].append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"GET {path}?{query} answered {status}")
    conn.close()
    latencies = [x for values in by_query.values() for x in values]
    slowest = max(by_query, key=lambda q: percentile(by_query[q], 95))
    return {"requests": count, "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
            "latency_ms_p95": round(percentile(latencies, 95) * 1000, 1),
            "latency_ms_max": round(max(latencies) * 1000, 1),
            "p95_ms_by_filter": {q or "(none)": round(percentile(v, 95) * 1000, 1)
                                 for q, v in by_query.items()},
            "slowest_filter": slowest or "(none)"}
