"""Delegations (P4.1): a user names a deputy for a date range; system admins manage all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orderflow.accounts.permissions import is_system_admin
from orderflow.accounts.selectors import users_with
from orderflow.accounts.services import delegation_create, delegation_revoke
from orderflow.approval.selectors import (
    all_delegations,
    delegation_candidates,
    delegations_for,
)
from orderflow.core import clock

from ..errors import FormErrors, service_errors

INPUTS = ("deputy_id", "starts_on", "ends_on", "reason", "principal_id")
PEOPLE_LIMIT = 500
ALL_LIMIT = 200


def _state(delegation, today) -> str:
    if delegation.revoked_at:
        return "revoked"
    if delegation.ends_on < today:
        return "ended"
    return "upcoming" if delegation.starts_on > today else "active"


def _render(request, values: dict, errors: FormErrors, status=200):
    user, today = request.user, clock.today()
    admin = is_system_admin(user)
    mine = delegations_for(user)
    shown = list(all_delegations(limit=ALL_LIMIT)) if admin else []
    for d in (*mine, *shown):
        d.state = _state(d, today)
    return render(request, "delegations/index.html", {
        "given": [d for d in mine if d.principal_id == user.pk],
        "received": [d for d in mine if d.deputy_id == user.pk],
        "all": shown, "is_admin": admin, "values": values, "errors": errors,
        "people": (list(users_with()[:PEOPLE_LIMIT]) if admin
                   else delegation_candidates(user)), "today": today}, status=status)


@login_required
@require_GET
def delegation_list(request):
    today = clock.today().isoformat()
    return _render(request, {"starts_on": today, "ends_on": today}, FormErrors())


def _id_or_none(value: str):
    value = (value or "").strip()
    return int(value) if value.isdigit() else (value or None)


@login_required
@require_POST
def delegation_add(request):
    values = {name: request.POST.get(name, "").strip() for name in INPUTS}
    errors, created = FormErrors(), None
    with service_errors(request, errors):
        created = delegation_create(
            actor=request.user, deputy_id=_id_or_none(values["deputy_id"]),
            starts_on=values["starts_on"], ends_on=values["ends_on"], reason=values["reason"],
            principal_id=_id_or_none(values["principal_id"]))
    if created is None:
        return _render(request, values, errors, status=422 if errors else 200)
    messages.success(request, _("%(deputy)s is your deputy from %(start)s to %(end)s.") % {
        "deputy": created.deputy.display_name, "start": created.starts_on,
        "end": created.ends_on} if created.principal_id == request.user.pk else
        _("The delegation was recorded."))
    return redirect("web:delegation_list")


@login_required
@require_POST
def delegation_revoke_view(request, delegation_id: int):
    revoked = None
    with service_errors(request):
        revoked = delegation_revoke(actor=request.user, delegation_id=delegation_id)
    if revoked is not None:
        messages.success(request, _("The delegation was revoked; pending items return to "
                                    "the delegating user."))
    return redirect("web:delegation_list")


urlpatterns = [
    path("delegations/", delegation_list, name="delegation_list"),
    path("delegations/new/", delegation_add, name="delegation_add"),
    path("delegations/<id:delegation_id>/revoke/", delegation_revoke_view,
         name="delegation_revoke"),
]
