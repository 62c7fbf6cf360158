"""Database checks on money that hold on both databases: PostgreSQL adds numerics exactly,
SQLite in floating point (3163.99 + 0.01 may come out a hair above 3164.00), so sums are
compared within a tenth of a fen, which at two decimal places is still exact."""

from decimal import Decimal

from django.db.models import F, Q

HAIR = Decimal("0.001")


def equals_sum(field: str, *parts: str) -> Q:
    total = sum((F(p) for p in parts[1:]), F(parts[0]))
    return Q(**{f"{field}__gte": total - HAIR}) & Q(**{f"{field}__lte": total + HAIR})


def at_most(field: str, limit: str) -> Q:
    return Q(**{f"{field}__lte": F(limit) + HAIR})
