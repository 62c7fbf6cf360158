"""The demo company's master data: customers with contacts, products and services."""

from dataclasses import dataclass, field
from decimal import Decimal

from orderflow.masterdata.models import Customer, Product, ProductKind
from orderflow.masterdata.services import customer_create, product_create

from .catalog import AREA_CODES, BRANDS, CONTACT_TITLES, INDUSTRIES, PLACES, PRODUCTS, STREETS

# Good customers keep at least this much credit headroom; the largest demo order stays below it.
GOOD_HEADROOM = Decimal("3500000")
MAX_LINE_AMOUNT = Decimal("600000")


@dataclass
class Customers:
    good: list[Customer] = field(default_factory=list)    # the check passes on credit
    risky: list[Customer] = field(default_factory=list)   # poor rating or over the limit

    @property
    def all(self) -> list[Customer]:
        return [*self.good, *self.risky]


class Names:
    """Unique, plausible company names: city + brand + trade + 有限公司."""

    def __init__(self, rng):
        self.rng, self.used = rng, set()

    def company(self, place: tuple[str, str, str] | None = None) -> tuple[str, str]:
        for _attempt in range(1000):
            city = (place or self.rng.choice(PLACES))[1].removesuffix("市")
            industry, trade = self.rng.choice(INDUSTRIES)
            name = f"{city}{self.rng.choice(BRANDS)}{trade}有限公司"
            if name not in self.used:
                self.used.add(name)
                return name, industry
        raise RuntimeError("ran out of demo company names")


def address(rng, place: tuple[str, str, str] | None = None) -> str:
    province, city, district = place or rng.choice(PLACES)
    prefix = city if province == city else f"{province}{city}"
    return f"{prefix}{district}{rng.choice(STREETS)}{rng.randint(1, 999)}号"


def tax_id(rng) -> str:
    """A unified social credit code shape: 91 + region + 10 characters."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91" + str(rng.randint(110000, 650000)) + "".join(rng.choices(alphabet, k=10))


def _credit(rng, kind: str) -> dict:
    if kind == "poor":      # P2.3.2 poor credit: always escalated
        limit = Decimal(rng.choice([200000, 300000, 500000]))
        return {"credit_rating": "D", "credit_limit": limit,
                "receivables_outstanding": limit * Decimal("0.9")}
    if kind == "over":      # outstanding receivables already above the limit
        limit = Decimal(rng.choice([800000, 1000000, 1500000]))
        return {"credit_rating": rng.choice("BC"), "credit_limit": limit,
                "receivables_outstanding": limit + Decimal(rng.randint(2, 30) * 10000)}
    limit = Decimal(rng.choice([5, 8, 10, 15, 20]) * 1000000)
    outstanding = Decimal(rng.randint(0, int((limit - GOOD_HEADROOM) / 10000)) * 10000)
    return {"credit_rating": rng.choices("ABC", weights=[5, 4, 1])[0], "credit_limit": limit,
            "receivables_outstanding": min(outstanding, limit * Decimal("0.3"))}


def create_customers(rng, fake, owners: list, *, actor, count: int = 40) -> Customers:
    """Customers of every credit standing, each owned by a salesperson, with contacts.

    Created through the master-data service by `actor` (a Sales head sets owners and
    credit terms), so they are validated and audited like any other customer.
    """
    names, result = Names(rng), Customers()
    kinds = ["poor"] * 3 + ["over"] * 4 + ["good"] * max(count - 7, 1)
    rng.shuffle(kinds)
    for i, kind in enumerate(kinds, start=1):
        place = rng.choice(PLACES)
        name, industry = names.company(place)
        customer = customer_create(
            actor=actor, code=f"C{i:04d}", name=name, tax_id=tax_id(rng),
            address=address(rng, place), industry=industry,
            owner_id=owners[i % len(owners)].pk, **_credit(rng, kind),
            contacts=_contacts(rng, fake, AREA_CODES[place[1]]))
        (result.good if kind == "good" else result.risky).append(customer)
    return result


def _contacts(rng, fake, area: str) -> list[dict]:
    return [{"name": fake.name(), "title": rng.choice(CONTACT_TITLES),
             "phone": f"{area}-{rng.randint(5000, 8999)}{rng.randint(1000, 9999)}",
             "mobile": fake.phone_number(), "email": fake.free_email(), "is_primary": i == 0}
            for i in range(rng.choice([1, 2, 2, 3]))]


def create_products(rng, *, actor) -> list[Product]:
    """The catalogue: machines, components and services with prices and lead times."""
    return [product_create(
        actor=actor, code=p.code, name=p.name, specification=p.specification, unit=p.unit,
        kind=ProductKind.SERVICE if p.service else ProductKind.PRODUCT,
        standard_price=p.price, min_lead_days=p.lead_days,
        standard_cost=(p.price * Decimal(rng.randint(55, 75)) / 100).quantize(Decimal("0.01")))
        for p in PRODUCTS]
