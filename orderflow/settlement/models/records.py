"""The settlement record (P7.3.1), written when the order settles, kept with it (P7.3.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SettlementRecord(models.Model):
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE,
                                 related_name="settlement_record")
    statement = models.OneToOneField("settlement.SettlementStatement",
                                     on_delete=models.PROTECT, related_name="record")
    customer = models.ForeignKey("masterdata.Customer", on_delete=models.PROTECT,
                                 related_name="settlement_records",
                                 verbose_name=_("customer"))
    settled_on = models.DateField(_("settled on"), db_index=True)
    settled_at = models.DateTimeField(_("settled at"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    invoiced = models.DecimalField(_("invoiced"), max_digits=16, decimal_places=2)
    payment_methods = models.JSONField(_("payment methods"), default=list)
    last_received_on = models.DateField(_("last payment received on"))

    class Meta:
        ordering = ["-settled_on", "-id"]
        indexes = [models.Index(fields=["customer", "-settled_on"],
                                name="settlement_customer_idx")]
        verbose_name = _("settlement record")
        verbose_name_plural = _("settlement records")

    def __str__(self):
        return f"{self.order_id} {self.settled_on}"
