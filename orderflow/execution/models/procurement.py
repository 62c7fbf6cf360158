"""Procurement (P5.2): purchase contracts with suppliers, their deliveries, the supplier
communication log, incoming inspection, returns and exchanges."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import PackageRecord


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseContract(PackageRecord):
    """A purchase contract for an order (P5.2.1); only Procurement signs it."""

    supplier = models.ForeignKey("masterdata.Supplier", verbose_name=_("supplier"),
                                 on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("contract no."), max_length=32, unique=True)
    contract_date = models.DateField(_("contract date"))
    delivery_date = models.DateField(_("agreed delivery date"))
    status = models.CharField(_("status"), max_length=16, choices=ContractStatus.choices,
                              default=ContractStatus.DRAFT)
    note = models.TextField(_("note"), blank=True)
    total_amount = models.DecimalField(_("total"), max_digits=16, decimal_places=2,
                                       default=Decimal("0"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  verbose_name=_("signed by"), on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # P5.2.2: stamped when the late-delivery alert went out, so it goes out once.
    late_alerted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-contract_date", "-id"]
        indexes = [models.Index(fields=["status", "delivery_date"], name="pc_late_idx"),
                   models.Index(fields=["package", "status"], name="pc_pkg_idx")]
        constraints = [models.CheckConstraint(
            condition=Q(delivery_date__gte=F("contract_date")), name="pc_delivery_after")]
        verbose_name = _("purchase contract")
        verbose_name_plural = _("purchase contracts")

    def __str__(self):
        return self.number


class PurchaseContractLine(models.Model):
    """An item of a purchase contract with what was received, accepted and rejected."""

    contract = models.ForeignKey(PurchaseContract, on_delete=models.CASCADE,
                                 related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey("masterdata.Product", null=True, blank=True,
                                verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    description = models.CharField(_("item"), max_length=200)
    specification = models.CharField(_("specification / model"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=16)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    received_quantity = models.DecimalField(_("received"), max_digits=14, decimal_places=3,
                                            default=Decimal("0"))
    accepted_quantity = models.DecimalField(_("accepted"), max_digits=14, decimal_places=3,
                                            default=Decimal("0"))
    rejected_quantity = models.DecimalField(_("rejected"), max_digits=14, decimal_places=3,
                                            default=Decimal("0"))

    class Meta:
        ordering = ["contract_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="uniq_pc_line"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="pc_line_qty"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="pc_line_price"),
        ]
        verbose_name = _("contract item")
        verbose_name_plural = _("contract items")

    def __str__(self):
        return f"{self.contract_id}/{self.position} {self.description}"


class SupplierDelivery(models.Model):
    """Goods received from the supplier against a contract (P5.2.2)."""

    contract = models.ForeignKey(PurchaseContract, on_delete=models.CASCADE,
                                 related_name="deliveries")
    received_on = models.DateField(_("received on"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("supplier delivery")
        verbose_name_plural = _("supplier deliveries")

    def __str__(self):
        return f"{self.contract_id} {self.received_on}"


class SupplierDeliveryLine(models.Model):
    delivery = models.ForeignKey(SupplierDelivery, on_delete=models.CASCADE,
                                 related_name="lines")
    contract_line = models.ForeignKey(PurchaseContractLine, on_delete=models.PROTECT,
                                      related_name="delivery_lines")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["delivery_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0),
                                              name="pc_delivery_qty")]
        verbose_name = _("delivered item")
        verbose_name_plural = _("delivered items")

    def __str__(self):
        return f"{self.contract_line_id}: {self.quantity}"


class CommunicationChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class CommunicationTopic(models.TextChoices):
    DELAY = "delay", _("Delivery delay")
    QUALITY = "quality", _("Quality problem")
    OTHER = "other", _("Other")


class SupplierCommunication(models.Model):
    """The supplier communication log (P5.2.2): delays and quality problems handled."""

    contract = models.ForeignKey(PurchaseContract, on_delete=models.CASCADE,
                                 related_name="communications")
    channel = models.CharField(_("channel"), max_length=16,
                               choices=CommunicationChannel.choices)
    topic = models.CharField(_("topic"), max_length=16, choices=CommunicationTopic.choices)
    occurred_at = models.DateTimeField(_("when"))
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome / agreed action"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("supplier communication")
        verbose_name_plural = _("supplier communications")

    def __str__(self):
        return f"{self.contract_id} {self.occurred_at:%Y-%m-%d} {self.topic}"


class IncomingInspection(models.Model):
    """Incoming inspection of a delivered item (P5.2.3): accepted and rejected quantity
    (together the delivered quantity) and the reason for a rejection."""

    delivery_line = models.OneToOneField(SupplierDeliveryLine, on_delete=models.CASCADE,
                                         related_name="inspection")
    inspected_on = models.DateField(_("inspected on"))
    accepted_quantity = models.DecimalField(_("accepted"), max_digits=14, decimal_places=3)
    rejected_quantity = models.DecimalField(_("rejected"), max_digits=14, decimal_places=3)
    reason = models.TextField(_("reason for rejection"), blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector"),
                                  on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(accepted_quantity__gte=0),
                                   name="incoming_accepted_qty"),
            models.CheckConstraint(condition=Q(rejected_quantity__gte=0),
                                   name="incoming_rejected_qty"),
        ]
        verbose_name = _("incoming inspection")
        verbose_name_plural = _("incoming inspections")

    def __str__(self):
        return f"{self.delivery_line_id}: +{self.accepted_quantity} -{self.rejected_quantity}"


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")


class ReturnStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status", "Open")
    CLOSED = "closed", _("Closed")


class SupplierReturn(models.Model):
    """Rejected goods returned or exchanged (P5.2.3), followed until closed."""

    inspection = models.ForeignKey(IncomingInspection, on_delete=models.PROTECT,
                                   related_name="returns")
    contract = models.ForeignKey(PurchaseContract, on_delete=models.CASCADE,
                                 related_name="returns")
    kind = models.CharField(_("kind"), max_length=16, choices=ReturnKind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=ReturnStatus.choices,
                              default=ReturnStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    # For an exchange: when the replacement arrived.
    replacement_received_on = models.DateField(_("replacement received on"), null=True,
                                               blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("recorded at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0),
                                              name="supplier_return_qty")]
        verbose_name = _("return or exchange")
        verbose_name_plural = _("returns and exchanges")

    def __str__(self):
        return f"{self.contract_id} {self.kind} {self.quantity}"
