"""Shared test set-up: a fresh set of people per test (no shared mutable fixtures)."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.testing.factories import CustomerFactory, ProductFactory, make_user


@pytest.fixture
def salesperson(db):
    return make_user(Dept.SALES, Role.STAFF, username="sales1", full_name="张伟")


@pytest.fixture
def sales_head(db):
    return make_user(Dept.SALES, Role.DEPT_HEAD, username="saleshead", full_name="李娜")


@pytest.fixture
def division_leader(db):
    return make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username="leader",
                     full_name="王强")


@pytest.fixture
def finance(db):
    """Finance: two staff members and the head (P7.2.2): {"staff", "other", "head"}."""
    from orderflow.testing.settlement import finance_people

    return finance_people()


@pytest.fixture
def customer(db):
    return CustomerFactory()


@pytest.fixture
def products(db):
    return [ProductFactory(), ProductFactory()]


def pytest_collection_modifyitems(config, items):
    """Every transactional test must restore the database it found (serialized_rollback).

    A plain transactional test flushes and re-runs post-migrate signals; a later
    serialized_rollback test then fails to reload its snapshot, so the suite would
    pass or fail depending on test order. Refuse such a test at collection.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and \
                not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)")


@pytest.fixture
def without_completion_guards(monkeypatch):
    """For tests of the work-package state machine itself (P5): a department may complete
    its package without its execution records (the guards are tested in execution)."""
    from orderflow.release.services import packages

    monkeypatch.setattr(packages, "COMPLETION_GUARDS", {})
