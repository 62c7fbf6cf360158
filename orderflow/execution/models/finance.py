"""Finance (P5.4.3): the order's actual costs, set against the margin estimated in the
review (P3.2.5)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import PackageRecord


class CostCategory(models.TextChoices):
    MATERIALS = "materials", _("Materials")
    LABOUR = "labour", _("Labour")
    OVERHEAD = "overhead", _("Overhead")
    FREIGHT = "freight", _("Freight")
    OTHER = "other", _("Other")


class CostRecord(PackageRecord):
    """An actual cost of the order (P5.4.3). A correction is a negative record that
    names the record it corrects; records are never edited or deleted."""

    category = models.CharField(_("category"), max_length=16, choices=CostCategory.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    incurred_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    reference = models.CharField(_("voucher / reference"), max_length=64, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 verbose_name=_("corrects"), related_name="corrections")

    class Meta:
        ordering = ["-incurred_on", "-id"]
        indexes = [models.Index(fields=["order", "category"], name="cost_order_idx")]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="cost_nonzero")]
        verbose_name = _("cost record")
        verbose_name_plural = _("cost records")

    def __str__(self):
        return f"{self.order_id} {self.category} {self.amount}"
