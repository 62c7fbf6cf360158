"""The archive index (P9.1.2, P9.2): filters, who may search, amounts (P9.2.2), export,
settings (P11)."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from orderflow.archive.exports import index_sheet
from orderflow.archive.models import ArchiveSettings, Dossier
from orderflow.archive.permissions import may_see_prices
from orderflow.archive.selectors import dossier_index, index_filters
from orderflow.archive.services import archive_settings_update
from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.documents.xlsx import write_workbook
from orderflow.testing.factories import CustomerFactory, ProductFactory

from .conftest import archived_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(people, customer, products):
    """Three dossiers: two of the customer (one of a service), one of another customer."""
    first = archived_order(people["owner"], customer, products)
    service = ProductFactory(kind="service", name="设备安装调试")
    other = CustomerFactory(industry="汽车零部件")
    second = archived_order(people["owner"], other, [service])
    third = archived_order(people["owner"], customer, [products[1]])
    Dossier.objects.filter(pk=first.dossier.pk).update(year=2025, month=3)
    return [first.dossier, Dossier.objects.get(order=second), third.dossier, service, other]


def numbers(user, **raw):
    return [d.number for d in dossier_index(user, index_filters(raw, user)).items]


def test_filters(people, three, customer, products):
    first, second, third, _service, other = three
    head = people["sales_head"]
    assert numbers(head) == [third.number, second.number, first.number]
    assert numbers(head, customer=customer.pk) == [third.number, first.number]
    assert numbers(head, year=2025, month=3) == [first.number]
    assert numbers(head, product_kind="service") == [second.number]
    assert numbers(head, industry="汽车零部件") == [second.number]
    assert numbers(head, customer_name=other.name) == [second.number]
    assert numbers(head, product=products[0].pk) == [first.number]
    assert numbers(head, order_type="sample") == []
    assert numbers(head, q=second.order_number.lower()) == [second.number]
    assert numbers(head, q=third.number) == [third.number]
    low = min(d.amount for d in (first, second, third))
    assert numbers(head, amount_max=str(low)) == [d.number for d in (third, second, first)
                                                  if d.amount == low]
    assert numbers(head, amount_min=str(low + Decimal("0.01")), amount_max="99999999") == [
        d.number for d in (third, second, first) if d.amount > low]
    today = dt.date.today().isoformat()
    assert numbers(head, date_from="2000-01-01", date_to=today) != []


def test_bad_filters_are_422(people):
    with pytest.raises(ValidationFailed) as exc:
        index_filters({"month": "13", "date_from": "x", "amount_min": "abc"},
                      people["sales_head"])
    assert set(exc.value.errors) == {"month", "date_from", "amount_min"}


@pytest.mark.parametrize(("kind", "sees"), [
    ("sales_head", 3), ("owner", 3), ("other_sales", 0), ("archive", 3), ("leader", 3),
    ("admin", 3), ("production", None), ("finance", None), ("production_head", None)])
def test_who_may_search(kind, sees, people, three):
    user = people[kind]
    if sees is None:
        with pytest.raises(NotPermitted):
            dossier_index(user, index_filters({}, user))
        return
    assert len(numbers(user)) == sees


def test_amounts_are_hidden_from_archive_staff(people, three):
    # P9.2.2: Sales, Finance, Management see prices by default; Archive staff do not
    archive = people["archive"]
    assert not may_see_prices(archive)
    page = dossier_index(archive, index_filters({}, archive))
    assert all(d.shown_amount is None for d in page.items)
    with pytest.raises(ValidationFailed):
        index_filters({"amount_min": "1"}, archive)
    book = load_workbook(__import__("io").BytesIO(write_workbook(
        [index_sheet(archive, index_filters({}, archive))])))
    header = [c.value for c in book.active[1]]
    assert "Amount" not in header and book.active.max_row == 4


def test_export_has_the_amounts_for_sales(people, three):
    head = people["sales_head"]
    sheet = index_sheet(head, index_filters({"customer": three[0].customer_id}, head))
    assert "Amount" in sheet.headers and len(sheet.rows) == 2
    amount_at = sheet.headers.index("Amount")
    assert sheet.rows[1][amount_at] == three[0].amount


def test_admin_configures_price_visibility(people):
    with pytest.raises(NotPermitted):
        archive_settings_update(actor=people["owner"], price_departments=["archive"],
                                max_grant_days=10)
    with pytest.raises(ValidationFailed) as exc:
        archive_settings_update(actor=people["admin"], price_departments=["nowhere"],
                                max_grant_days=0)
    assert set(exc.value.errors) == {"price_departments", "max_grant_days"}
    archive_settings_update(actor=people["admin"], price_departments=["sales", "archive"],
                            max_grant_days=10)
    assert ArchiveSettings.objects.get(pk=1).max_grant_days == 10
    assert may_see_prices(people["archive"]) and not may_see_prices(people["finance"])


def test_index_query_count(people, three, django_assert_max_num_queries):
    head = people["sales_head"]
    with django_assert_max_num_queries(4):
        dossier_index(head, index_filters({"customer": three[0].customer_id}, head))


def test_the_end_of_an_order_number_finds_its_dossier(people, three):
    second = three[1]
    head = people["sales_head"]
    tail = second.order_number.rsplit("-", 1)[1]            # "000066" of SO-2026-000066
    assert numbers(head, q=tail) == [second.number]
    assert numbers(head, q=tail[-4:]) == [second.number]
    # fewer than four digits, or not only digits: the whole number or its beginning only
    assert numbers(head, q=tail[-3:]) == []
    assert numbers(head, q=f"-{tail}") == []
    assert numbers(head, q=second.order_number[:-2]) != []


def test_part_of_the_customer_industry_finds_it(people, three):
    second = three[1]
    head = people["sales_head"]
    assert numbers(head, industry="汽车") == [second.number]          # 汽车零部件
    assert numbers(head, industry="零部件") == [second.number]


def test_a_period_ending_before_it_starts_is_a_field_error(people):
    with pytest.raises(ValidationFailed) as exc:
        index_filters({"date_from": "2026-05-02", "date_to": "2026-05-01"},
                      people["sales_head"])
    assert exc.value.errors == {"date_to": ["The end is before the start."]}
    assert index_filters({"date_from": "2026-05-01", "date_to": "2026-05-01"},
                         people["sales_head"]).date_to == dt.date(2026, 5, 1)
