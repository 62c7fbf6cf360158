from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleaseConfig(AppConfig):
    name = "orderflow.release"
    verbose_name = _("Order release")

    def ready(self):
        # Registers the release services as handlers of their lifecycle actions.
        from . import services  # noqa: F401
