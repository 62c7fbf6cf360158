"""API test helpers: clients logged in by session or by token, JSON in English."""

import pytest
from django.test import Client

from orderflow.accounts.services import api_token_create
from orderflow.audit.models import AuditEvent
from orderflow.orders.models import Order


def explained(response):
    """Every refusal says why (the guide: a clear message, field by field): a 4xx answer
    from /api/ is JSON (an unknown address and a wrong method too) with a code and a
    message, and a 422 its field errors, each a non-empty list of texts. Checked on every
    response of the tests' client, so a test that looks only at the status still fails on
    a bare or message-less refusal."""
    path = getattr(response, "request", {}).get("PATH_INFO", "")
    if 400 <= response.status_code < 500 and path.startswith("/api/"):
        assert response.get("Content-Type", "").startswith("application/json"), \
            (path, response.status_code, response.content[:200])
        body = response.json()
        assert isinstance(body.get("code"), str) and body["code"], body
        assert isinstance(body.get("message"), str) and body["message"].strip(), body
        if response.status_code == 422:
            errors = body.get("errors")
            assert isinstance(errors, dict) and errors, body
            assert all(isinstance(texts, list) and texts
                       and all(isinstance(t, str) and t.strip() for t in texts)
                       for texts in errors.values()), body
    return response


class Api:
    """A JSON client for /api/ as one user (session or `Authorization: Token`); every
    refusal it receives must explain itself (`explained`)."""

    def __init__(self, user=None, *, token: str | None = None):
        self.client = Client(headers={"Accept-Language": "en"})
        self.headers = {"Authorization": f"Token {token}"} if token else {}
        if user is not None and token is None:
            self.client.force_login(user)

    def get(self, url, **params):
        return explained(self.client.get(url, params, headers=self.headers))

    def post(self, url, data=None):
        return explained(self.client.post(url, data if data is not None else {},
                                          content_type="application/json",
                                          headers=self.headers))

    def post_raw(self, url, body: str, content_type="application/json"):
        return explained(self.client.post(url, body, content_type=content_type,
                                          headers=self.headers))

    def put(self, url, data):
        return explained(self.client.put(url, data, content_type="application/json",
                                         headers=self.headers))

    def delete(self, url):
        return explained(self.client.delete(url, headers=self.headers))

    def upload(self, url, **data):
        return explained(self.client.post(url, data, headers=self.headers))


def token_api(user) -> Api:
    _token, key = api_token_create(actor=user, name="tests")
    return Api(token=key)


def written() -> tuple[int, int]:
    """What a refused request must leave unchanged: orders and audit events."""
    return Order.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def sales_api(salesperson):
    return Api(salesperson)
