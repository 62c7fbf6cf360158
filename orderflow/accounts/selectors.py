"""Reading people: API token lookup, users by department and role."""

import datetime as dt
import hashlib

from .models import ApiToken, Delegation, User


def user_for_api_token(key: str) -> User | None:
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = (ApiToken.objects.select_related("user", "user__department")
             .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True).first())
    return token.user if token else None


def users_with(*, roles=None, dept: str | None = None):
    """Active users holding any of the roles and/or in a department."""
    qs = User.objects.filter(is_active=True).select_related("department")
    if roles:
        qs = qs.filter(role_rows__role__in=list(roles))
    if dept:
        qs = qs.filter(department__code=dept)
    return qs.distinct().order_by("id")


def department_head(code: str) -> User | None:
    """The head of a department: the one named on it, else its first user with the role."""
    from .domain.organisation import Role
    from .models import Department

    dept = Department.objects.select_related("head").filter(code=code).first()
    if dept is None:
        return None
    if dept.head_id and dept.head.is_active:
        return dept.head
    return (User.objects.filter(is_active=True, department=dept,
                                role_rows__role=Role.DEPT_HEAD).order_by("id").first())


def delegators_of(deputy, *, on: dt.date) -> list[int]:
    """Ids of the users whose delegation to `deputy` covers the day `on` (P4.1).

    Not transitive: a deputy's own delegation does not pass on what they hold as deputy.
    """
    if deputy is None or not deputy.pk:
        return []
    return list(Delegation.objects.filter(deputy=deputy, starts_on__lte=on, ends_on__gte=on,
                                          revoked_at__isnull=True, principal__is_active=True)
                .values_list("principal_id", flat=True))


def acting_for(actor, principal_ids, *, on: dt.date) -> tuple[bool, int | None]:
    """Whether the actor may act for one of `principal_ids`: (True, None) as themselves,
    (True, id) as deputy for that user, (False, None) neither."""
    ids = set(principal_ids)
    if actor.pk in ids:
        return True, None
    for principal in delegators_of(actor, on=on):
        if principal in ids:
            return True, principal
    return False, None
