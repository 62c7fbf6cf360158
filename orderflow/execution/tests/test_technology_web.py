"""The technology section of the work-package page (P5.4.1): Technology sees Production's
requests and answers or resolves them; errors come back as 422; others get no forms."""

import pytest
from django.utils import translation

from orderflow.execution.models.technology import SupportRequest
from orderflow.execution.services.technology import support_request_raise
from orderflow.testing.execution import members, package_of, released_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db):
    return members("production", "quality", "technology")


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "quality", "technology"])


@pytest.fixture
def request_(order, people):
    return support_request_raise(order_id=order.pk, actor=people["production"],
                                 subject="图纸疑问", description="孔位公差不清")


@pytest.fixture
def page(order):
    return f"/work-packages/{package_of(order, 'technology').pk}/"


def test_technology_sees_the_requests_with_answer_forms(client, people, page, request_):
    client.force_login(people["technology"])
    html = client.get(page).content.decode()
    assert 'data-testid="support-requests"' in html and "图纸疑问" in html
    assert 'data-testid="answer-form"' in html
    client.force_login(people["quality"])
    html = client.get(page).content.decode()
    assert "图纸疑问" in html and 'data-testid="answer-form"' not in html


def test_technology_answers_through_the_page(client, people, page, request_):
    client.force_login(people["technology"])
    empty = client.post(f"{page}support-requests/{request_.pk}/answer/", {"answer": " "})
    assert empty.status_code == 422
    assert 'data-error-for="answer"' in empty.content.decode()
    assert SupportRequest.objects.get().status == "open"
    done = client.post(f"{page}support-requests/{request_.pk}/answer/", {"answer": "±0.05"})
    assert done.status_code == 302 and done["Location"] == page
    assert SupportRequest.objects.get().answer == "±0.05"
    again = client.post(f"{page}support-requests/{request_.pk}/answer/", {"answer": "x"},
                        follow=True)
    assert "This request has already been answered." in again.content.decode()


def test_only_technology_answers_on_the_page(client, people, page, request_, order):
    client.force_login(people["quality"])
    assert client.post(f"{page}support-requests/{request_.pk}/answer/",
                       {"answer": "x"}).status_code == 403
    # from the production page the answer view is not found (Technology's page only)
    client.force_login(people["production"])
    production_page = f"/work-packages/{package_of(order, 'production').pk}/"
    assert client.post(f"{production_page}support-requests/{request_.pk}/answer/",
                       {"answer": "x"}).status_code == 404
    assert SupportRequest.objects.get().status == "open"


def test_technology_resolves_an_open_request_on_the_page(client, people, page, request_):
    client.force_login(people["technology"])
    bad = client.post(f"{page}support-requests/{request_.pk}/resolve/", {"resolution": ""})
    assert bad.status_code == 422
    assert 'data-error-for="resolution"' in bad.content.decode()
    ok = client.post(f"{page}support-requests/{request_.pk}/resolve/",
                     {"resolution": "现场确认"})
    assert ok.status_code == 302
    assert SupportRequest.objects.get().status == "resolved"
