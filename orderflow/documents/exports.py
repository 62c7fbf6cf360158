"""What can be exported in the background (a registry keyed by kind).

Each capability registers its exports (the archive index, receivables, settlement
records...): who may run it, how its filters are cleaned, the headers and the rows. The
worker writes the rows into an .xlsx file in constant memory and reports progress, so an
export of 100,000 rows neither blocks a web server nor leaves the user guessing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExportKind:
    kind: str
    # () -> str: the sheet's title and the file name's stem, in the requester's language
    title: Callable[[], str]
    # (user) -> bool
    allowed: Callable[..., bool]
    # (user, params: dict) -> dict of cleaned, JSON-able filters; raises ValidationFailed
    # field by field (a filter may depend on the user: amounts only for who sees prices)
    clean: Callable[..., dict]
    # (user, params) -> list of column headers
    headers: Callable[..., list[str]]
    # (user, params) -> the rows (lists of cell values); visibility applied for that user
    rows: Callable[..., Iterable[list]]
    # (user, params) -> how many rows to expect (for the progress bar)
    count: Callable[..., int]
    widths: list[int] = field(default_factory=list)


EXPORTS: dict[str, ExportKind] = {}


def register_export(kind: ExportKind) -> ExportKind:
    EXPORTS[kind.kind] = kind
    return kind
