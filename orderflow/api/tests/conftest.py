"""API test helpers: clients logged in by session or by token, JSON in English."""

import pytest
from django.test import Client

from orderflow.accounts.services import api_token_create
from orderflow.audit.models import AuditEvent
from orderflow.orders.models import Order


class Api:
    """A JSON client for /api/ as one user (session or `Authorization: Token`)."""

    def __init__(self, user=None, *, token: str | None = None):
        self.client = Client(headers={"Accept-Language": "en"})
        self.headers = {"Authorization": f"Token {token}"} if token else {}
        if user is not None and token is None:
            self.client.force_login(user)

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, data=None):
        return self.client.post(url, data if data is not None else {},
                                content_type="application/json", headers=self.headers)

    def post_raw(self, url, body: str, content_type="application/json"):
        return self.client.post(url, body, content_type=content_type, headers=self.headers)

    def put(self, url, data):
        return self.client.put(url, data, content_type="application/json",
                               headers=self.headers)

    def delete(self, url):
        return self.client.delete(url, headers=self.headers)

    def upload(self, url, **data):
        return self.client.post(url, data, headers=self.headers)


def token_api(user) -> Api:
    _token, key = api_token_create(actor=user, name="tests")
    return Api(token=key)


def written() -> tuple[int, int]:
    """What a refused request must leave unchanged: orders and audit events."""
    return Order.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def sales_api(salesperson):
    return Api(salesperson)
