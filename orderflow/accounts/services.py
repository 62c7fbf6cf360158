"""Writing people: API tokens and delegations (users and roles are maintained in Django
admin)."""

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify

from .models import ApiToken, Delegation, User
from .permissions import is_system_admin


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; the clear key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name[:64] or "api",
                                    key_hash=hashlib.sha256(key.encode()).hexdigest(),
                                    prefix=key[:8], created_at=clock.now())
    audit.record(actor, "api_token.created", token, data={"name": token.name})
    return token, key


# -- delegation (P4.1) ---------------------------------------------------------------

def _delegation_principal(actor, principal_id) -> User:
    """The principal: the actor, or (for a system administrator) the user named."""
    if principal_id in (None, "", actor.pk):
        return actor
    if not is_system_admin(actor):
        raise NotPermitted(_("Only the person delegating, or a system administrator, "
                             "names a deputy."))
    principal = User.objects.filter(pk=principal_id).first() if \
        str(principal_id).isdigit() else None
    if principal is None:
        raise ValidationFailed({"principal_id": [_("Unknown user: %(value)s.")
                                                 % {"value": principal_id}]})
    return principal


def _validate_delegation(principal: User, deputy_id, starts_on, ends_on, reason):
    errors = Errors()
    deputy = None
    if deputy_id in (None, ""):
        errors.add("deputy_id", _("This field is required."))
    else:
        deputy = User.objects.filter(pk=deputy_id).first() if str(deputy_id).isdigit() \
            else None
        if deputy is None or not deputy.is_active:
            errors.add("deputy_id", _("Unknown or inactive user: %(value)s.")
                       % {"value": deputy_id})
        elif deputy.pk == principal.pk:
            errors.add("deputy_id", _("A person cannot be their own deputy."))
    start, end = errors.date("starts_on", starts_on), errors.date("ends_on", ends_on)
    if start and end and end < start:
        errors.add("ends_on", _("The last day cannot be before the first day."))
    elif end and end < clock.today():
        errors.add("ends_on", _("The delegation cannot end in the past."))
    reason = errors.text("reason", reason, max_length=200)
    if not principal.is_active:
        errors.add("principal_id", _("This user is no longer active."))
    if start and end and not errors.errors.get("ends_on") and Delegation.objects.filter(
            principal=principal, revoked_at__isnull=True, starts_on__lte=end,
            ends_on__gte=start).exists():
        errors.add("starts_on", _("%(name)s already has a deputy for some of these days.")
                   % {"name": principal.display_name})
    errors.raise_if_any()
    return deputy, start, end, reason


@transaction.atomic
def delegation_create(*, actor, deputy_id, starts_on, ends_on, reason: str = "",
                      principal_id=None) -> Delegation:
    """Name a deputy for a date range (P4.1): while it runs the deputy holds the
    principal's pending approvals and acts "for" them; when it ends they return.

    Raises:
        NotPermitted: only the principal, or a system administrator, names a deputy.
        ValidationFailed: field by field (deputy, dates, overlap); nothing is written.
    """
    principal = _delegation_principal(actor, principal_id)
    # Serialise delegations of one principal, so two overlapping ones cannot both pass.
    User.objects.select_for_update().filter(pk=principal.pk).first()
    deputy, start, end, reason = _validate_delegation(principal, deputy_id, starts_on,
                                                      ends_on, reason)
    delegation = Delegation.objects.create(principal=principal, deputy=deputy,
                                           starts_on=start, ends_on=end, reason=reason,
                                           created_by=actor, created_at=clock.now())
    audit.record(actor, "delegation.created", delegation, on_behalf_of=(
        principal if principal.pk != actor.pk else None), data={
        "principal": principal.pk, "deputy": deputy.pk, "starts_on": start,
        "ends_on": end, "reason": reason})
    notify(recipients=[deputy], kind="delegation.created",
           title=gettext_lazy("%(name)s named you deputy from %(start)s to %(end)s"),
           params={"name": principal.display_name, "start": start, "end": end},
           body=reason)
    return delegation


@transaction.atomic
def delegation_revoke(*, actor, delegation_id: int) -> Delegation:
    """End a delegation now: the principal's pending items return to them.

    Raises:
        NotFound, NotPermitted (only the principal or a system administrator),
        TransitionNotAllowed (already revoked or over).
    """
    delegation = (Delegation.objects.select_for_update().select_related("principal", "deputy")
                  .filter(pk=delegation_id).first())
    if delegation is None:
        raise NotFound(_("Delegation not found."))
    if actor.pk != delegation.principal_id and not is_system_admin(actor):
        raise NotPermitted(_("Only the person delegating, or a system administrator, "
                             "revokes a delegation."))
    if delegation.revoked_at is not None:
        raise TransitionNotAllowed(_("This delegation was already revoked."))
    if delegation.ends_on < clock.today():
        raise TransitionNotAllowed(_("This delegation is already over."))
    delegation.revoked_at, delegation.revoked_by = clock.now(), actor
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(actor, "delegation.revoked", delegation, data={
        "principal": delegation.principal_id, "deputy": delegation.deputy_id,
        "starts_on": delegation.starts_on, "ends_on": delegation.ends_on})
    notify(recipients=[delegation.deputy], kind="delegation.revoked",
           title=gettext_lazy("%(name)s ended your delegation"),
           params={"name": delegation.principal.display_name})
    return delegation
