"""Lead services and selectors (P2.1.2, P2.1.3): capture, assign, follow up, drop, convert."""

import datetime as dt
from decimal import Decimal

import pytest
import rules
import time_machine
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.core.pagination import paginate
from orderflow.intake import selectors
from orderflow.intake.models import Lead, LeadFollowUp
from orderflow.intake.services import (
    lead_assign,
    lead_convert,
    lead_create,
    lead_drop,
    lead_follow_up,
    lead_update,
)
from orderflow.notifications.models import Notification
from orderflow.orders.models import Order, OrderSequence
from orderflow.testing.factories import CustomerFactory, make_user, order_payload

NOW = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock_in_english():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def marketer(db):
    return make_user(Dept.MARKETING, Role.STAFF, username="mkt1", full_name="赵敏")


@pytest.fixture
def other_sales(db):
    return make_user(Dept.SALES, Role.STAFF, username="sales2", full_name="刘洋")


@pytest.fixture
def producer(db):
    return make_user(Dept.PRODUCTION, Role.STAFF, username="prod1", full_name="孙丽")


def lead_data(**overrides) -> dict:
    data = {
        "channel": "trade_show",
        "source_detail": "2026 上海工博会 A 馆",
        "company_name": "苏州精工机械有限公司",
        "contact_name": "陈经理",
        "contact_phone": "13912345678",
        "contact_email": "chen@jinggong.example.cn",
        "need": "两台液压泵，四月交货",
        "estimated_amount": "250000.00",
    }
    data.update(overrides)
    return data


def convert_fields(customer, products, **overrides) -> dict:
    """What the order form adds when converting: the lead supplies channel and contact."""
    data = order_payload(customer, products)
    for key in ("channel", "contact_name", "contact_phone"):
        data.pop(key)
    data.update(overrides)
    return data


def row(lead) -> dict:
    return Lead.objects.values().get(pk=lead.pk)


def world() -> dict:
    """Everything a lead service may write; compared before/after a refused call."""
    return {
        "leads": list(Lead.objects.values().order_by("pk")),
        "follow_ups": LeadFollowUp.objects.count(),
        "events": AuditEvent.objects.count(),
        "orders": Order.objects.count(),
        "notifications": Notification.objects.count(),
        "counters": list(OrderSequence.objects.values_list("year", "last_number")
                         .order_by("year")),
    }


def lead_events(lead) -> list[tuple]:
    return list(AuditEvent.objects.filter(object_type="intake.lead", object_id=str(lead.pk))
                .order_by("id").values_list("action", "from_state", "to_state"))


def last_event(lead) -> AuditEvent:
    return AuditEvent.objects.filter(object_type="intake.lead",
                                     object_id=str(lead.pk)).order_by("-id").first()


@pytest.fixture
def assigned_lead(marketer, sales_head, salesperson, customer):
    """Captured by Marketing for an existing customer, handed by the Sales head (P2.1.2)."""
    lead = lead_create(actor=marketer, **lead_data(customer_id=customer.pk))
    return lead_assign(lead_id=lead.pk, actor=sales_head, assigned_to_id=salesperson.pk)


# --- lead_create -------------------------------------------------------------------------

def test_create_captures_lead_with_channel_source_and_audit(marketer):
    # P2.1.2 Marketing captures a lead; P2.1.3 the channel is recorded
    lead = lead_create(actor=marketer, **lead_data())

    assert {k: v for k, v in row(lead).items() if k != "id"} == {
        "number": "LD-2026-00001", "status": "new", "channel": "trade_show",
        "source_detail": "2026 上海工博会 A 馆", "customer_id": None,
        "company_name": "苏州精工机械有限公司", "contact_name": "陈经理",
        "contact_phone": "13912345678", "contact_email": "chen@jinggong.example.cn",
        "need": "两台液压泵，四月交货", "estimated_amount": Decimal("250000.00"),
        "assigned_to_id": None, "drop_reason": "", "created_by_id": marketer.pk,
        "created_at": NOW, "updated_at": NOW,
    }
    event = last_event(lead)
    assert (event.action, event.actor_id, event.object_id, event.from_state, event.to_state,
            event.data) == ("lead.created", marketer.pk, str(lead.pk), "", "new",
                            {"channel": "trade_show", "company": "苏州精工机械有限公司"})


def test_create_numbers_leads_consecutively(marketer, producer):
    first = lead_create(actor=marketer, **lead_data())
    second = lead_create(actor=producer, **lead_data(channel="other", contact_phone=""))
    assert (first.number, second.number) == ("LD-2026-00001", "LD-2026-00002")


def test_create_for_existing_customer_takes_its_name(marketer, customer):
    lead = lead_create(actor=marketer, **lead_data(customer_id=str(customer.pk),
                                                   company_name=""))
    assert (lead.customer_id, lead.company_name) == (customer.pk, customer.name)


def test_create_with_assignment_hands_lead_to_salesperson_and_notifies(
        sales_head, salesperson, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_create(actor=sales_head, assigned_to_id=salesperson.pk,
                           **lead_data(channel="referral"))

    assert (row(lead)["status"], row(lead)["assigned_to_id"]) == ("assigned", salesperson.pk)
    assert lead_events(lead) == [("lead.created", "", "new"),
                                 ("lead.assigned", "new", "assigned")]
    assert list(Notification.objects.values_list("recipient_id", "kind", "title", "url")) == [
        # in the recipient's language (no preference: the company's, Chinese)
        (salesperson.pk, "lead.assigned", f"线索 {lead.number} 已分配给您",
         f"/leads/{lead.pk}/")]
    assert lead.number == f"LD-{clock.today().year}-00001"


def test_create_with_assignment_by_someone_who_may_not_assign_writes_nothing(
        salesperson, other_sales):
    before = world()
    with pytest.raises(NotPermitted):
        lead_create(actor=salesperson, assigned_to_id=other_sales.pk, **lead_data())
    assert world() == before


@pytest.mark.parametrize(("overrides", "expected"), [
    pytest.param({"contact_phone": "", "contact_email": " "},
                 {"contact_phone": ["Give a phone number or an email address."]},
                 id="no-phone-no-email"),
    pytest.param({"channel": "telepathy"}, {"channel": ["Select a valid choice."]},
                 id="bad-channel"),
    pytest.param({"channel": "phone"}, {"channel": ["Select a valid choice."]},
                 id="direct-order-channel-is-not-a-lead-channel"),
    pytest.param({"channel": ""}, {"channel": ["This field is required."]}, id="no-channel"),
    pytest.param({"customer_id": 999999}, {"customer_id": ["Unknown or unavailable: 999999."]},
                 id="unknown-customer"),
    pytest.param({"customer_id": "abc"}, {"customer_id": ["Unknown or unavailable: abc."]},
                 id="customer-not-a-number"),
    pytest.param({"company_name": ""}, {"company_name": ["This field is required."]},
                 id="no-company"),
    pytest.param({"contact_email": "chen@"}, {"contact_email": ["Enter a valid email address."]},
                 id="bad-email"),
    pytest.param({"estimated_amount": "-1"}, {"estimated_amount": ["Must be at least 0."]},
                 id="negative-amount"),
])
def test_create_with_bad_input_writes_nothing(marketer, overrides, expected):
    before = world()
    with pytest.raises(ValidationFailed) as exc:
        lead_create(actor=marketer, **lead_data(**overrides))
    assert exc.value.errors == expected
    assert world() == before


def test_create_refuses_inactive_customer(marketer):
    gone = CustomerFactory(is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        lead_create(actor=marketer, **lead_data(customer_id=gone.pk))
    assert exc.value.errors == {"customer_id": [f"Unknown or unavailable: {gone.pk}."]}
    assert Lead.objects.count() == 0


@pytest.mark.parametrize("assignee", ["producer", "inactive", "nobody", "not-a-number"])
def test_create_assigning_to_a_non_salesperson_writes_nothing(sales_head, producer, assignee):
    target = {"producer": producer.pk, "nobody": 999999, "not-a-number": "x",
              "inactive": make_user(Dept.SALES, is_active=False).pk}[assignee]
    before = world()
    with pytest.raises(ValidationFailed) as exc:
        lead_create(actor=sales_head, assigned_to_id=target, **lead_data())
    assert exc.value.errors == {"assigned_to_id": ["Choose an active salesperson."]}
    assert world() == before


# --- lead_update -------------------------------------------------------------------------

def test_update_records_each_changed_field(marketer):
    lead = lead_create(actor=marketer, **lead_data())
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        lead_update(lead_id=lead.pk, actor=marketer,
                    **lead_data(contact_phone="13800001111", estimated_amount="300000"))

    assert (row(lead)["contact_phone"], row(lead)["estimated_amount"],
            row(lead)["updated_at"]) == ("13800001111", Decimal("300000.00"),
                                         NOW + dt.timedelta(hours=1))
    assert (last_event(lead).action, last_event(lead).data) == ("lead.updated", {"changes": [
        {"field": "contact_phone", "old": "13912345678", "new": "13800001111"},
        {"field": "estimated_amount", "old": "250000.00", "new": "300000.00"}]})


def test_update_without_changes_writes_nothing(marketer):
    lead = lead_create(actor=marketer, **lead_data())
    before = world()
    lead_update(lead_id=lead.pk, actor=marketer, **lead_data(estimated_amount="250000"))
    assert world() == before


def test_update_with_bad_input_leaves_lead_unchanged(marketer):
    lead = lead_create(actor=marketer, **lead_data())
    before = world()
    with pytest.raises(ValidationFailed) as exc:
        lead_update(lead_id=lead.pk, actor=marketer,
                    **lead_data(contact_phone="", contact_email="", channel="fax"))
    assert exc.value.errors == {"channel": ["Select a valid choice."],
                                "contact_phone": ["Give a phone number or an email address."]}
    assert world() == before


# --- lead_assign -------------------------------------------------------------------------

def test_assign_by_marketing_hands_new_lead_to_sales(marketer, salesperson):
    lead = lead_create(actor=marketer, **lead_data())
    lead_assign(lead_id=lead.pk, actor=marketer, assigned_to_id=salesperson.pk)

    assert (row(lead)["status"], row(lead)["assigned_to_id"]) == ("assigned", salesperson.pk)
    event = last_event(lead)
    assert (event.action, event.actor_id, event.from_state, event.to_state, event.data) == (
        "lead.assigned", marketer.pk, "new", "assigned",
        {"assigned_to": salesperson.pk, "assigned_to_name": "张伟"})


def test_reassign_keeps_follow_up_status(assigned_lead, salesperson, sales_head, other_sales):
    lead_follow_up(lead_id=assigned_lead.pk, actor=salesperson, note="已电话联系")
    lead_assign(lead_id=assigned_lead.pk, actor=sales_head, assigned_to_id=other_sales.pk)
    assert (row(assigned_lead)["status"], row(assigned_lead)["assigned_to_id"]) == (
        "following_up", other_sales.pk)
    assert lead_events(assigned_lead)[-1] == ("lead.assigned", "following_up", "following_up")


def test_assign_to_a_non_salesperson_leaves_lead_unchanged(assigned_lead, sales_head, producer):
    before = world()
    with pytest.raises(ValidationFailed) as exc:
        lead_assign(lead_id=assigned_lead.pk, actor=sales_head, assigned_to_id=producer.pk)
    assert exc.value.errors == {"assigned_to_id": ["Choose an active salesperson."]}
    assert world() == before


# --- lead_follow_up ----------------------------------------------------------------------

def test_follow_up_records_note_and_moves_lead_on(assigned_lead, salesperson):
    entry = lead_follow_up(lead_id=assigned_lead.pk, actor=salesperson,
                           note="电话沟通，客户需要报价", next_action_on="2026-03-17")

    assert (entry.lead_id, entry.author_id, entry.at, entry.note, entry.next_action_on) == (
        assigned_lead.pk, salesperson.pk, NOW, "电话沟通，客户需要报价", dt.date(2026, 3, 17))
    assert row(assigned_lead)["status"] == "following_up"
    event = last_event(assigned_lead)
    assert (event.action, event.actor_id, event.from_state, event.to_state, event.data) == (
        "lead.followed_up", salesperson.pk, "assigned", "following_up",
        {"note": "电话沟通，客户需要报价", "next_action_on": "2026-03-17"})


@pytest.mark.parametrize(("note", "next_on", "expected"), [
    ("  ", None, {"note": ["This field is required."]}),
    ("已联系", "17/03/2026", {"next_action_on": ["Enter a valid date (YYYY-MM-DD)."]}),
])
def test_follow_up_with_bad_input_writes_nothing(assigned_lead, salesperson, note, next_on,
                                                 expected):
    before = world()
    with pytest.raises(ValidationFailed) as exc:
        lead_follow_up(lead_id=assigned_lead.pk, actor=salesperson, note=note,
                       next_action_on=next_on)
    assert exc.value.errors == expected
    assert world() == before


# --- lead_drop ---------------------------------------------------------------------------

def test_drop_closes_lead_with_reason(assigned_lead, salesperson):
    lead_drop(lead_id=assigned_lead.pk, actor=salesperson, reason="客户预算取消")

    assert (row(assigned_lead)["status"], row(assigned_lead)["drop_reason"]) == (
        "dropped", "客户预算取消")
    event = last_event(assigned_lead)
    assert (event.action, event.from_state, event.to_state, event.data) == (
        "lead.dropped", "assigned", "dropped", {"reason": "客户预算取消"})


def test_drop_without_reason_leaves_lead_open(assigned_lead, salesperson):
    before = world()
    with pytest.raises(ValidationFailed) as exc:
        lead_drop(lead_id=assigned_lead.pk, actor=salesperson, reason=" ")
    assert exc.value.errors == {"reason": ["This field is required."]}
    assert world() == before


# --- lead_convert ------------------------------------------------------------------------

def test_convert_creates_draft_order_with_lead_channel(assigned_lead, salesperson, customer,
                                                       products):
    # P2.1.3: the channel travels from the lead to the order, even if the form sent another
    order = lead_convert(lead_id=assigned_lead.pk, actor=salesperson,
                         **convert_fields(customer, products, channel="phone"))

    order = Order.objects.get(pk=order.pk)
    assert (order.number, order.status, order.channel, order.lead_id, order.customer_id,
            order.contact_name, order.contact_phone, order.salesperson_id,
            order.lines.count()) == (
        "SO-2026-000001", "draft", "trade_show", assigned_lead.pk, customer.pk, "陈经理",
        "13912345678", salesperson.pk, 2)
    assert row(assigned_lead)["status"] == "converted"
    assert lead_events(assigned_lead)[-1] == ("lead.converted", "assigned", "converted")
    assert last_event(assigned_lead).data == {"order": "SO-2026-000001"}
    assert AuditEvent.objects.filter(action="order.created", object_id=str(order.pk)).exists()


def test_convert_takes_customer_from_form_when_lead_has_none(marketer, sales_head, customer,
                                                             products):
    lead = lead_create(actor=marketer, **lead_data())
    fields = convert_fields(customer, products)
    order = lead_convert(lead_id=lead.pk, actor=sales_head, **fields)
    assert (order.customer_id, order.lead_id, order.salesperson_id) == (
        customer.pk, lead.pk, sales_head.pk)


@pytest.mark.parametrize(("drop", "overrides", "field"), [
    ("customer_id", {}, "customer_id"),
    (None, {"lines": []}, "lines"),
])
def test_convert_with_incomplete_order_writes_nothing(marketer, sales_head, customer, products,
                                                      drop, overrides, field):
    lead = lead_create(actor=marketer, **lead_data())
    fields = convert_fields(customer, products, **overrides)
    fields.pop(drop, None)
    before = world()
    with pytest.raises(ValidationFailed) as exc:
        lead_convert(lead_id=lead.pk, actor=sales_head, **fields)
    assert list(exc.value.errors) == [field]
    assert world() == before


# --- permission matrix -------------------------------------------------------------------

ACTORS = ("assignee", "other_sales", "sales_head", "marketing", "production")
OK, DENIED, HIDDEN = "ok", NotPermitted, NotFound
# Through the services: invisible leads answer 404 before any rule is asked.
SERVICE_MATRIX = {
    #             assignee  other_sales sales_head marketing production
    "assign":    (DENIED,   HIDDEN,     OK,        OK,       HIDDEN),
    "follow_up": (OK,       HIDDEN,     OK,        DENIED,   HIDDEN),
    "drop":      (OK,       HIDDEN,     OK,        DENIED,   HIDDEN),
    "convert":   (OK,       HIDDEN,     OK,        DENIED,   HIDDEN),
    "edit":      (OK,       HIDDEN,     OK,        OK,       HIDDEN),
}
# The rules alone, for the same lead (P2.1.2: Sales heads and Marketing hand leads to Sales).
RULE_MATRIX = {
    "intake.assign_lead":    (False, False, True, True,  False),
    "intake.follow_up_lead": (True,  False, True, False, False),
    "intake.drop_lead":      (True,  False, True, False, False),
    "intake.convert_lead":   (True,  False, True, False, False),
    "intake.change_lead":    (True,  False, True, True,  False),
}


@pytest.fixture
def people(salesperson, other_sales, sales_head, producer):
    capturer = make_user(Dept.MARKETING, username="capturer")
    return {"assignee": salesperson, "other_sales": other_sales, "sales_head": sales_head,
            "marketing": make_user(Dept.MARKETING, username="mkt2"), "production": producer,
            "capturer": capturer}


@pytest.fixture
def matrix_lead(people, customer):
    lead = lead_create(actor=people["capturer"], **lead_data(customer_id=customer.pk))
    return lead_assign(lead_id=lead.pk, actor=people["sales_head"],
                       assigned_to_id=people["assignee"].pk)


def run_action(action, lead, actor, people, customer, products):
    if action == "assign":
        return lead_assign(lead_id=lead.pk, actor=actor, assigned_to_id=people["other_sales"].pk)
    if action == "follow_up":
        return lead_follow_up(lead_id=lead.pk, actor=actor, note="拜访客户")
    if action == "drop":
        return lead_drop(lead_id=lead.pk, actor=actor, reason="客户已选其他供应商")
    if action == "convert":
        return lead_convert(lead_id=lead.pk, actor=actor, **convert_fields(customer, products))
    return lead_update(lead_id=lead.pk, actor=actor, **lead_data(customer_id=customer.pk,
                                                                 need="三台液压泵"))


EXPECTED_AFTER = {
    "assign": ("assigned", "lead.assigned"), "follow_up": ("following_up", "lead.followed_up"),
    "drop": ("dropped", "lead.dropped"), "convert": ("converted", "lead.converted"),
    "edit": ("assigned", "lead.updated"),
}


@pytest.mark.parametrize(("action", "who", "outcome"), [
    (action, who, outcome) for action, row_ in SERVICE_MATRIX.items()
    for who, outcome in zip(ACTORS, row_, strict=True)])
def test_service_permission_matrix(action, who, outcome, people, matrix_lead, customer,
                                   products):
    before = world()
    if outcome is OK:
        run_action(action, matrix_lead, people[who], people, customer, products)
        assert (row(matrix_lead)["status"], last_event(matrix_lead).action,
                last_event(matrix_lead).actor_id) == (*EXPECTED_AFTER[action], people[who].pk)
    else:
        with pytest.raises(outcome):
            run_action(action, matrix_lead, people[who], people, customer, products)
        assert world() == before


@pytest.mark.parametrize(("perm", "who", "allowed"), [
    (perm, who, allowed) for perm, row_ in RULE_MATRIX.items()
    for who, allowed in zip(ACTORS, row_, strict=True)])
def test_rule_matrix(perm, who, allowed, people, matrix_lead):
    assert rules.has_perm(perm, people[who], matrix_lead) is allowed


def test_anyone_captures_but_only_sales_works_the_lead(producer, salesperson):
    # P2.1.2 "captured by Marketing or anyone": the capturer sees and edits, Sales follows up
    lead = lead_create(actor=producer, **lead_data(channel="other"))
    assert selectors.lead_detail(producer, lead.pk) == lead
    lead_update(lead_id=lead.pk, actor=producer, **lead_data(channel="other", need="急需"))
    before = world()
    for refused in (lambda: lead_follow_up(lead_id=lead.pk, actor=producer, note="x"),
                    lambda: lead_drop(lead_id=lead.pk, actor=producer, reason="x"),
                    lambda: lead_assign(lead_id=lead.pk, actor=producer,
                                        assigned_to_id=salesperson.pk)):
        with pytest.raises(NotPermitted):
            refused()
    assert world() == before


# --- closed leads ------------------------------------------------------------------------

@pytest.mark.parametrize("closed", ["dropped", "converted"])
@pytest.mark.parametrize("action", ["assign", "follow_up", "drop", "convert", "edit"])
def test_closed_lead_refuses_every_action(closed, action, people, matrix_lead, customer,
                                          products):
    head = people["sales_head"]
    if closed == "dropped":
        lead_drop(lead_id=matrix_lead.pk, actor=head, reason="重复线索")
    else:
        lead_convert(lead_id=matrix_lead.pk, actor=head, **convert_fields(customer, products))
    before = world()
    with pytest.raises(TransitionNotAllowed):
        run_action(action, matrix_lead, head, people, customer, products)
    assert world() == before
    assert row(matrix_lead)["status"] == closed


# --- selectors: visibility, filters, buttons ---------------------------------------------

@pytest.fixture
def four_leads(marketer, sales_head, salesperson, other_sales):
    mine = lead_create(actor=marketer, assigned_to_id=salesperson.pk,
                       **lead_data(company_name="甲公司"))
    captured = lead_create(actor=salesperson, **lead_data(company_name="乙公司", channel="online"))
    theirs = lead_create(actor=marketer, assigned_to_id=other_sales.pk,
                         **lead_data(company_name="丙公司"))
    unassigned = lead_create(actor=marketer, **lead_data(company_name="丁公司"))
    return {"mine": mine, "captured": captured, "theirs": theirs, "unassigned": unassigned}


def visible_names(user) -> set[str]:
    return set(selectors.leads_visible_to(user).values_list("company_name", flat=True))


def test_salesperson_sees_only_leads_assigned_to_or_captured_by_them(four_leads, salesperson):
    assert visible_names(salesperson) == {"甲公司", "乙公司"}
    with pytest.raises(NotFound):
        selectors.lead_detail(salesperson, four_leads["theirs"].pk)
    before = world()
    with pytest.raises(NotFound):
        lead_follow_up(lead_id=four_leads["theirs"].pk, actor=salesperson, note="x")
    assert world() == before


def test_heads_and_marketing_see_all_others_only_their_own(four_leads, sales_head, marketer,
                                                           producer, division_leader):
    everything = {"甲公司", "乙公司", "丙公司", "丁公司"}
    assert visible_names(sales_head) == everything
    assert visible_names(marketer) == everything
    assert visible_names(division_leader) == everything
    assert visible_names(producer) == set()
    marketer.is_active = False
    assert visible_names(marketer) == set()


@pytest.mark.parametrize(("filters", "expected"), [
    ({"status": "assigned"}, ["丙公司", "甲公司"]),
    ({"status": "new,assigned"}, ["丁公司", "丙公司", "乙公司", "甲公司"]),
    ({"channel": "online"}, ["乙公司"]),
    ({"mine": True}, ["甲公司"]),
    ({"q": "LD-2026-00003"}, ["丙公司"]),
    ({"q": "丁"}, ["丁公司"]),
])
def test_lead_list_filters(four_leads, sales_head, salesperson, filters, expected):
    user = salesperson if filters.get("mine") else sales_head
    qs = selectors.lead_list(user, selectors.LeadFilters(**filters))
    assert [lead.company_name for lead in qs] == expected


def test_lead_list_page_is_one_query(four_leads, sales_head, django_assert_num_queries):
    sales_head.department  # noqa: B018 - load the head's department and roles first
    sales_head.role_set  # noqa: B018
    with django_assert_num_queries(1):
        page = paginate(selectors.lead_list(sales_head), 1, size=3)
        names = [(lead.company_name, lead.assigned_to and lead.assigned_to.username)
                 for lead in page.items]
    assert (len(names), page.has_next) == (3, True)


def test_lead_actions_follow_rules_and_status(assigned_lead, salesperson, sales_head):
    assert selectors.lead_actions(salesperson, assigned_lead) == selectors.LeadActions(
        edit=True, assign=False, follow_up=True, drop=True, convert=True)
    assert selectors.lead_actions(sales_head, assigned_lead) == selectors.LeadActions(
        edit=True, assign=True, follow_up=True, drop=True, convert=True)
    lead_drop(lead_id=assigned_lead.pk, actor=salesperson, reason="无预算")
    assigned_lead.refresh_from_db()
    assert selectors.lead_actions(sales_head, assigned_lead) == selectors.LeadActions()


def test_lead_orders_lists_converted_order(assigned_lead, salesperson, customer, products):
    order = lead_convert(lead_id=assigned_lead.pk, actor=salesperson,
                         **convert_fields(customer, products))
    assert selectors.lead_orders(salesperson, assigned_lead) == [order]
    assert selectors.lead_orders(make_user(Dept.QUALITY), assigned_lead) == []
