"""Given-steps for archive tests: a settled order with an attachment, the people of P9."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services.attachments import attachment_add
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.testing.factories import make_user

PDF_BYTES = b"%PDF-1.4\n% contract of the customer\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def people(salesperson, sales_head, division_leader):
    return {
        "owner": salesperson, "sales_head": sales_head, "leader": division_leader,
        "other_sales": make_user(Dept.SALES, Role.STAFF, username="sales2"),
        "archive": make_user(Dept.ARCHIVE, Role.STAFF, username="archive1"),
        "archive_head": make_user(Dept.ARCHIVE, Role.DEPT_HEAD, username="archivehead"),
        "production": make_user(Dept.PRODUCTION, Role.STAFF, username="production1"),
        "production_head": make_user(Dept.PRODUCTION, Role.DEPT_HEAD,
                                     username="productionhead"),
        "finance": make_user(Dept.FINANCE, Role.STAFF, username="finance1"),
        "admin": make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="sysadmin"),
    }


def settled_order(owner, customer, products):
    """Given: an order with a contract scan, settled (settlement is its own capability)."""
    order = make_order(owner, customer, products)
    upload = SimpleUploadedFile("合同.pdf", PDF_BYTES, content_type="application/pdf")
    attachment_add(order_id=order.pk, actor=owner, upload=upload, kind="purchase_order")
    return put_in_state(order, State.SETTLED)


@pytest.fixture
def settled(people, customer, products):
    return settled_order(people["owner"], customer, products)


def archived_order(owner, customer, products):
    from orderflow.archive.services import order_archive
    from orderflow.audit.services import seal

    order = settled_order(owner, customer, products)
    order_archive(order_id=order.pk, actor=owner)
    seal()  # as the worker does within a minute: the archiving's record is in the chain
    order.refresh_from_db()
    return order


@pytest.fixture
def archived(people, customer, products):
    return archived_order(people["owner"], customer, products)
