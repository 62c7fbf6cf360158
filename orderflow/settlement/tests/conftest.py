"""Settlement tests read English (the msgids), and share the given-steps: an executed
order (two lines of 2 x 1000.00 at 13%: 4,520.00 with tax; terms 30% on order, 70% 30 days
after delivery), its salesperson, the Sales head, and Finance."""

import pytest

from orderflow.testing.settlement import executed_order, finance_people, in_settlement


@pytest.fixture(autouse=True)
def company_language_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def finance(db):
    return finance_people()


@pytest.fixture
def executed(salesperson, customer, products, sales_head):
    return executed_order(salesperson, customer, products, sales_head)


@pytest.fixture
def statement(executed, salesperson):
    return in_settlement(executed, salesperson)
