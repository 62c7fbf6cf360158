"""Archive settings (P11): who sees prices (P9.2.2), the longest query grant (P9.2.1)."""

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.permissions import is_system_admin
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted
from orderflow.core.validation import Errors

from ..models import ArchiveSettings

MAX_GRANT_DAYS = 365


@transaction.atomic
def archive_settings_update(*, actor, price_departments, max_grant_days) -> ArchiveSettings:
    """Set which departments see prices and the longest grant of a query (P11).

    Raises:
        NotPermitted (not a system admin), ValidationFailed (unknown department, days).
    """
    if not is_system_admin(actor):
        raise NotPermitted()
    errors = Errors()
    codes = []
    if not isinstance(price_departments, list | tuple):
        errors.add("price_departments", _("Choose departments."))
        price_departments = []
    for code in price_departments:
        code = errors.choice("price_departments", code, [str(d) for d in Dept])
        if code and code not in codes:
            codes.append(code)
    days = errors.integer("max_grant_days", max_grant_days, min_value=1)
    if days is not None and days > MAX_GRANT_DAYS:
        errors.add("max_grant_days", _("At most %(n)s days.") % {"n": MAX_GRANT_DAYS})
    errors.raise_if_any()
    row = ArchiveSettings.objects.select_for_update().filter(pk=1).first() \
        or ArchiveSettings(pk=1)
    before = {"price_departments": list(row.price_departments or []),
              "max_grant_days": row.max_grant_days}
    row.price_departments, row.max_grant_days = codes, days
    row.updated_at, row.updated_by = clock.now(), actor
    row.save()
    audit.record(actor, "archive.settings_updated", row, data={
        "before": before, "after": {"price_departments": codes, "max_grant_days": days}})
    return row
