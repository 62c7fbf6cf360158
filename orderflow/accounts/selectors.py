"""Reading people: API token lookup, users by department and role."""

import hashlib

from .models import ApiToken, User


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
