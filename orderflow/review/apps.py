from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "orderflow.review"
    verbose_name = _("Order review")

    def ready(self):
        # Registers the review services as handlers of their lifecycle actions.
        from . import services  # noqa: F401
