from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasterdataConfig(AppConfig):
    name = "orderflow.masterdata"
    verbose_name = _("Master data")

    def ready(self):
        # Registers the rules (who maintains customers and products) at start-up.
        from . import permissions  # noqa: F401
