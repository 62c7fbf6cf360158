"""Who maintains the company calendar (P3.3.2): system admins only; everyone may read it."""

import rules

from orderflow.accounts.permissions import is_system_admin


@rules.predicate
def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


WORKCAL_RULES = {
    "workcal.view_calendar": is_active_user,
    "workcal.manage_calendar": is_active_user & is_system_admin,
}

for _name, _predicate in WORKCAL_RULES.items():
    rules.add_perm(_name, _predicate)
