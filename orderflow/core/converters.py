"""URL converters: an object id is 1-18 digits, so a longer one is a 404, not a database
overflow (PostgreSQL's bigint holds 18 digits safely)."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
