"""Shared web-test fixtures."""

import pytest


@pytest.fixture
def client_as(client):
    """The test client logged in as someone, in English (msgids are the expected text)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def login(user):
        client.force_login(user)
        return client

    return login
