"""Who maintains master data: a matrix generated from one table, checked through services."""

from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core.errors import NotPermitted
from orderflow.masterdata.models import Customer, Product
from orderflow.masterdata.services import (
    contact_add,
    customer_create,
    customer_update,
    product_create,
    product_update,
)
from orderflow.testing.factories import CustomerFactory, ProductFactory, make_user

pytestmark = pytest.mark.django_db

PEOPLE = {
    "sales staff": (Dept.SALES, Role.STAFF),
    "sales head": (Dept.SALES, Role.DEPT_HEAD),
    "finance staff": (Dept.FINANCE, Role.STAFF),
    "technology staff": (Dept.TECHNOLOGY, Role.STAFF),
    "production head": (Dept.PRODUCTION, Role.DEPT_HEAD),
    "marketing staff": (Dept.MARKETING, Role.STAFF),
    "general manager": (Dept.MANAGEMENT, Role.GENERAL_MANAGER),
    "system admin": (Dept.MANAGEMENT, Role.SYSTEM_ADMIN),
}

# who: create customer, edit own customer, edit another's customer, edit credit terms,
#      create product, edit product
MATRIX = {
    "sales staff":      (True,  True,  False, False, False, False),
    "sales head":       (True,  True,  True,  True,  True,  True),
    "finance staff":    (False, False, False, True,  False, False),
    "technology staff": (False, False, False, False, True,  True),
    "production head":  (False, False, False, False, False, False),
    "marketing staff":  (False, False, False, False, False, False),
    "general manager":  (False, False, False, False, False, False),
    "system admin":     (True,  True,  True,  True,  True,  True),
}
ACTIONS = ("create_customer", "edit_own_customer", "edit_other_customer", "edit_credit",
           "create_product", "edit_product")
CASES = [(who, action, allowed) for who, row in MATRIX.items()
         for action, allowed in zip(ACTIONS, row, strict=True)]


def _create_customer(actor):
    customer_create(actor=actor, code="M1", name="矩阵公司", tax_id="91310000MATRIX0001")
    return Customer.objects.filter(code="M1").exists()


def _edit_own_customer(actor):
    customer = CustomerFactory(owner=actor, name="旧名")
    customer_update(customer_id=customer.pk, actor=actor, name="新名")
    return Customer.objects.get(pk=customer.pk).name == "新名"


def _edit_other_customer(actor):
    customer = CustomerFactory(owner=make_user(Dept.SALES, Role.STAFF), name="旧名")
    contact_add(customer_id=customer.pk, actor=actor, name="王经理", phone="13800000000")
    customer_update(customer_id=customer.pk, actor=actor, name="新名")
    return Customer.objects.get(pk=customer.pk).name == "新名"


def _edit_credit(actor):
    customer = CustomerFactory(credit_limit=Decimal("100.00"))
    customer_update(customer_id=customer.pk, actor=actor, credit_limit="5000")
    return Customer.objects.get(pk=customer.pk).credit_limit == Decimal("5000.00")


def _create_product(actor):
    product_create(actor=actor, code="PX1", name="矩阵泵", unit="台", standard_price="10")
    return Product.objects.filter(code="PX1").exists()


def _edit_product(actor):
    product = ProductFactory(name="旧泵")
    product_update(product_id=product.pk, actor=actor, name="新泵")
    return Product.objects.get(pk=product.pk).name == "新泵"


def _counts():
    return (Customer.objects.filter(code="M1").count(),
            Customer.objects.filter(name="新名").count(),
            Customer.objects.filter(credit_limit=Decimal("5000.00")).count(),
            Product.objects.filter(code="PX1").count(),
            Product.objects.filter(name="新泵").count())


@pytest.mark.parametrize(("who", "action", "allowed"), CASES,
                         ids=[f"{w}-{a}" for w, a, _ in CASES])
def test_permission_matrix(who, action, allowed):
    actor = make_user(*PEOPLE[who])
    attempt = globals()[f"_{action}"]
    if allowed:
        assert attempt(actor) is True
    else:
        with pytest.raises(NotPermitted):
            attempt(actor)
        assert _counts() == (0, 0, 0, 0, 0)


def test_inactive_user_may_not_create():
    actor = make_user(Dept.SALES, Role.DEPT_HEAD, is_active=False)
    with pytest.raises(NotPermitted):
        _create_customer(actor)
    assert Customer.objects.count() == 0
