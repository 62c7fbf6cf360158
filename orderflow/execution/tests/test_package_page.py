"""The work-package page and the order page's execution panel (P5)."""

import pytest
from django.utils import translation

from orderflow.testing.execution import members, package_of, released_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_package_page_shows_the_package_and_its_moves_to_members(
        client, salesperson, sales_head, customer, products):
    people = members("production", "quality")
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["production", "quality"])
    package = package_of(order, "production")
    client.force_login(people["production"])
    page = client.get(f"/work-packages/{package.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and 'data-move="start"' in html
    # the move posted from the package page comes back to it
    moved = client.post(f"/orders/{order.pk}/work-packages/{package.pk}/start/",
                        {"next": "package"})
    assert moved.status_code == 302 and moved["Location"] == f"/work-packages/{package.pk}/"
    # a member of another department sees the page without the moves
    client.force_login(people["quality"])
    html = client.get(f"/work-packages/{package.pk}/").content.decode()
    assert 'data-move=' not in html


def test_the_order_page_links_each_package(client, salesperson, sales_head, customer,
                                           products):
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["production", "quality"])
    client.force_login(salesperson)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    for code in ("production", "quality"):
        assert f'/work-packages/{package_of(order, code).pk}/' in html


def test_an_invisible_package_is_not_found(client, salesperson, sales_head, customer,
                                           products):
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["production"])
    from orderflow.accounts.domain.organisation import Dept, Role
    from orderflow.testing.factories import make_user
    other_sales = make_user(Dept.SALES, Role.STAFF, username="sales2")
    client.force_login(other_sales)
    assert client.get(f"/work-packages/{package_of(order, 'production').pk}/").status_code == 404
