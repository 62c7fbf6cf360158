from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "orderflow.core"
    verbose_name = _("Core")

    def ready(self):
        # Before any URLconf is read: `<id:...>` in web and `{id:...}` in API paths.
        from . import converters

        converters.register()
