"""What goes into an archive dossier (P9.1.1): a registry of sources, one function per
capability taking the order and answering its documents (and notes on what is missing).

A capability adds its documents in one place: `@register_source("settlement")` on a
function `order -> Collected`. Sources run in the archiving transaction, on the locked
order; they read rows and stored files, and never render (PDFs are rendered by the
worker: a report not rendered yet is listed as missing).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArchiveFile:
    kind: str             # models.DocumentKind
    title: str
    name: str             # file name in the dossier's folder
    content: bytes
    content_type: str
    source: str           # what it was made from, e.g. "orders.attachment:12"
    holds_prices: bool = False  # P9.2.2: withheld from those who may not see prices


@dataclass
class Collected:
    files: list[ArchiveFile] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # notes kept with the dossier


SOURCES: dict[str, Callable[..., Collected]] = {}


def register_source(name: str):
    """Declare a source of dossier documents (called in registration order)."""

    def decorator(func):
        SOURCES[name] = func
        return func

    return decorator


# What keeps an order out of the archive for now: name -> function(order) -> reason or "".
BLOCKERS: dict[str, Callable[..., str]] = {}


def register_blocker(name: str):
    """Declare a check run before archiving: a non-empty answer refuses it (a capability
    that still owes something on the order says so here)."""

    def decorator(func):
        BLOCKERS[name] = func
        return func

    return decorator


def blockers(order) -> list[str]:
    """Why the order cannot be archived yet (empty: it can)."""
    from . import builtin, settlement  # noqa: F401  (register their checks)

    return [reason for check in BLOCKERS.values() if (reason := check(order))]


def collect(order) -> Collected:
    """Every registered source's documents and notes for the order, in order."""
    from . import builtin, settlement  # noqa: F401  (register their sources)

    result = Collected()
    # The audit trail comes last: it records what the other documents were made from.
    for _name, source in sorted(SOURCES.items(), key=lambda item: item[0] == "audit"):
        part = source(order)
        result.files.extend(part.files)
        result.missing.extend(part.missing)
    return result
