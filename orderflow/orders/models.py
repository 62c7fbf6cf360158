"""The order (P2.2.1) with its lines, payment instalments, special requirements, attachments."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .domain.lifecycle import State
from .labels import STATE_LABELS


class Channel(models.TextChoices):
    # P2.1.1 direct orders taken by Sales
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    FAX = "fax", _("Fax")
    VISIT = "visit", _("Customer visit")
    # P2.1.2 / P2.1.3 via a lead
    CAMPAIGN = "campaign", _("Marketing campaign")
    ONLINE = "online", _("Online platform")
    REFERRAL = "referral", _("Partner referral")
    TRADE_SHOW = "trade_show", _("Trade show")
    OTHER = "other", _("Other")


class OrderType(models.TextChoices):
    """What kind of order; review departments and approval conditions depend on it (P11)."""

    STANDARD = "standard", _("Standard product")
    CUSTOMISED = "customised", _("Customised product")
    SAMPLE = "sample", _("Sample")
    SERVICE = "service", _("Service")


class OrderSequence(models.Model):
    """Last number issued per year; locked while an order is created (gap-free)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=32, choices=list(STATE_LABELS.items()),
                              default=State.DRAFT, db_index=True)
    resume_status = models.CharField(max_length=32, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    order_type = models.CharField(_("order type"), max_length=16, choices=OrderType.choices,
                                  default=OrderType.STANDARD)
    lead = models.ForeignKey("intake.Lead", verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="orders")
    customer = models.ForeignKey("masterdata.Customer", verbose_name=_("customer"),
                                 on_delete=models.PROTECT, related_name="orders")
    contact = models.ForeignKey("masterdata.Contact", verbose_name=_("contact"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    customer_po = models.CharField(_("customer PO number"), max_length=64, blank=True)
    order_date = models.DateField(_("order date"))
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_place = models.CharField(_("delivery place"), max_length=300, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4,
                                   default=Decimal("0.13"))
    total_net = models.DecimalField(_("amount before tax"), max_digits=16, decimal_places=2,
                                    default=Decimal("0"))
    total_tax = models.DecimalField(_("tax"), max_digits=16, decimal_places=2,
                                    default=Decimal("0"))
    total_gross = models.DecimalField(_("total with tax"), max_digits=16, decimal_places=2,
                                      default=Decimal("0"), db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    has_special_requirements = models.BooleanField(_("special requirements"), default=False)
    salesperson = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("salesperson"),
                                    on_delete=models.PROTECT, related_name="orders")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(default=1)
    # P2.3.2 doubtful findings the customer confirmed; a re-check does not raise them again.
    acknowledged_findings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="order_status_idx"),
            models.Index(fields=["salesperson", "-id"], name="order_salesperson_idx"),
            models.Index(fields=["customer", "-id"], name="order_customer_idx"),
            models.Index(fields=["order_date"], name="order_date_idx"),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self):
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey("masterdata.Product", verbose_name=_("product or service"),
                                on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200, blank=True)
    specification = models.CharField(_("specification / model"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=16)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="uniq_order_line_pos"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="line_qty_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0),
                                   name="line_price_not_negative"),
        ]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self):
        return f"{self.order_id}/{self.position}"


class PaymentTrigger(models.TextChoices):
    ON_ORDER = "on_order", _("after order confirmation")
    BEFORE_DELIVERY = "before_delivery", _("before delivery")
    AFTER_DELIVERY = "after_delivery", _("after delivery")
    AFTER_ACCEPTANCE = "after_acceptance", _("after acceptance")


class PaymentInstalment(models.Model):
    """One instalment of the payment terms, e.g. 30% advance; 70% within 30 days of delivery."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="instalments")
    position = models.PositiveIntegerField()
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)
    trigger = models.CharField(_("due"), max_length=20, choices=PaymentTrigger.choices)
    days = models.PositiveIntegerField(_("within days"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("payment instalment")
        verbose_name_plural = _("payment terms")

    def __str__(self):
        return f"{self.percent}% {self.get_trigger_display()} +{self.days}d"


class RequirementKind(models.TextChoices):
    CUSTOMISATION = "customisation", _("Customisation")
    PACKAGING = "packaging", _("Packaging")
    TRANSPORT = "transport", _("Transport mode")
    OTHER = "other", _("Other")


class SpecialRequirement(models.Model):
    """P2.2.2: flagged so that every later step sees it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE,
                              related_name="special_requirements")
    kind = models.CharField(_("kind"), max_length=16, choices=RequirementKind.choices)
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("special requirement")
        verbose_name_plural = _("special requirements")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:40]}"


class AttachmentKind(models.TextChoices):
    PURCHASE_ORDER = "purchase_order", _("Customer PO scan")
    DRAWING = "drawing", _("Drawing")
    OTHER = "other", _("Other")


class Attachment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
