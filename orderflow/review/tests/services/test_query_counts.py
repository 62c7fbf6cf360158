"""The number of queries per review action does not grow with the number of reviewing
departments (hot paths of the benchmark: start, each opinion, the concluding opinion)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.review.models import ReviewRoute
from orderflow.review.services import review_start
from orderflow.review.tests.support import checked_order, give, ordinary_rule

pytestmark = pytest.mark.django_db

TWO = ["technology", "finance"]
FIVE = ["technology", "production", "quality", "procurement", "finance"]
MAX_START_QUERIES = 40


@pytest.fixture
def routes(org):
    """Standard orders go to two departments, sample orders to five."""
    ordinary_rule()
    ReviewRoute.objects.filter(order_type="standard").update(departments=TWO)
    ReviewRoute.objects.filter(order_type="sample").update(departments=FIVE)
    for person in [org["salesperson"], *(u for d in org["reviewers"].values()
                                         for u in d.values())]:
        assert person.role_set is not None  # roles cached on the object, as in a request


def count(fn) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def orders(org, customer, products):
    sales = org["salesperson"]
    warm = checked_order(sales, customer, products)
    review_start(order_id=warm.pk, actor=sales)  # the audit chain head and caches exist
    return (checked_order(sales, customer, products, order_type="standard"),
            checked_order(sales, customer, products, order_type="sample"))


def test_starting_a_review_costs_the_same_for_2_and_5_departments(
        org, customer, products, routes, django_assert_num_queries):
    two, five = orders(org, customer, products)
    sales = org["salesperson"]
    n_two, _sql = count(lambda: review_start(order_id=two.pk, actor=sales))
    with django_assert_num_queries(n_two):
        review = review_start(order_id=five.pk, actor=sales)
    assert review.opinions.count() == 5
    assert n_two <= MAX_START_QUERIES
    print(f"\nqueries: start {n_two}")


def test_an_opinion_and_the_concluding_opinion_cost_the_same_for_2_and_5(
        org, customer, products, routes, django_assert_num_queries):
    sales, staff = org["salesperson"], {d: org["reviewers"][d]["staff"] for d in FIVE}
    two, five = orders(org, customer, products)
    small = review_start(order_id=two.pk, actor=sales)
    large = review_start(order_id=five.pk, actor=sales)
    # a first opinion (the round stays open)
    n_first, _sql = count(lambda: give(small, "technology", staff["technology"]))
    with django_assert_num_queries(n_first):
        give(large, "technology", staff["technology"])
    for dept in ["production", "quality", "procurement"]:
        give(large, dept, staff[dept])
    # the last opinion concludes: report, transition, approval start
    n_last, _sql = count(lambda: give(small, "finance", staff["finance"]))
    with django_assert_num_queries(n_last):
        give(large, "finance", staff["finance"])
    small.refresh_from_db()
    large.refresh_from_db()
    assert (small.status, large.status) == ("passed", "passed")
    print(f"\nqueries: opinion {n_first}, concluding opinion {n_last}")
