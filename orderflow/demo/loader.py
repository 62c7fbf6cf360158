"""Build the whole demo company in one transaction, reproducibly (fixed seed)."""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.test.utils import override_settings
from faker import Faker

from orderflow.accounts.models import User
from orderflow.accounts.services import delegation_create
from orderflow.core import clock
from orderflow.execution.models import InspectionReport
from orderflow.execution.services.quality import inspection_report_render
from orderflow.orders.models import Order
from orderflow.settlement.models import SettlementStatement, StatementStatus
from orderflow.settlement.services import statement_pdf_render

from .archive import archive_some
from .calendar import create_calendar
from .company import create_customers, create_products
from .execution import execute_some
from .leads import create_leads
from .orders import OrderMaker, plan_orders
from .people import create_people
from .profile import create_profile
from .release import release_some
from .review import advance_reviews, at
from .settlement import receive_advance, settle_some

DEFAULT_SEED = 20260
DEFAULT_ORDERS = 300
# The demo's history is loaded silently: notifications appear in-app, no mail is queued.
_NO_MAIL = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@dataclass
class DemoSummary:
    users: int = 0
    customers: int = 0
    products: int = 0
    leads: int = 0
    orders_by_state: Counter = field(default_factory=Counter)


def database_is_empty() -> bool:
    """No users yet: the demo may be loaded."""
    return not User.objects.exists()


def render_documents() -> None:
    """The worker renders the issued inspection reports and the audited statements; the
    demo is loaded with the queue switched off, so it renders them itself, before the
    archiving, so the dossiers hold them too (review reports: demo.review)."""
    for report_id in InspectionReport.objects.filter(file="").values_list("pk", flat=True):
        inspection_report_render(report_id=report_id)
    for statement_id in (SettlementStatement.objects
                         .filter(status=StatementStatus.AUDITED, pdf="")
                         .values_list("pk", flat=True)):
        statement_pdf_render(statement_id=statement_id)


def load_demo(*, orders: int = DEFAULT_ORDERS, seed: int = DEFAULT_SEED) -> DemoSummary:
    """People in every department and role, ~40 customers, ~30 products, 30 leads, orders.

    Everything after the master data is written through the services (audit included).
    """
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    summary = DemoSummary()
    # The company's history was recorded up to a week ago; the last days are reviews and
    # approvals (some now overdue), so the demo has work waiting and late (P3.3.2).
    now = clock.now()
    history_until = now - dt.timedelta(days=6)
    with override_settings(TASKS=_NO_MAIL), transaction.atomic():
        with at(history_until):
            users = create_people(fake)
            owners = [users[u] for u in ("sales1", "sales2", "sales3", "sales1", "sales2",
                                         "sales3", "saleshead")]
            customers = create_customers(rng, fake, owners, actor=users["saleshead"])
            products = create_products(rng, actor=users["technologyhead"])
            to_convert = min(8, max(1, orders // 30)) if orders else 0
            leads = create_leads(rng, fake, users, customers, to_convert=to_convert)
            maker = OrderMaker(rng, users, products)
            create_calendar(actor=users["admin"])
            create_profile(actor=users["admin"])
            for plan in plan_orders(rng, orders, customers, leads):
                maker.run(plan)
        advance_reviews(rng, users, since=history_until, until=now)
        release_some(users)
        execute_some(users)
        settle_some(users)
        receive_advance(users)
        render_documents()
        archive_some(users)
        delegation_create(actor=users["financehead"], deputy_id=users["finance1"].pk,
                          starts_on=clock.today() + dt.timedelta(days=7),
                          ends_on=clock.today() + dt.timedelta(days=11),
                          reason="出差（年度审计）")
        summary.orders_by_state.update(Order.objects.values_list("status", flat=True))
        summary.users, summary.customers = len(users), len(customers.all)
        summary.products, summary.leads = len(products), 30
    return summary
