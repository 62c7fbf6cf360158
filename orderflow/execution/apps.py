from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExecutionConfig(AppConfig):
    name = "orderflow.execution"
    verbose_name = _("Order execution")

    def ready(self):
        # Registers each department's completion guard with the work-package services.
        from . import services  # noqa: F401
