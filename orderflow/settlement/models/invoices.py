"""Invoices (P7.2.2): issued by Finance after the audit, never more than the statement."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .checks import equals_sum


class InvoiceKind(models.TextChoices):
    VAT_SPECIAL = "vat_special", _("VAT special invoice (增值税专用发票)")
    VAT_ORDINARY = "vat_ordinary", _("VAT ordinary invoice (增值税普通发票)")


class Invoice(models.Model):
    """An invoice of the order's statement. A void one (红冲) is kept, marked void, and no
    longer counts."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="invoices")
    statement = models.ForeignKey("settlement.SettlementStatement", on_delete=models.PROTECT,
                                  related_name="invoices")
    kind = models.CharField(_("type"), max_length=16, choices=InvoiceKind.choices)
    number = models.CharField(_("invoice no."), max_length=20)
    issued_on = models.DateField(_("invoice date"))
    net_amount = models.DecimalField(_("amount before tax"), max_digits=16, decimal_places=2)
    tax_amount = models.DecimalField(_("tax"), max_digits=16, decimal_places=2)
    total = models.DecimalField(_("total with tax"), max_digits=16, decimal_places=2)
    amount_in_words = models.CharField(_("amount in words"), max_length=100)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("recorded at"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    void_reason = models.TextField(_("why voided"), blank=True)

    class Meta:
        ordering = ["order_id", "issued_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="uniq_invoice_number"),
            models.CheckConstraint(condition=equals_sum("total", "net_amount", "tax_amount"),
                                   name="invoice_total_sum"),
            models.CheckConstraint(condition=Q(net_amount__gt=0) & Q(tax_amount__gte=0),
                                   name="invoice_amounts_positive"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self):
        return self.number

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
