"""Logistics (P5.4.2): shipments, partial ones allowed, with proof of delivery."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import PackageRecord


class ShipmentStatus(models.TextChoices):
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")


class Shipment(PackageRecord):
    """A shipment of (part of) an order (P5.4.2). Per line, shipped never exceeds ordered
    plus the tolerance, and never exceeds what passed final inspection plus approved
    concessions. Delivered quantities are the basis of settlement (P7.1.1)."""

    number = models.CharField(_("shipment no."), max_length=32, unique=True)
    carrier = models.CharField(_("carrier"), max_length=100)
    tracking_number = models.CharField(_("tracking no."), max_length=64, blank=True)
    packages_count = models.PositiveIntegerField(_("packages"))
    shipped_on = models.DateField(_("shipped on"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    proof_of_delivery = models.FileField(_("proof of delivery"), upload_to="pod/%Y/%m/",
                                         blank=True)
    received_by = models.CharField(_("received by (customer)"), max_length=64, blank=True)
    damage_notes = models.TextField(_("damage notes"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.SHIPPED)
    delivered_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+")
    delivered_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shipped_on", "-id"]
        indexes = [models.Index(fields=["order", "status"], name="shipment_order_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(packages_count__gt=0), name="shipment_packages"),
            models.CheckConstraint(condition=Q(delivered_on__isnull=True)
                                   | Q(delivered_on__gte=F("shipped_on")),
                                   name="shipment_delivered_after"),
        ]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self):
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"),
                                   on_delete=models.PROTECT, related_name="shipment_lines")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["shipment_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_qty"),
            models.UniqueConstraint(fields=["shipment", "order_line"],
                                    name="uniq_shipment_line"),
        ]
        verbose_name = _("shipped item")
        verbose_name_plural = _("shipped items")

    def __str__(self):
        return f"{self.shipment_id} {self.order_line_id}: {self.quantity}"
