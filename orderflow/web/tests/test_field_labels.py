"""Error messages that reach a page without a form name the field as people read it."""

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils import translation

from orderflow.core.errors import ValidationFailed
from orderflow.web.errors import service_errors
from orderflow.web.field_labels import error_message


@pytest.mark.parametrize(("path", "expected"), [
    ("lines.0.quantity", "Line 1, quantity: Must be greater than zero."),
    ("instalments.2.percent", "Instalment 3, percent: Must be greater than zero."),
    ("lines.1.colour", "Line 2: Must be greater than zero."),
    ("customer_id", "customer: Must be greater than zero."),
    ("delivery_date", "delivery date: Must be greater than zero."),
    ("__all__", "Must be greater than zero."),
    ("no_such_field", "Must be greater than zero."),
    ("lines.x.quantity", "Must be greater than zero."),
])
def test_error_message_names_the_field(path, expected):
    with translation.override("en"):
        assert error_message(path, ["Must be greater than zero."]) == expected


def test_error_message_in_chinese():
    with translation.override("zh-hans"):
        assert error_message("lines.0.quantity", ["必须大于零。"]) == "第1行 数量：必须大于零。"


def test_service_errors_without_a_form_put_named_fields_in_the_messages(rf):
    request = rf.post("/")
    request._messages = CookieStorage(request)
    with translation.override("en"), service_errors(request):
        raise ValidationFailed({"lines.0.quantity": ["Must be greater than zero."],
                                "__all__": ["Nothing was saved."]})
    assert [m.message for m in request._messages] == [
        "Line 1, quantity: Must be greater than zero.", "Nothing was saved."]
