"""Execution tests read English (the msgids): pages, API answers and notifications are
rendered in the company language, English here, unless a test asks for Chinese."""

import pytest


@pytest.fixture(autouse=True)
def company_language_english(settings):
    settings.LANGUAGE_CODE = "en"
