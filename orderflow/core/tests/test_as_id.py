"""Ids from query strings and form keys: ASCII digits only (P1.3.1: bad input is a clear
error, never a server error)."""

import pytest

from orderflow.core.validation import as_id


@pytest.mark.parametrize("value, expected", [
    ("12", 12), (" 7 ", 7), (5, 5), ("²", None), ("١٢", None), ("", None), (None, None),
    ("-1", None), ("1" * 19, None), ("1e3", None)])
def test_as_id(value, expected):
    assert as_id(value) == expected
