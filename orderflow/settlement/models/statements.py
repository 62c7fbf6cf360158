"""The settlement statement (P7.2.1), its lines, and the customer's reconciliation
(P7.1.2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orderflow.orders.domain.lifecycle import State

from ..domain.advances import statement_audited
from .checks import equals_sum

CHANNELS = [("phone", _("Phone")), ("email", _("Email")), ("visit", _("Visit")),
            ("wechat", _("WeChat")), ("fax", _("Fax")), ("other", _("Other"))]


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_AUDIT = "in_audit", _("In Finance audit")
    AUDITED = "audited", _("Audited")
    RETURNED = "returned", _("Returned (superseded)")


class StatementQuerySet(models.QuerySet):
    def live(self):
        """Not superseded: the draft, the one in audit or the audited one (at most one)."""
        return self.exclude(status=StatementStatus.RETURNED)

    def live_status(self, order_id: int) -> str | None:
        """The status of the order's live statement; None if it has none."""
        return self.live().filter(order_id=order_id).values_list("status", flat=True).first()

    def is_audited(self, order, live_status: str | None = None) -> bool:
        """Has Finance audited the order's statement (domain.advances.statement_audited)?
        Reads the live statement's status only for an order in settlement, and only if
        the caller has not got it (`live_status`)."""
        if live_status is None and order.status == State.IN_SETTLEMENT:
            live_status = self.live_status(order.pk)
        return statement_audited(order.status, live_status)


class SettlementStatement(models.Model):
    """One revision of an order's settlement statement (P7.2.1). A statement Finance
    returns is kept, superseded by the next revision; an audited one never changes."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="settlement_statements")
    revision = models.PositiveSmallIntegerField(_("revision"))
    number = models.CharField(_("statement no."), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=StatementStatus.choices,
                              default=StatementStatus.DRAFT)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    total_net = models.DecimalField(_("amount before tax"), max_digits=16, decimal_places=2)
    total_tax = models.DecimalField(_("tax"), max_digits=16, decimal_places=2)
    total_gross = models.DecimalField(_("total with tax"), max_digits=16, decimal_places=2)
    content_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    audited_at = models.DateTimeField(_("audited at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_reason = models.TextField(_("why returned"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="statements/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["order_id", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["order", "revision"], name="uniq_statement_rev"),
            # At most one statement of an order is alive (not returned) at a time.
            models.UniqueConstraint(fields=["order"], condition=~Q(status="returned"),
                                    name="uniq_live_statement"),
            models.CheckConstraint(condition=equals_sum("total_gross", "total_net",
                                                        "total_tax"),
                                   name="statement_gross_sum"),
        ]
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")

    def __str__(self):
        return self.number


class StatementLine(models.Model):
    """One item of the statement: the order line's agreed price, the quantity settled
    (at most the quantity delivered, P7.1.1)."""

    statement = models.ForeignKey(SettlementStatement, on_delete=models.CASCADE,
                                  related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("order line"))
    position = models.PositiveIntegerField(_("line"))
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(_("specification / model"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=16)
    delivered_quantity = models.DecimalField(_("delivered"), max_digits=14, decimal_places=3)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    tax = models.DecimalField(_("tax"), max_digits=16, decimal_places=2)
    total = models.DecimalField(_("total with tax"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["statement_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "order_line"],
                                    name="uniq_statement_line"),
            models.CheckConstraint(condition=Q(quantity__gte=0)
                                   & Q(quantity__lte=models.F("delivered_quantity")),
                                   name="statement_qty_delivered"),
        ]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")

    def __str__(self):
        return f"{self.statement_id}/{self.position}"


class Reconciliation(models.Model):
    """P7.1.2: the customer confirmed the amount and the payment method (who, when,
    how). The newest one of a statement counts."""

    statement = models.ForeignKey(SettlementStatement, on_delete=models.CASCADE,
                                  related_name="reconciliations")
    channel = models.CharField(_("how"), max_length=16, choices=CHANNELS)
    contact_name = models.CharField(_("confirmed by (customer)"), max_length=64)
    confirmed_on = models.DateField(_("confirmed on"))
    confirmed_amount = models.DecimalField(_("confirmed amount"), max_digits=16,
                                           decimal_places=2)
    payment_method = models.CharField(_("payment method"), max_length=16)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")

    def __str__(self):
        return f"{self.statement_id} {self.confirmed_on}"
