"""Late payment and disputes (P7.2.3): negotiation by Sales, then legal action."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .statements import CHANNELS


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open (negotiating)")
    LEGAL = "legal", _("Legal action")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Dispute(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="settlement_disputes")
    reason = models.TextField(_("reason"))
    disputed_amount = models.DecimalField(_("disputed amount"), max_digits=16,
                                          decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=DisputeStatus.choices,
                              default=DisputeStatus.OPEN)
    legal_status = models.CharField(_("legal status"), max_length=200, blank=True)
    case_number = models.CharField(_("case no."), max_length=64, blank=True)
    lawyer = models.CharField(_("lawyer"), max_length=100, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self):
        return f"{self.order_id} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (DisputeStatus.OPEN, DisputeStatus.LEGAL)


class DisputeEntry(models.Model):
    """One step of the negotiation log."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="entries")
    happened_on = models.DateField(_("date"))
    channel = models.CharField(_("how"), max_length=16, choices=CHANNELS)
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["dispute_id", "happened_on", "id"]
        verbose_name = _("negotiation entry")
        verbose_name_plural = _("negotiation log")

    def __str__(self):
        return f"{self.dispute_id} {self.happened_on}"
