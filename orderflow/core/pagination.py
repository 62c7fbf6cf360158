"""Bounded pages for every list: no query without a limit."""

from dataclasses import dataclass

from django.conf import settings

MAX_PAGE = 10_000  # 250,000 rows at 25 a page: further than anyone pages, and bounded


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(queryset, page: int | str | None = 1, size: int | None = None) -> Page:
    """One page of a queryset, fetched with LIMIT size+1 (no COUNT over big tables)."""
    size = min(int(size or settings.ORDERFLOW_PAGE_SIZE), 200)
    try:
        number = min(max(int(page or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Page(items=rows[:size], number=number, size=size, has_next=len(rows) > size)
