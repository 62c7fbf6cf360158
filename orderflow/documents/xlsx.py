"""Reading and writing .xlsx sheets (openpyxl reads and streams, XlsxWriter writes whole
books): bounded in size and rows, values normalised.

Company data arrives as spreadsheets (P11); whatever the file, reading it is bounded: a
size limit before opening, a row limit while streaming, a column limit per row.
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from orderflow.core.errors import ValidationFailed

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COLUMNS = 60


def max_bytes() -> int:
    return int(getattr(settings, "ORDERFLOW_IMPORT_MAX_BYTES", 5 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "ORDERFLOW_IMPORT_MAX_ROWS", 5000))


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows (the header is row 1)
    values: tuple


@dataclass(frozen=True)
class Sheet:
    header: tuple
    rows: list[SheetRow]


def _file_error(message) -> ValidationFailed:
    return ValidationFailed({"file": [message]})


def _read_bytes(upload) -> bytes:
    size = getattr(upload, "size", None)
    limit = max_bytes()
    too_big = _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}
    if size is not None and size > limit:
        raise _file_error(too_big)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > limit:
        raise _file_error(too_big)
    if not data:
        raise _file_error(_("The file is empty."))
    return data


def cell_value(value):
    """A cell as text, int, Decimal or date; whole floats become int, blanks become None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def read_sheet(upload, *, row_limit: int | None = None) -> Sheet:
    """The first sheet: its header row and every non-blank data row after it.

    Raises:
        ValidationFailed: {"file": [...]} when the file is too big, not an .xlsx file,
            has no header row, or has more data rows than allowed.
    """
    data = _read_bytes(upload)
    row_limit = row_limit or max_rows()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _file_error(_("This is not a readable .xlsx file.")) from exc
    try:
        rows = book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header = _trimmed(next(rows, ()))
        if not header:
            raise _file_error(_("The first row must hold the column headers."))
        body: list[SheetRow] = []
        for number, raw in enumerate(rows, start=2):
            values = _trimmed(raw)
            if not values:
                continue
            if len(body) >= row_limit:
                raise _file_error(_("The file has more than %(n)s data rows; split it up.")
                                  % {"n": row_limit})
            body.append(SheetRow(number, values))
    finally:
        book.close()
    if not body:
        raise _file_error(_("The file has no data rows below the header."))
    return Sheet(header, body)


def _trimmed(raw) -> tuple:
    values = [cell_value(v) for v in raw]
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


@dataclass(frozen=True)
class SheetSpec:
    title: str
    headers: list[str]
    rows: list[list]
    widths: list[int] | None = None
    required: frozenset[int] = frozenset()  # indexes of headers shown as required


@dataclass(frozen=True)
class Percent:
    """A rate written as a percentage cell (0.13 shows as 13%, and stays a number)."""

    value: Decimal


# Money is kept to the fen and quantities to three places (Decimal's exponent says which):
# shown with thousands separators and those places, as on the pages, and still numbers.
_DECIMAL_FORMATS = {-2: "#,##0.00", -3: "#,##0.000"}
# A rate is shown with as many places as it needs: 13%, 6.5%, 1.25%.
_PERCENT_FORMATS = ("0%", "0.0%", "0.00%")


def percent_format(rate) -> str:
    """The number format of a rate cell: whole percents as 13%, else up to two places."""
    hundred = Decimal(rate) * 100
    for places, fmt in enumerate(_PERCENT_FORMATS):
        if hundred == hundred.quantize(Decimal(1).scaleb(-places)):
            return fmt
    return _PERCENT_FORMATS[-1]


def decimal_format(value) -> str | None:
    """The number format of a Decimal cell; None for other values (General)."""
    if isinstance(value, Decimal) and value.is_finite():
        return _DECIMAL_FORMATS.get(value.as_tuple().exponent)
    return None


_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="206BC4")
_HEADER_STYLE = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#206BC4",
                 "valign": "vcenter"}
_REQUIRED_COLOR = "#D63939"
_MAX_SHEET_TITLE = 31


def write_workbook(sheets: list[SheetSpec]) -> bytes:
    """An .xlsx file with one sheet per spec: a bold, frozen header row, then the rows.
    Written with XlsxWriter in memory (about three times faster than building the same
    file in openpyxl, which only reads here and streams the large exports)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {
        "in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False})
    styles = {
        "header": book.add_format(_HEADER_STYLE),
        "required": book.add_format({**_HEADER_STYLE, "bg_color": _REQUIRED_COLOR}),
        "quoted": book.add_format({"quote_prefix": True}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        **{fmt: book.add_format({"num_format": fmt}) for fmt in _PERCENT_FORMATS},
        **{fmt: book.add_format({"num_format": fmt}) for fmt in _DECIMAL_FORMATS.values()},
    }
    titles: set[str] = set()
    for spec in sheets:
        sheet = book.add_worksheet(_sheet_title(spec.title, titles))
        for column, header in enumerate(spec.headers):
            sheet.write_string(0, column, clean_text(str(header)),
                               styles["required" if column in spec.required else "header"])
        for row_number, row in enumerate(spec.rows, start=1):
            for column, value in enumerate(row):
                _write_value(sheet, row_number, column, value, styles)
        for column, width in enumerate(spec.widths or []):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def _sheet_title(title: str, taken: set[str]) -> str:
    """A title Excel accepts: no []:*?/\\, at most 31 characters, unique in the book (a
    repeated one gets " (2)", " (3)"... as Excel names copies)."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title))
    base = " ".join(cleaned.split())[:_MAX_SHEET_TITLE].strip("'").strip() or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[:_MAX_SHEET_TITLE - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _write_value(sheet, row: int, column: int, value, styles: dict) -> None:
    if value is None:
        return
    if isinstance(value, Percent):
        sheet.write_number(row, column, value.value, styles[percent_format(value.value)])
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal) and Decimal(value).is_finite():
        fmt = decimal_format(value)
        sheet.write_number(row, column, value, styles[fmt] if fmt else None)
    elif isinstance(value, dt.datetime):
        if timezone.is_aware(value):  # as the company reads it, not UTC
            value = timezone.make_naive(value)
        sheet.write_datetime(row, column, value, styles["datetime"])
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, column, value, styles["date"])
    else:  # text, lazy translations, NaN and anything else, as text: neutralised alike
        text = clean_text(str(value))
        if is_formula_like(text):
            sheet.write_string(row, column, text, styles["quoted"])
        elif text:
            sheet.write_string(row, column, text)


# Text starting with one of these could be taken for a formula by a spreadsheet program.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value):
    """A value as it may go into a cell: text without the characters .xlsx cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def neutralise(cell) -> None:
    """Formula injection: formula-looking text stays literal text, never evaluated. The cell
    is typed as text and carries Excel's own quote prefix (as if typed with a leading ')."""
    cell.data_type = "s"
    cell.quotePrefix = True


class StreamingSheet:
    """One sheet written row by row in openpyxl's write-only mode (constant memory), for
    exports of any size; the same header style and cell neutralisation as write_workbook."""

    def __init__(self, title: str, headers: list[str], widths: list[int] | None = None):
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(title=title[:31])
        for index, width in enumerate(widths or [], start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"
        self.sheet.append([self._cell(h, header=True) for h in headers])

    def _cell(self, value, header: bool = False) -> WriteOnlyCell:
        percent = isinstance(value, Percent)
        cell = WriteOnlyCell(self.sheet, value=value.value if percent else clean_text(value))
        if header:
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        elif is_formula_like(cell.value):
            neutralise(cell)
        elif percent or decimal_format(value):
            cell.number_format = (percent_format(value.value) if percent
                                  else decimal_format(value))
        return cell

    def append(self, row: list) -> None:
        self.sheet.append([self._cell(value) for value in row])

    def discard(self) -> None:
        """Close the half-written sheet (its temporary file) without saving it."""
        self.sheet.close()

    def save(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()
