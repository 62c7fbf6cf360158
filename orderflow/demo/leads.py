"""Demo leads (P2.1.2, P2.1.3) in every state, written through the lead services."""

import datetime as dt
from decimal import Decimal

from orderflow.core import clock
from orderflow.intake.models import Lead
from orderflow.intake.services import lead_create, lead_drop, lead_follow_up

from .catalog import DROP_REASONS, FOLLOW_UP_NOTES, LEAD_NEEDS, LEAD_SOURCES
from .company import Names

LEAD_COUNT = 30


def _fields(rng, fake, names: Names, customer=None) -> dict:
    channel = rng.choice(list(LEAD_SOURCES))
    return {
        "channel": channel, "source_detail": rng.choice(LEAD_SOURCES[channel]),
        "customer_id": customer.pk if customer else None,
        "company_name": customer.name if customer else names.company()[0],
        "contact_name": fake.name(), "contact_phone": fake.phone_number(),
        "contact_email": fake.free_email() if rng.random() < 0.6 else "",
        "need": rng.choice(LEAD_NEEDS),
        "estimated_amount": Decimal(rng.randint(5, 200) * 10000),
    }


def _follow_up(rng, lead: Lead, actor) -> None:
    for _ in range(rng.randint(1, 2)):
        lead_follow_up(lead_id=lead.pk, actor=actor, note=rng.choice(FOLLOW_UP_NOTES),
                       next_action_on=clock.today() + dt.timedelta(days=rng.randint(3, 14)))


def create_leads(rng, fake, users: dict, customers, *, to_convert: int) -> list[Lead]:
    """30 leads: new, assigned, followed up, dropped; returns those ready to convert."""
    names = Names(rng)
    names.used.update(c.name for c in customers.all)
    sellers = [users["sales1"], users["sales2"], users["sales3"]]
    capturers = [users["marketing1"], users["marketing1"], users["marketinghead"],
                 users["sales2"]]
    plan = ["convert"] * to_convert + ["new"] * 5 + ["assigned"] * 6 + ["dropped"] * 4
    plan += ["following_up"] * max(LEAD_COUNT - len(plan), 0)
    rng.shuffle(plan)
    ready = []
    for state in plan:
        customer = rng.choice(customers.good) if state == "convert" else (
            rng.choice(customers.all) if rng.random() < 0.3 else None)
        seller = customer.owner if state == "convert" else rng.choice(sellers)
        if state == "new":
            lead_create(actor=rng.choice(capturers), **_fields(rng, fake, names, customer))
            continue
        lead = lead_create(actor=users["marketinghead"], assigned_to_id=seller.pk,
                           **_fields(rng, fake, names, customer))
        if state in ("following_up", "dropped", "convert"):
            _follow_up(rng, lead, seller)
        if state == "dropped":
            lead_drop(lead_id=lead.pk, actor=seller, reason=rng.choice(DROP_REASONS))
        if state == "convert":
            ready.append(lead)
    return ready
