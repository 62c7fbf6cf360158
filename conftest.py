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
def customer(db):
    return CustomerFactory()


@pytest.fixture
def products(db):
    return [ProductFactory(), ProductFactory()]
