from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "orderflow.intake"
    verbose_name = _("Order intake")

    def ready(self):
        # Registers the intake services as handlers of their lifecycle actions.
        from . import services  # noqa: F401
