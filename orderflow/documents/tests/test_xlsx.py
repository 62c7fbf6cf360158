"""Reading and writing .xlsx: limits, value normalisation, formula-looking text stays text."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from orderflow.core.errors import ValidationFailed
from orderflow.documents.xlsx import (
    Percent,
    SheetSpec,
    StreamingSheet,
    read_sheet,
    write_workbook,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _upload(rows, name="t.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_reads_header_and_rows_skipping_blank_ones():
    sheet = read_sheet(_upload([["编码", "价格", "交期"], ["A1", 12.5, 20.0], [None, None],
                                ["  A2  ", 3, None]]))
    assert sheet.header == ("编码", "价格", "交期")
    assert [(r.number, r.values) for r in sheet.rows] == [
        (2, ("A1", Decimal("12.5"), 20)), (4, ("A2", 3))]


def test_too_many_rows_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        read_sheet(_upload([["code"], ["a"], ["b"], ["c"]]), row_limit=2)
    assert exc.value.errors == {"file": ["The file has more than 2 data rows; split it up."]}


def test_too_big_file_is_refused(settings):
    settings.ORDERFLOW_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as exc:
        read_sheet(_upload([["code"], ["x" * 500]]))
    assert exc.value.errors == {"file": ["The file is larger than 100\xa0bytes."]}


@pytest.mark.parametrize(("content", "message"), [
    (b"not a spreadsheet", "This is not a readable .xlsx file."),
    (b"", "The file is empty."),
])
def test_unreadable_file_is_refused(content, message):
    with pytest.raises(ValidationFailed) as exc:
        read_sheet(SimpleUploadedFile("t.xlsx", content))
    assert exc.value.errors == {"file": [message]}


def test_header_only_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        read_sheet(_upload([["code", "name"]]))
    assert exc.value.errors == {"file": ["The file has no data rows below the header."]}


def test_written_workbook_keeps_numbers_and_text_that_looks_like_a_formula():
    data = write_workbook([SheetSpec("客户", ["code", "limit"],
                                     [["=HYPERLINK(\"http://x\")", Decimal("1.50")]], [10, 12],
                                     frozenset({0}))])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "客户"
    assert [c.value for c in sheet[1]] == ["code", "limit"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ('=HYPERLINK("http://x")', "s")
    assert sheet["B2"].value == 1.5
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("text", ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1"])
def test_formula_looking_text_is_neutralised_in_both_writers(text):
    streaming = StreamingSheet("s", ["h"])
    streaming.append([text])
    for data in (write_workbook([SheetSpec("s", ["h"], [[text]])]), streaming.save()):
        cell = load_workbook(io.BytesIO(data)).active["A2"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_plain_text_and_negative_numbers_stay_as_they_are():
    data = write_workbook([SheetSpec("s", ["a", "b"], [["普通文本", Decimal("-3.50")]])])
    row = load_workbook(io.BytesIO(data)).active[2]
    assert [(c.value, c.data_type, c.quotePrefix) for c in row] == [
        ("普通文本", "s", False), (-3.5, "n", False)]


def test_written_workbook_keeps_dates_styles_and_widths():
    day, moment = dt.date(2026, 3, 2), dt.datetime(2026, 3, 2, 9, 30)
    data = write_workbook([SheetSpec("s", ["必填", "日期", "时间", "是否"],
                                     [[None, day, moment, True]], [8, 12, 20],
                                     frozenset({0}))])
    sheet = load_workbook(io.BytesIO(data)).active
    header = sheet[1]
    assert header[0].fill.fgColor.rgb.endswith("D63939")  # required: red
    assert header[1].fill.fgColor.rgb.endswith("206BC4") and header[1].font.b
    a2, b2, c2, d2 = sheet[2]
    assert a2.value is None
    assert (b2.value.date(), b2.number_format) == (day, "yyyy-mm-dd")
    assert (c2.value, c2.number_format) == (moment, "yyyy-mm-dd hh:mm:ss")
    assert d2.value is True
    assert sheet.column_dimensions["B"].width == pytest.approx(12, abs=1)


def test_sheet_titles_excel_refuses_are_made_acceptable_and_unique():
    data = write_workbook([SheetSpec("质量/检验: [2026]?", ["h"], []),
                           SheetSpec("质量/检验: [2026]?", ["h"], []),
                           SheetSpec("x" * 40, ["h"], [])])
    titles = load_workbook(io.BytesIO(data)).sheetnames
    assert titles == ["质量 检验 2026", "质量 检验 2026 (2)", "x" * 31]


def test_lazy_text_aware_times_odd_numbers_and_titles_are_written_safely():
    from django.utils import timezone
    from django.utils.functional import lazy

    moment = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 30))  # the company's time
    data = write_workbook([SheetSpec("a" * 30 + "'b", ["h", "t", "n"],
                                     [[lazy(str, str)("=cmd"),  # lazy, as a translation is
                                       moment.astimezone(dt.UTC),
                                       Decimal("NaN")]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "a" * 30
    a2, b2, c2 = sheet[2]
    assert (a2.value, a2.data_type, a2.quotePrefix) == ("=cmd", "s", True)
    assert b2.value == dt.datetime(2026, 3, 2, 9, 30)   # local time, not UTC
    assert (c2.value, c2.data_type) == ("NaN", "s")


def _streamed(headers, rows) -> bytes:
    sheet = StreamingSheet("Records", headers)
    for row in rows:
        sheet.append(row)
    return sheet.save()


@pytest.mark.parametrize("writer", ["whole", "streamed"])
def test_money_quantities_and_rates_are_numbers_shown_as_on_the_pages(writer):
    row = [Decimal("379228.00"), Decimal("2.500"), Percent(Decimal("0.13")), 7,
           Decimal("1.5"), Percent(Decimal("0.065")), Percent(Decimal("0.0125"))]
    headers = list("ABCDEFG")
    data = (write_workbook([SheetSpec("S", headers, [row])]) if writer == "whole"
            else _streamed(headers, [row]))
    cells = load_workbook(io.BytesIO(data)).active[2]
    assert [c.value for c in cells] == [379228, 2.5, 0.13, 7, 1.5, 0.065, 0.0125]  # numbers
    assert [c.number_format for c in cells] == ["#,##0.00", "#,##0.000", "0%", "General",
                                                "General", "0.0%", "0.00%"]
