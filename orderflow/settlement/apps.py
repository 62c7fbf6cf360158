from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "orderflow.settlement"
    verbose_name = _("Order settlement")

    def ready(self):
        # Registers start_settlement, the approval subject "statement", Finance's rule,
        # and the background exports (settlement records, receivables).
        from . import selectors, services  # noqa: F401
