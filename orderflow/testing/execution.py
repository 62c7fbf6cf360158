"""Test support for execution (P5): an order released to departments, and members."""

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.release.models import ReleaseRoute, WorkPackage
from orderflow.release.services import order_release
from orderflow.testing.factories import make_user

SIX = ["production", "procurement", "quality", "technology", "logistics", "finance"]


def released_order(owner, customer, products, releaser, *, departments=None, **overrides):
    """Given: an order signed off and released to `departments` (default: all six)."""
    ReleaseRoute.objects.filter(order_type="standard").update(departments=departments or SIX)
    order = put_in_state(make_order(owner, customer, products, **overrides), State.APPROVED)
    return order_release(order_id=order.pk, actor=releaser)


def members(*codes, role=Role.STAFF):
    """One member per department code, username '<code>1' (heads: '<code>head')."""
    suffix = "head" if role == Role.DEPT_HEAD else "1"
    return {code: make_user(Dept(code), role, username=f"{code}{suffix}") for code in codes}


def package_of(order, code) -> WorkPackage:
    return WorkPackage.objects.select_related("department").get(order=order,
                                                                department__code=code)
