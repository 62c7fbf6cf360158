"""Spreadsheet imports of master data (P11 company data): every row is checked first, and
nothing is written unless every row is good; then one transaction writes them all.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.core.validation import Errors
from orderflow.documents.xlsx import read_sheet

from ..domain.columns import Column, match_headers


@dataclass(frozen=True)
class RowError:
    row: int      # as Excel numbers it; the header is row 1
    column: str   # the header as written in the file
    field: str
    message: str


class ImportFailed(ValidationFailed):
    """Some rows are bad; `rows` lists every problem, and nothing was written."""

    def __init__(self, rows: list[RowError]):
        errors: dict[str, list[str]] = {}
        for problem in rows:
            errors.setdefault(f"rows.{problem.row}.{problem.field}", []).append(problem.message)
        message = ngettext("%(n)s problem in the file; nothing was imported.",
                           "%(n)s problems in the file; nothing was imported.",
                           len(rows)) % {"n": len(rows)}
        super().__init__(errors, message=message)
        self.rows = rows


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


class ImportRun:
    """Stands for one import in the audit log (imports have no table of their own)."""

    _meta = SimpleNamespace(label_lower="masterdata.import")

    def __init__(self, kind: str, file_name: str):
        self.pk = f"{kind}-{clock.now():%Y%m%dT%H%M%S%f}"
        self.kind, self.file_name = kind, file_name

    def __str__(self):
        return f"{self.kind}: {self.file_name}"[:200]


Record = tuple[int, dict]


def read_records(upload, columns: tuple[Column, ...]) -> tuple[list[Record], dict[str, str]]:
    """(row number, {column key: value}) per data row, and each column's header text.

    Raises:
        ValidationFailed: {"file": [...]} for an unreadable file or missing columns.
    """
    sheet = read_sheet(upload)
    match = match_headers(list(sheet.header), columns)
    problems = [_("Missing column: %(zh)s (%(en)s).") % {"zh": c.zh, "en": c.en}
                for c in match.missing]
    problems += [_("The column %(name)s appears twice.") % {"name": name}
                 for name in match.duplicated]
    if problems:
        raise ValidationFailed({"file": problems})
    records = [(row.number, {key: row.values[i] if i < len(row.values) else None
                             for key, i in match.positions.items()})
               for row in sheet.rows]
    labels = {c.key: match.labels.get(c.key, c.zh) for c in columns}
    return records, labels


def row_errors(number: int, errors: Errors, labels: dict[str, str]) -> list[RowError]:
    return [RowError(number, labels.get(key, key), key, message)
            for key, messages in errors.errors.items() for message in messages]


def present(values: dict, keys) -> dict:
    """The cells of a row that hold something: a blank cell leaves a field as it is."""
    return {k: values[k] for k in keys if values.get(k) is not None}


def text_key(value) -> str:
    return "" if value is None else str(value).strip()
