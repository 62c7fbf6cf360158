"""The archive index exported in the background (P9.1.2, issue 5 Exports): the filters as
given, checked when asked and again by the worker; amounts only for who may see prices."""

import io

import pytest
from openpyxl import load_workbook

from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.documents.models import ExportJob
from orderflow.documents.services import export_request

from .conftest import archived_order

pytestmark = pytest.mark.django_db


def _export(actor, capture, **params):
    with capture(execute=True):
        job = export_request(kind="archive_index", params=params, actor=actor)
    job.refresh_from_db()
    assert job.status == "done", job.error
    return load_workbook(io.BytesIO(job.file.read())).active


def test_the_index_is_exported_with_its_filters_and_amounts_for_sales(
        people, customer, products, django_capture_on_commit_callbacks):
    first = archived_order(people["owner"], customer, products)
    archived_order(people["owner"], customer, products)
    sheet = _export(people["sales_head"], django_capture_on_commit_callbacks,
                    q=first.number, page="3")
    assert [c.value for c in sheet[1]][-2:] == ["Amount", "Currency"]
    assert [[c.value for c in row][:2] for row in sheet.iter_rows(min_row=2)] == [
        [first.dossier.number, first.number]]
    assert ExportJob.objects.get().params == {"q": first.number}   # only the filters


def test_archive_staff_export_without_amounts_p9_2_2(people, customer, products,
                                                      django_capture_on_commit_callbacks):
    archived_order(people["owner"], customer, products)
    sheet = _export(people["archive"], django_capture_on_commit_callbacks)
    assert "Amount" not in [c.value for c in sheet[1]] and sheet.max_row == 2


def test_who_may_not_search_the_archive_may_not_export_it_nor_filter_by_amount(
        people, customer, products):
    with pytest.raises(NotPermitted):
        export_request(kind="archive_index", params={}, actor=people["production"])
    with pytest.raises(ValidationFailed) as exc:
        export_request(kind="archive_index", params={"amount_min": "10"},
                       actor=people["archive"])
    assert list(exc.value.errors) == ["amount_min"]
    assert ExportJob.objects.count() == 0
