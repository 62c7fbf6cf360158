"""Leads (P2.1.2, P2.1.3): captured, assigned to Sales, followed up, converted or dropped."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound, TransitionNotAllowed
from orderflow.core.permissions import require
from orderflow.core.validation import Errors
from orderflow.masterdata.models import Customer
from orderflow.notifications.services import notify
from orderflow.orders.models import Order
from orderflow.orders.services import order_create
from orderflow.orders.services.orders import next_sequence_value

from ..models import Lead, LeadChannel, LeadFollowUp, LeadStatus
from ..permissions import lead_visibility_q

OPEN = (LeadStatus.NEW, LeadStatus.ASSIGNED, LeadStatus.FOLLOWING_UP)
_LEAD_FIELDS = ("channel", "source_detail", "customer", "company_name", "contact_name",
                "contact_phone", "contact_email", "need", "estimated_amount")


def _lock_lead(lead_id: int, actor) -> Lead:
    lead = (Lead.objects.select_for_update(of=("self",))
            .filter(lead_visibility_q(actor), pk=lead_id).first())
    if lead is None:
        raise NotFound(_("Lead not found."))
    return lead


def _lead_number() -> str:
    # Leads share the orders' gap-free counters, under a key of their own.
    year = clock.today().year
    return f"LD-{year}-{next_sequence_value(10_000 + year):05d}"


def _int_or_none(value) -> int | None:
    """An id from a form or API payload; None when it is not a whole number."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _validate(data: dict) -> dict:
    errors = Errors()
    customer = None
    if data.get("customer_id") not in (None, ""):
        customer_pk = _int_or_none(data["customer_id"])
        customer = (Customer.objects.filter(pk=customer_pk, is_active=True).first()
                    if customer_pk is not None else None)
        if customer is None:
            errors.add("customer_id", _("Unknown or unavailable: %(value)s.")
                       % {"value": data["customer_id"]})
    clean = {
        "channel": errors.choice("channel", data.get("channel"), LeadChannel.choices),
        "source_detail": errors.text("source_detail", data.get("source_detail"),
                                     max_length=200),
        "customer": customer,
        "company_name": errors.text("company_name", data.get("company_name")
                                    or (customer.name if customer else ""), required=True,
                                    max_length=200),
        "contact_name": errors.text("contact_name", data.get("contact_name"), max_length=64),
        "contact_phone": errors.text("contact_phone", data.get("contact_phone"), max_length=32),
        "contact_email": errors.text("contact_email", data.get("contact_email"),
                                     max_length=254),
        "need": errors.text("need", data.get("need"), max_length=5000),
        "estimated_amount": errors.decimal("estimated_amount", data.get("estimated_amount"),
                                           required=False, min_value=0),
    }
    if clean["contact_email"] and "contact_email" not in errors.errors:
        try:
            validate_email(clean["contact_email"])
        except ValidationError:
            errors.add("contact_email", _("Enter a valid email address."))
    if not (clean["contact_phone"] or clean["contact_email"]):
        errors.add("contact_phone", _("Give a phone number or an email address."))
    errors.raise_if_any()
    return clean


@transaction.atomic
def lead_create(*, actor, assigned_to_id: int | None = None, **data) -> Lead:
    """Capture a lead with its channel and source (P2.1.2, P2.1.3).

    Raises:
        NotPermitted: inactive user, or an assignment by someone who may not assign.
        ValidationFailed: field by field; nothing is written.
    """
    require(actor, "intake.add_lead")
    if assigned_to_id not in (None, ""):
        require(actor, "intake.assign_lead")
    clean = _validate(data)
    now = clock.now()
    lead = Lead.objects.create(number=_lead_number(), created_by=actor, created_at=now,
                               updated_at=now, **clean)
    audit.record(actor, "lead.created", lead, to_state=lead.status,
                 data={"channel": lead.channel, "company": lead.company_name})
    if assigned_to_id not in (None, ""):
        _assign(lead, actor, assigned_to_id)
    return lead


@transaction.atomic
def lead_update(*, lead_id: int, actor, **data) -> Lead:
    """Correct an open lead's details; every changed field is recorded.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (closed lead), ValidationFailed.
    """
    lead = _lock_lead(lead_id, actor)
    require(actor, "intake.change_lead", lead)
    if lead.status not in OPEN:
        raise TransitionNotAllowed(_("A closed lead cannot be edited."))
    clean = _validate(data)
    changes = [{"field": k, "old": str(getattr(lead, k) or ""), "new": str(v or "")}
               for k, v in clean.items() if getattr(lead, k) != v]
    if not changes:
        return lead
    for key, value in clean.items():
        setattr(lead, key, value)
    lead.updated_at = clock.now()
    lead.save()
    audit.record(actor, "lead.updated", lead, data={"changes": changes})
    return lead


def _assign(lead: Lead, actor, assigned_to_id) -> None:
    require(actor, "intake.assign_lead")
    salesperson_pk = _int_or_none(assigned_to_id)
    salesperson = (User.objects.filter(pk=salesperson_pk, is_active=True,
                                       department__code=Dept.SALES).first()
                   if salesperson_pk is not None else None)
    if salesperson is None:
        errors = Errors()
        errors.add("assigned_to_id", _("Choose an active salesperson."))
        errors.raise_if_any()
    from_state = lead.status
    lead.assigned_to = salesperson
    lead.status = LeadStatus.ASSIGNED if lead.status == LeadStatus.NEW else lead.status
    lead.updated_at = clock.now()
    lead.save(update_fields=["assigned_to", "status", "updated_at"])
    audit.record(actor, "lead.assigned", lead, from_state=from_state, to_state=lead.status,
                 data={"assigned_to": salesperson.pk,
                       "assigned_to_name": salesperson.display_name})
    transaction.on_commit(lambda: notify(
        recipients=[salesperson], kind="lead.assigned",
        title=gettext_lazy("Lead %(number)s was assigned to you"), params={"number": lead.number},
        body=lead.need, url=f"/leads/{lead.pk}/"))


@transaction.atomic
def lead_assign(*, lead_id: int, actor, assigned_to_id: int) -> Lead:
    """Hand a lead to a salesperson (P2.1.2)."""
    lead = _lock_lead(lead_id, actor)
    if lead.status not in OPEN:
        raise TransitionNotAllowed(_("A closed lead cannot be reassigned."))
    _assign(lead, actor, assigned_to_id)
    return lead


@transaction.atomic
def lead_follow_up(*, lead_id: int, actor, note: str, next_action_on=None) -> LeadFollowUp:
    """Record a contact with the prospect; the lead is now being followed up (P2.1.2)."""
    lead = _lock_lead(lead_id, actor)
    require(actor, "intake.follow_up_lead", lead)
    if lead.status not in OPEN:
        raise TransitionNotAllowed(_("A closed lead cannot be followed up."))
    errors = Errors()
    note = errors.text("note", note, required=True, max_length=5000)
    next_on = errors.date("next_action_on", next_action_on, required=False)
    errors.raise_if_any()
    entry = LeadFollowUp.objects.create(lead=lead, author=actor, at=clock.now(), note=note,
                                        next_action_on=next_on)
    from_state = lead.status
    lead.status = LeadStatus.FOLLOWING_UP
    lead.updated_at = clock.now()
    lead.save(update_fields=["status", "updated_at"])
    audit.record(actor, "lead.followed_up", lead, from_state=from_state, to_state=lead.status,
                 data={"note": note, "next_action_on": next_on})
    return entry


@transaction.atomic
def lead_drop(*, lead_id: int, actor, reason: str) -> Lead:
    """Close a lead without an order; the reason is mandatory."""
    lead = _lock_lead(lead_id, actor)
    require(actor, "intake.drop_lead", lead)
    if lead.status not in OPEN:
        raise TransitionNotAllowed(_("This lead is already closed."))
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=2000)
    errors.raise_if_any()
    from_state = lead.status
    lead.status, lead.drop_reason, lead.updated_at = LeadStatus.DROPPED, reason, clock.now()
    lead.save(update_fields=["status", "drop_reason", "updated_at"])
    audit.record(actor, "lead.dropped", lead, from_state=from_state, to_state=lead.status,
                 data={"reason": reason})
    return lead


@transaction.atomic
def lead_convert(*, lead_id: int, actor, **order_fields) -> Order:
    """Turn a lead into a draft order; the lead's channel is kept on the order (P2.1.3)."""
    lead = _lock_lead(lead_id, actor)
    require(actor, "intake.convert_lead", lead)
    if lead.status not in OPEN:
        raise TransitionNotAllowed(_("This lead is already closed."))
    # P2.1.3: the order keeps the channel the lead came through, whatever the form sent.
    order_fields["channel"] = lead.channel
    order_fields.pop("lead_id", None)
    order_fields.setdefault("customer_id", lead.customer_id)
    order_fields.setdefault("contact_name", lead.contact_name)
    order_fields.setdefault("contact_phone", lead.contact_phone)
    order = order_create(actor=actor, lead_id=lead.pk, **order_fields)
    from_state = lead.status
    lead.status, lead.updated_at = LeadStatus.CONVERTED, clock.now()
    lead.save(update_fields=["status", "updated_at"])
    audit.record(actor, "lead.converted", lead, from_state=from_state, to_state=lead.status,
                 data={"order": order.number})
    return order
