"""Reading intake records (P2): every list and detail goes through the user's visibility."""

from dataclasses import dataclass

import rules
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from orderflow.core.errors import NotFound
from orderflow.core.validation import search_term
from orderflow.orders.models import Order
from orderflow.orders.selectors import visible_to as order_visible_to

from .models import Lead, LeadFollowUp, LeadStatus
from .permissions import lead_visibility_q

# Leads


@dataclass(frozen=True)
class LeadFilters:
    status: str = ""
    channel: str = ""
    mine: bool = False
    q: str = ""


@dataclass(frozen=True)
class LeadActions:
    """Which of a lead's buttons a user gets (the services check again)."""

    edit: bool = False
    assign: bool = False
    follow_up: bool = False
    drop: bool = False
    convert: bool = False

    @property
    def any(self) -> bool:
        return any((self.edit, self.assign, self.follow_up, self.drop, self.convert))


OPEN_LEAD_STATES = (LeadStatus.NEW, LeadStatus.ASSIGNED, LeadStatus.FOLLOWING_UP)


def leads_visible_to(user) -> QuerySet[Lead]:
    return Lead.objects.filter(lead_visibility_q(user))


def lead_list(user, filters: LeadFilters = LeadFilters()) -> QuerySet[Lead]:
    """The visible leads matching the filters, newest first (the caller pages it)."""
    qs = leads_visible_to(user).select_related("customer", "assigned_to")
    if filters.status:
        qs = qs.filter(status__in=filters.status.split(","))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.mine:
        qs = qs.filter(assigned_to_id=user.pk)
    term = search_term(filters.q)
    if term:
        qs = qs.filter(Q(number__icontains=term) | Q(company_name__icontains=term)
                       | Q(contact_name__icontains=term) | Q(contact_phone__icontains=term)
                       | Q(contact_email__icontains=term) | Q(need__icontains=term))
    return qs.order_by("-id")


def lead_detail(user, lead_id: int) -> Lead:
    """One visible lead with the people and customer its page shows; NotFound otherwise."""
    lead = (leads_visible_to(user).select_related("customer", "assigned_to", "created_by")
            .filter(pk=lead_id).first())
    if lead is None:
        raise NotFound(_("Lead not found."))
    return lead


def lead_follow_ups(lead: Lead, *, limit: int = 200) -> list[LeadFollowUp]:
    """The lead's follow-up history, newest first."""
    return list(lead.follow_ups.select_related("author").order_by("-at", "-id")[:limit])


def lead_actions(user, lead: Lead) -> LeadActions:
    if lead.status not in OPEN_LEAD_STATES:
        return LeadActions()
    return LeadActions(
        edit=rules.has_perm("intake.change_lead", user, lead),
        assign=rules.has_perm("intake.assign_lead", user),
        follow_up=rules.has_perm("intake.follow_up_lead", user, lead),
        drop=rules.has_perm("intake.drop_lead", user, lead),
        convert=rules.has_perm("intake.convert_lead", user, lead),
    )


def lead_orders(user, lead: Lead, *, limit: int = 20) -> list[Order]:
    """The orders converted from this lead that the user may see."""
    return list(order_visible_to(user).filter(lead_id=lead.pk).order_by("-id")[:limit])


# For the workbench and the order page (orderflow.web): bounded, through visibility.

def leads_waiting_for(user, *, limit: int = 10) -> list[Lead]:
    """Open leads assigned to the user: theirs to follow up or convert (P2.1.2)."""
    return list(leads_visible_to(user).filter(assigned_to_id=user.pk,
                                              status__in=OPEN_LEAD_STATES)
                .select_related("customer").order_by("-id")[:limit])


def check_reports_for(order: Order, *, limit: int = 10) -> list:
    """An already visible order's preliminary-check reports, newest first (P2.3.1)."""
    return list(order.check_reports.select_related("run_by").order_by("-run_at", "-id")[:limit])


def communications_for(order: Order, *, limit: int = 50) -> list:
    """An already visible order's customer communication log, newest first (P2.3.2)."""
    return list(order.communications.select_related("author").order_by("-at", "-id")[:limit])
