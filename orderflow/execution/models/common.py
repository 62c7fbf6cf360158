"""Settings and numbering shared by the execution modules."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExecutionSettings(models.Model):
    """Company-wide execution settings (one row, pk=1), edited by a system admin."""

    # P5.4.2: shipped may exceed ordered by at most this percentage of the line quantity.
    shipment_tolerance_percent = models.DecimalField(
        _("over-shipment tolerance (%)"), max_digits=5, decimal_places=2,
        default=Decimal("0"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("execution settings")
        verbose_name_plural = _("execution settings")
        constraints = [models.CheckConstraint(
            condition=models.Q(shipment_tolerance_percent__gte=0,
                               shipment_tolerance_percent__lte=100),
            name="exec_tolerance_range")]

    def __str__(self):
        return f"{self.shipment_tolerance_percent}%"


class ExecutionSequence(models.Model):
    """Last number issued per key ("PC-2026", "SH-2026", ...): gap-free numbering."""

    key = models.CharField(max_length=16, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key}: {self.last_number}"
