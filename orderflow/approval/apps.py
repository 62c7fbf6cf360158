from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalConfig(AppConfig):
    name = "orderflow.approval"
    verbose_name = _("Approval")

    def ready(self):
        # Registers the approval services as handlers of their lifecycle actions and
        # hooks (approver rule, voiding on a commercial edit, visibility of assignees).
        from . import services  # noqa: F401
