from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "orderflow.archive"
    verbose_name = _("Order archive")
