"""The order page's execution panel (P5, P6.1.2): one line per department's package with
its progress and its open items (problems, late deliveries, open nonconformances...).
Each department's selectors module provides `summary(order, package) -> Summary` in a
bounded number of queries (at most 2)."""

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class OpenItem:
    """Something not finished that Sales should see (P6.1.1): a problem, a late delivery."""

    text: str
    due: dt.date | None = None
    late: bool = False
    url: str = ""


@dataclass
class Summary:
    headline: str                       # e.g. "3 of 5 tasks done", "2 contracts, 1 late"
    percent: int | None = None          # 0-100 when the department measures progress
    open_items: list[OpenItem] = field(default_factory=list)


def execution_summaries(order, packages) -> dict[int, Summary]:
    """Package id -> its department's summary, for the packages whose department has a
    module (all six standard departments)."""
    from . import finance, logistics, procurement, production, quality, technology

    modules = {m.DEPT: m for m in (production, procurement, quality, technology, logistics,
                                   finance) if hasattr(m, "summary")}
    out = {}
    for package in packages:
        module = modules.get(package.department.code)
        if module is not None:
            out[package.pk] = module.summary(order, package)
    return out


def _package_url(package_id: int) -> str:
    return f"/work-packages/{package_id}/"


def _production(user, limit):
    from .production import open_problems

    return [OpenItem(f"{p.order.number} · {p.get_kind_display()}: {p.description[:60]}",
                     p.due_date, p.due_date is not None and p.due_date < _today(),
                     _package_url(p.package_id)) for p in open_problems(user, limit=limit)]


def _procurement(user, limit):
    from .procurement import late_contracts

    return [OpenItem(f"{c.number} · {c.supplier.name} · {c.order.number}", c.delivery_date,
                     True, _package_url(c.package_id))
            for c in late_contracts(user, limit=limit)]


def _quality(user, limit):
    from .quality import nonconformances

    return [OpenItem(f"{n.number} · {n.product.name} · {n.order.number} · "
                     f"{n.get_status_display()}", None, False,
                     _package_url(n.record.package_id))
            for n in nonconformances(user, status="open", limit=limit)]


def _technology(user, limit):
    from .technology import support_requests

    return [OpenItem(f"{r.order.number} · {r.subject} · {r.get_status_display()}",
                     r.needed_by, r.needed_by is not None and r.needed_by < _today(),
                     _package_url(r.package_id)) for r in support_requests(user, limit=limit)]


def _logistics(user, limit):
    from orderflow.orders.selectors import visible_to

    from .logistics import shipments_list

    shipments = shipments_list(visible_to(user).values("pk"), status="shipped", limit=limit)
    return [OpenItem(f"{s.number} · {s.carrier} {s.tracking_number} · {s.order.number}",
                     s.order.delivery_date,
                     s.order.delivery_date is not None and s.order.delivery_date < _today(),
                     _package_url(s.package_id)) for s in shipments]


def _today():
    from orderflow.core import clock

    return clock.today()


# What a department's workspace lists besides its packages (P6.1.2): the open items of
# its own records, across orders, bounded.
WORKSPACE_ITEMS = {"production": _production, "procurement": _procurement,
                   "quality": _quality, "technology": _technology, "logistics": _logistics}


def workspace_items(user, dept: str, *, limit: int = 20) -> list[OpenItem]:
    """Open problems (Production), late supplier deliveries (Procurement), open
    nonconformance notices (Quality), unresolved support requests (Technology),
    shipments not yet delivered (Logistics); empty for other departments."""
    items = WORKSPACE_ITEMS.get(dept)
    return items(user, limit) if items else []
