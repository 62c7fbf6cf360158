"""Review tests run at a frozen moment (Monday 09:00, Shanghai), in English, with a full
organisation."""

import pytest
import time_machine
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.testing.factories import make_user

from .support import FROZEN, make_reviewers


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def reviewers(db):
    return make_reviewers()


@pytest.fixture
def org(reviewers, salesperson, sales_head, division_leader):
    """Everyone a review and the approval after it needs (P3.1.1, P4.1.1)."""
    return {"reviewers": reviewers, "salesperson": salesperson, "sales_head": sales_head,
            "division_leader": division_leader,
            "other_sales": make_user(Dept.SALES, Role.STAFF, username="sales_other"),
            "logistics": make_user(Dept.LOGISTICS, Role.STAFF, username="logistics_staff")}
