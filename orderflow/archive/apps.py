from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "orderflow.archive"
    verbose_name = _("Order archive")

    def ready(self):
        # Registers the "archive" action, the archivist rule, the "archive_query" approval
        # subject and the visibility of archived orders through query grants (P9).
        # And the archive index's background export.
        from . import exports, services  # noqa: F401
