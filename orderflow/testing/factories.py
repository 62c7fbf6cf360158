"""factory_boy factories with realistic Chinese data (Faker zh_CN)."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from orderflow.accounts.domain.organisation import DEPT_NAMES_ZH, Dept, Role
from orderflow.accounts.models import Department, User, UserRole
from orderflow.masterdata.models import Contact, Customer, Product

factory.Faker._DEFAULT_LOCALE = "zh_CN"


def department(code: Dept) -> Department:
    """The seeded department (re-created if a transactional test flushed the table)."""
    return Department.objects.get_or_create(
        code=code, defaults={"name": DEPT_NAMES_ZH[Dept(code)], "name_en": str(code).title()})[0]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pass12345!")
    department = factory.LazyFunction(lambda: department(Dept.SALES))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or [Role.STAFF]:
            UserRole.objects.get_or_create(user=self, role=role)
        self._role_cache = None


def make_user(dept: Dept = Dept.SALES, *roles: Role, **kwargs) -> User:
    return UserFactory(department=department(dept),
                       roles=list(roles) or [Role.STAFF], **kwargs)


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Faker("company")
    tax_id = factory.Sequence(lambda n: f"91310000{n:010d}")
    address = factory.Faker("address")
    industry = "机械制造"
    credit_rating = "A"
    credit_limit = Decimal("1000000.00")
    receivables_outstanding = Decimal("0.00")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    phone = "021-55501234"
    mobile = "13812345678"
    email = factory.Faker("email")
    is_primary = True


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Iterator(["液压泵", "齿轮箱", "电机控制柜", "不锈钢阀门", "传送带"])
    specification = factory.Sequence(lambda n: f"型号-{n}")
    unit = "台"
    standard_price = Decimal("1000.00")
    standard_cost = Decimal("700.00")
    min_lead_days = 10


def order_payload(customer, products, **overrides) -> dict:
    """Valid order_create() fields: a complete order that passes the check."""
    today = dt.date.today()
    data = {
        "customer_id": customer.pk,
        "channel": "phone",
        "contact_name": "王经理",
        "contact_phone": "13812345678",
        "order_date": today,
        "delivery_date": today + dt.timedelta(days=60),
        "delivery_place": "上海市浦东新区张江路100号",
        "lines": [{"product_id": p.pk, "quantity": "2", "unit_price": str(p.standard_price)}
                  for p in products],
        "instalments": [{"percent": "30", "trigger": "on_order", "days": 0},
                        {"percent": "70", "trigger": "after_delivery", "days": 30}],
        "special_requirements": [],
    }
    data.update(overrides)
    return data
