"""Demo orders, each taken through the real services to the state its scenario names.

Nothing is written behind the services' back, so order numbers, check reports,
escalations, field history and the audit chain are exactly what users would produce.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from orderflow.core import clock
from orderflow.intake.domain.check import Finding, Severity, finding_key
from orderflow.intake.models import CheckReport, Lead
from orderflow.intake.services import (
    communication_log,
    escalation_decide,
    lead_convert,
    order_check,
)
from orderflow.masterdata.models import Contact, Customer
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import order_create, order_transition, order_update

from .catalog import (
    CANCEL_REASONS,
    COMMUNICATION,
    ESCALATION,
    ORDER_NOTES,
    REQUIREMENTS,
)
from .company import MAX_LINE_AMOUNT, address

# scenario -> (weight, the state it ends in)
SCENARIOS = {
    "draft": (15, State.DRAFT),
    "incomplete": (13, State.AWAITING_CUSTOMER),
    "escalated": (8, State.ESCALATED),
    "passed": (30, State.CHECKED),
    "declined": (5, State.DECLINED),
    "cancelled": (10, State.CANCELLED),
    "accepted": (7, State.CHECKED),
    "confirmed": (5, State.CHECKED),
    "completed": (7, State.CHECKED),
}
_RECENT = {"draft", "incomplete", "escalated"}
_DIRECT_CHANNELS = ("phone", "phone", "email", "email", "visit", "fax")
_TERMS = (
    [{"percent": "30", "trigger": "on_order", "days": 0},
     {"percent": "70", "trigger": "after_delivery", "days": 30}],
    [{"percent": "30", "trigger": "on_order", "days": 0},
     {"percent": "60", "trigger": "before_delivery", "days": 0},
     {"percent": "10", "trigger": "after_acceptance", "days": 365}],
    [{"percent": "100", "trigger": "after_delivery", "days": 30}],
    [{"percent": "50", "trigger": "on_order", "days": 0},
     {"percent": "50", "trigger": "before_delivery", "days": 0}],
)
_GAPS = ("delivery_place", "instalments", "instalments_partial", "contact_phone",
         "delivery_date")


@dataclass
class PlannedOrder:
    scenario: str
    order_date: dt.date
    customer: Customer
    tight: bool = False
    lead: Lead | None = None

    @property
    def seller(self):
        return self.lead.assigned_to if self.lead else self.customer.owner


def plan_orders(rng, count: int, customers, leads: list[Lead]) -> list[PlannedOrder]:
    """Scenarios (each at least once when there is room), dated over the last six months."""
    names = list(SCENARIOS)
    chosen = names[:count] + rng.choices(names, weights=[SCENARIOS[n][0] for n in names],
                                         k=max(count - len(names), 0))
    today, plans = clock.today(), []
    for scenario in chosen:
        days = rng.randint(0, 20) if scenario in _RECENT else int(rng.triangular(0, 180, 20))
        escalates = scenario in ("escalated", "accepted", "declined")
        credit_risk = escalates and rng.random() < 0.6   # else: a delivery date too tight
        pool = (customers.risky if credit_risk else
                customers.all if scenario in ("draft", "incomplete") else customers.good)
        plans.append(PlannedOrder(scenario, today - dt.timedelta(days=days), rng.choice(pool),
                                  tight=escalates and not credit_risk))
    plans.sort(key=lambda p: p.order_date)
    pending = list(leads)
    for plan in reversed(plans):  # the newest plain orders came in through leads
        if pending and plan.scenario in ("passed", "draft"):
            plan.lead = pending.pop()
            plan.customer = plan.lead.customer
    return plans


class OrderMaker:
    """Builds one realistic order payload and walks it through its scenario."""

    def __init__(self, rng, users: dict, products: list):
        self.rng, self.users, self.products = rng, users, products
        self.contacts = defaultdict(list)
        for contact in Contact.objects.order_by("id"):
            self.contacts[contact.customer_id].append(contact)

    # -- payload --------------------------------------------------------------------

    def _quantity(self, product) -> int:
        cap = max(1, int(MAX_LINE_AMOUNT // product.standard_price))
        if product.unit == "件":
            return min(self.rng.choice([10, 20, 50, 100, 200]), cap)
        if product.unit == "次":
            return self.rng.randint(1, 4)
        return self.rng.randint(1, min(8, cap))

    def _lines(self, *, long_lead: bool) -> list[dict]:
        services = [p for p in self.products if p.kind == "service"]
        pool = services if self.rng.random() < 0.12 else self.products
        chosen = self.rng.sample(pool, self.rng.choice([1, 1, 2, 2, 3, 4]))
        if long_lead and max(p.min_lead_days for p in chosen) < 20:
            chosen[0] = self.rng.choice([p for p in self.products if p.min_lead_days >= 20])
        return [{"product_id": p.pk, "quantity": str(self._quantity(p)),
                 "unit_price": str((p.standard_price * self.rng.choice([100, 100, 98, 95, 90])
                                    / 100).quantize(Decimal("0.01")))}
                for p in chosen]

    def _requirements(self) -> list[dict]:
        if self.rng.random() > 0.25:
            return []
        kinds = self.rng.sample(list(REQUIREMENTS), self.rng.choice([1, 1, 2]))
        return [{"kind": k, "description": self.rng.choice(REQUIREMENTS[k])} for k in kinds]

    def payload(self, plan: PlannedOrder, *, tight: bool = False) -> dict:
        """Complete order fields; `tight` makes the delivery date shorter than the lead time."""
        rng, customer = self.rng, plan.customer
        contact = rng.choice(self.contacts[customer.pk])
        lines = self._lines(long_lead=tight)
        lead_days = max(p.min_lead_days for p in self.products
                        if p.pk in {ln["product_id"] for ln in lines})
        days = max(1, lead_days // 3) if tight else lead_days + rng.randint(7, 75)
        only_services = all(p.kind == "service" for p in self.products
                            if p.pk in {ln["product_id"] for ln in lines})
        requirements = self._requirements()
        order_type = ("customised" if any(r["kind"] == "customisation" for r in requirements)
                      else "service" if only_services else "standard")
        return {
            "customer_id": customer.pk, "contact_id": contact.pk,
            "contact_name": contact.name, "contact_phone": contact.mobile,
            "channel": rng.choice(_DIRECT_CHANNELS),
            "customer_po": f"PO{plan.order_date:%Y%m}{rng.randint(1000, 9999)}"
            if rng.random() < 0.7 else "",
            "order_date": plan.order_date, "delivery_date": clock.today() + dt.timedelta(days),
            "delivery_place": customer.address if rng.random() < 0.7 else address(rng),
            "tax_rate": Decimal("0.06") if only_services else Decimal("0.13"),
            "instalments": rng.choice(_TERMS), "special_requirements": requirements,
            "order_type": order_type,
            "notes": rng.choice(ORDER_NOTES), "lines": lines,
        }

    def with_gap(self, payload: dict) -> dict:
        """The same order with one piece the check will find missing (P2.3.2)."""
        gap, data = self.rng.choice(_GAPS), dict(payload)
        if gap == "instalments":
            data["instalments"] = []
        elif gap == "instalments_partial":
            data["instalments"] = data["instalments"][:1] if len(
                data["instalments"]) > 1 else [{"percent": "30", "trigger": "on_order"}]
        elif gap == "contact_phone":
            data.pop("contact_id")
            data["contact_phone"] = ""
        else:
            data[gap] = None if gap == "delivery_date" else ""
        return data

    # -- scenarios ------------------------------------------------------------------

    def create(self, plan: PlannedOrder, payload: dict) -> Order:
        if plan.lead is not None:
            fields = {k: v for k, v in payload.items() if k != "channel"}
            return lead_convert(lead_id=plan.lead.pk, actor=plan.seller, **fields)
        return order_create(actor=plan.seller, **payload)

    def run(self, plan: PlannedOrder) -> Order:
        """Create the order and take it to its scenario's state; fails loudly otherwise."""
        order = getattr(self, f"_{plan.scenario}")(plan)
        expected = SCENARIOS[plan.scenario][1]
        if order.status != expected:
            raise RuntimeError(f"demo scenario {plan.scenario} ended in {order.status}, "
                               f"not {expected} ({order.number})")
        return order

    def _check(self, order: Order, plan: PlannedOrder) -> Order:
        return order_check(order_id=order.pk, actor=plan.seller)

    def _talk(self, order: Order, plan: PlannedOrder, kind: str, confirmed=()) -> None:
        communication_log(order_id=order.pk, actor=plan.seller,
                          channel=self.rng.choice(["phone", "email", "message"]),
                          summary=self.rng.choice(COMMUNICATION[kind]),
                          confirmed_findings=confirmed)

    def _draft(self, plan):
        return self.create(plan, self.payload(plan))

    def _passed(self, plan):
        return self._check(self.create(plan, self.payload(plan)), plan)

    def _incomplete(self, plan):
        order = self._check(self.create(plan, self.with_gap(self.payload(plan))), plan)
        if self.rng.random() < 0.6:
            self._talk(order, plan, "ask")
        return order

    def _completed(self, plan):
        payload = self.payload(plan)
        order = self._check(self.create(plan, self.with_gap(payload)), plan)
        self._talk(order, plan, "ask")
        order_update(order_id=order.pk, actor=plan.seller, expected_version=order.version,
                     **{k: v for k, v in payload.items() if k != "channel"},
                     channel=order.channel)
        self._talk(order, plan, "complete")
        return self._check(order, plan)

    def _confirmed(self, plan):
        payload = self.payload(plan)
        first = payload["lines"][0]
        first["unit_price"] = str((Decimal(first["unit_price"]) * Decimal("0.6"))
                                  .quantize(Decimal("0.01")))   # a special price: doubtful
        order = self._check(self.create(plan, payload), plan)
        report = CheckReport.objects.filter(order=order).order_by("-run_at", "-id").first()
        doubtful = [finding_key(Finding(f["code"], Severity(f["severity"]), f["field"]))
                    for f in report.findings if f["severity"] == Severity.DOUBTFUL]
        self._talk(order, plan, "confirm", confirmed=doubtful)
        return self._check(order, plan)

    def _escalate(self, plan, decision: str | None):
        order = self._check(self.create(plan, self.payload(plan, tight=plan.tight)), plan)
        if decision is None:
            return order
        return escalation_decide(order_id=order.pk, accept=decision == "accept",
                                 actor=self.users[self.rng.choice(["leader", "gm"])],
                                 reason=self.rng.choice(ESCALATION[decision]))

    def _escalated(self, plan):
        return self._escalate(plan, None)

    def _accepted(self, plan):
        return self._escalate(plan, "accept")

    def _declined(self, plan):
        return self._escalate(plan, "decline")

    def _cancelled(self, plan):
        order = self.create(plan, self.payload(plan))
        if self.rng.random() < 0.5:
            order = self._check(order, plan)
        return order_transition(order_id=order.pk, action="cancel", actor=plan.seller,
                                reason=self.rng.choice(CANCEL_REASONS))
