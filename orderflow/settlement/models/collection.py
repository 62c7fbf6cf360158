"""Collection (P7.2.2): the payment schedule built at the audit, the receipts, the
advance payments (预收款) received before the audit (P7.1.1 payment terms), and the refunds
of what the statement did not need of them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .checks import at_most


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ACCEPTANCE_BILL = "acceptance_bill", _("Acceptance bill (承兑汇票)")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    OTHER = "other", _("Other")


class MoneyMoved(models.Model):
    """What Finance records of money received or paid back (P7.2.2): how much, how, the
    bank's reference, who recorded it."""

    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    method = models.CharField(_("payment method"), max_length=16,
                              choices=PaymentMethod.choices)
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        abstract = True


class MoneyReceived(MoneyMoved):
    """Money received from the customer: a receipt or an advance payment."""

    received_on = models.DateField(pgettext_lazy("payment", "received on"))

    class Meta:
        abstract = True


class AdvanceReceipt(MoneyReceived):
    """Money the customer paid before the statement was audited (a deposit, 预收款). The
    audit applies it to the schedule as receipts (`applied_amount`); what the statement
    does not need stays unapplied, to be refunded. A wrong entry is voided, never
    deleted."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="advance_receipts", db_index=False)
    applied_amount = models.DecimalField(_("applied to the schedule"), max_digits=16,
                                         decimal_places=2, default=0)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("voided by"))
    void_reason = models.TextField(_("why voided"), blank=True)

    class Meta:
        ordering = ["order_id", "received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="advance_positive"),
            models.CheckConstraint(condition=Q(applied_amount__gte=0)
                                   & at_most("applied_amount", "amount"),
                                   name="advance_applied_within"),
            # Only an advance nothing was applied from may be voided.
            models.CheckConstraint(condition=Q(voided_at__isnull=True)
                                   | Q(applied_amount=0),
                                   name="advance_void_unapplied"),
        ]
        indexes = [models.Index(fields=["order", "received_on"], name="advance_order_idx")]
        verbose_name = _("advance payment")
        verbose_name_plural = _("advance payments")

    def __str__(self):
        return f"{self.order_id} {self.received_on} {self.amount}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class AdvanceRefund(MoneyMoved):
    """Money Finance paid back to the customer out of the advance payments the audited
    statement did not need (预收款退款). Kept as recorded, never edited nor deleted."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="advance_refunds", db_index=False)
    refunded_on = models.DateField(_("refunded on"))

    class Meta:
        ordering = ["order_id", "refunded_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="advance_refund_positive")]
        indexes = [models.Index(fields=["order", "refunded_on"],
                                name="advance_refund_order_idx")]
        verbose_name = _("advance refund")
        verbose_name_plural = _("advance refunds")

    def __str__(self):
        return f"{self.order_id} {self.refunded_on} {self.amount}"


class Instalment(models.Model):
    """One instalment of the schedule: its share of the statement total and due date.
    `paid_amount` is the sum of its receipts (kept with F() under the order lock)."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="settlement_instalments")
    statement = models.ForeignKey("settlement.SettlementStatement", on_delete=models.PROTECT,
                                  related_name="instalments")
    position = models.PositiveSmallIntegerField(_("instalment"))
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)
    trigger = models.CharField(_("due"), max_length=20, blank=True)
    days = models.PositiveIntegerField(_("within days"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    due_date = models.DateField(_("due date"))
    paid_amount = models.DecimalField(_("paid"), max_digits=16, decimal_places=2, default=0)
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)

    class Meta:
        ordering = ["order_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"],
                                    name="uniq_instalment_position"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0)
                                   & at_most("paid_amount", "amount"),
                                   name="instalment_paid_within"),
        ]
        indexes = [models.Index(fields=["due_date"], name="instalment_due_idx")]
        verbose_name = _("payment instalment")
        verbose_name_plural = _("payment schedule")

    def __str__(self):
        return f"{self.order_id} #{self.position}"


class Receipt(MoneyReceived):
    """Money received against an instalment (partial payments allowed)."""

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT,
                                   related_name="receipts")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    # Written by the audit from an advance payment (P7.1.1): which one it came from.
    advance = models.ForeignKey(AdvanceReceipt, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="receipts",
                                verbose_name=_("advance payment"))

    class Meta:
        ordering = ["instalment_id", "received_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="receipt_positive")]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self):
        return f"{self.instalment_id} {self.amount}"
