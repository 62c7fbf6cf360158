"""One way to check a permission in a service: rules, never Django's superuser shortcut."""

import rules

from .errors import NotPermitted


def require(user, perm: str, obj=None, message=None) -> None:
    """Raises NotPermitted unless the rule `perm` holds for user (and obj)."""
    if not rules.has_perm(perm, user, obj):
        raise NotPermitted(message)
