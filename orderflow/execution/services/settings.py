"""Company-wide execution settings (P5.4.2 over-shipment tolerance), edited by a system
administrator (P11)."""

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.accounts.permissions import is_system_admin
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted
from orderflow.core.validation import Errors

from ..models import ExecutionSettings


def execution_settings_get() -> ExecutionSettings:
    """The one settings row (pk=1), created with the defaults on first read."""
    settings, _created = ExecutionSettings.objects.get_or_create(pk=1)
    return settings


@transaction.atomic
def execution_settings_update(*, actor, shipment_tolerance_percent) -> ExecutionSettings:
    """Set how far a line's shipments may exceed the ordered quantity, 0-100 % (P5.4.2).

    Raises:
        NotPermitted (not a system admin), ValidationFailed (not a number in 0..100).
    """
    if not is_system_admin(actor):
        raise NotPermitted(_("Only system administrators change the configuration."))
    errors = Errors()
    tolerance = errors.decimal("shipment_tolerance_percent", shipment_tolerance_percent,
                               min_value=0, max_value=100, places=2)
    errors.raise_if_any()
    ExecutionSettings.objects.get_or_create(pk=1)
    settings = ExecutionSettings.objects.select_for_update().get(pk=1)
    before = settings.shipment_tolerance_percent
    settings.shipment_tolerance_percent = tolerance
    settings.updated_at, settings.updated_by = clock.now(), actor
    settings.save(update_fields=["shipment_tolerance_percent", "updated_at", "updated_by"])
    audit.record(actor, "execution.settings_updated", settings,
                 data={"shipment_tolerance_percent": {"from": str(before),
                                                      "to": str(tolerance)}})
    return settings
