"""Technology (P5.4.1): technical support requests from production."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import PackageRecord


class SupportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status", "Open")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class SupportRequest(PackageRecord):
    """Production asks Technology for help (P5.4.1). `package` is the order's Technology
    package (who answers); `created_by` is the Production member who asked."""

    problem = models.ForeignKey("execution.ProductionProblem", null=True, blank=True,
                                verbose_name=_("production problem"),
                                on_delete=models.SET_NULL, related_name="support_requests")
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SupportStatus.choices,
                              default=SupportStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        indexes = [models.Index(fields=["package", "status"], name="tech_request_pkg_idx")]
        verbose_name = _("technical support request")
        verbose_name_plural = _("technical support requests")

    def __str__(self):
        return self.subject
