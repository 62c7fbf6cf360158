from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalConfig(AppConfig):
    name = "orderflow.workcal"
    verbose_name = _("Company calendar")

    def ready(self):
        from . import permissions  # noqa: F401
