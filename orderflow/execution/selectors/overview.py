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
