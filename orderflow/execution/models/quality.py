"""Quality (P5.3): the inspection plan, inspection records, the inspection report for
passed product, the nonconformance notice for failed product (followed to closure), and
concessions that let product ship without a passed inspection (P5.4.2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import PackageRecord


class InspectionPlanItem(PackageRecord):
    """One item of the order's inspection plan (P5.3.1): what, how, how often."""

    order_line = models.ForeignKey("orders.OrderLine", null=True, blank=True,
                                   verbose_name=_("order line"), on_delete=models.PROTECT,
                                   related_name="+")
    position = models.PositiveSmallIntegerField(_("no."), default=1)
    item = models.CharField(_("inspection item"), max_length=200)
    method = models.CharField(_("method"), max_length=200)
    frequency = models.CharField(_("frequency"), max_length=100)
    acceptance_criteria = models.TextField(_("acceptance criteria"), blank=True)

    class Meta:
        ordering = ["package_id", "position", "id"]
        verbose_name = _("inspection plan item")
        verbose_name_plural = _("inspection plan")

    def __str__(self):
        return self.item


class InspectionStage(models.TextChoices):
    IN_PROCESS = "in_process", _("In-process")
    FINAL = "final", _("Final")


class InspectionResult(models.TextChoices):
    PASS = "pass", _("Passed")
    FAIL = "fail", _("Failed")


class InspectionRecord(PackageRecord):
    """An inspection of product of an order line (P5.3.2). Final inspections passed
    (quantity_passed) are what may be shipped (P5.4.2)."""

    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"),
                                   on_delete=models.PROTECT, related_name="+")
    plan_item = models.ForeignKey(InspectionPlanItem, null=True, blank=True,
                                  verbose_name=_("plan item"), on_delete=models.SET_NULL,
                                  related_name="records")
    stage = models.CharField(_("stage"), max_length=16, choices=InspectionStage.choices)
    inspected_on = models.DateField(_("inspected on"))
    quantity_inspected = models.DecimalField(_("quantity inspected"), max_digits=14,
                                             decimal_places=3)
    quantity_passed = models.DecimalField(_("quantity passed"), max_digits=14,
                                          decimal_places=3)
    quantity_failed = models.DecimalField(_("quantity failed"), max_digits=14,
                                          decimal_places=3)
    result = models.CharField(_("result"), max_length=8, choices=InspectionResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    # A re-inspection after a nonconformance's corrective action (P5.3.2).
    reinspection_of = models.ForeignKey("execution.NonconformanceNotice", null=True,
                                        blank=True, on_delete=models.SET_NULL,
                                        related_name="reinspections")

    class Meta:
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["order_line", "stage", "result"],
                                name="inspection_line_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_inspected__gt=0),
                                   name="inspection_qty"),
            models.CheckConstraint(condition=Q(quantity_passed__gte=0, quantity_failed__gte=0),
                                   name="inspection_split"),
        ]
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")

    def __str__(self):
        return f"{self.order_line_id} {self.stage} {self.result}"


class InspectionReport(models.Model):
    """The inspection report for passed product (P5.3.2); only Quality issues it."""

    record = models.OneToOneField(InspectionRecord, on_delete=models.PROTECT,
                                  related_name="report")
    number = models.CharField(_("report no."), max_length=32, unique=True)
    conclusion = models.TextField(_("conclusion"))
    file = models.FileField(_("PDF"), upload_to="inspection-reports/%Y/%m/", blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("inspection report")
        verbose_name_plural = _("inspection reports")

    def __str__(self):
        return self.number


class NCStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status", "Open")
    CORRECTIVE_ACTION = "corrective_action", _("Corrective action taken")
    CLOSED = "closed", _("Closed")


class NonconformanceNotice(models.Model):
    """A nonconformance notice for failed product (P5.3.2), followed to closure: cause,
    corrective action, a passed re-inspection. Counted per product and period (P5.3.3)."""

    record = models.ForeignKey(InspectionRecord, on_delete=models.PROTECT,
                               related_name="nonconformances")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("masterdata.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("notice no."), max_length=32, unique=True)
    description = models.TextField(_("nonconformance"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    status = models.CharField(_("status"), max_length=24, choices=NCStatus.choices,
                              default=NCStatus.OPEN)
    cause = models.TextField(_("cause"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    action_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    action_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["product", "issued_at"], name="nc_stats_idx"),
                   models.Index(fields=["order", "status"], name="nc_order_idx"),
                   models.Index(fields=["issued_at"], name="nc_period_idx")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="nc_qty")]
        verbose_name = _("nonconformance notice")
        verbose_name_plural = _("nonconformance notices")

    def __str__(self):
        return self.number


class ConcessionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Concession(models.Model):
    """Permission to ship a quantity of a line without a passed final inspection
    (P5.4.2), decided by the Quality head (or a division leader), never the requester."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"),
                                   on_delete=models.PROTECT, related_name="+")
    nonconformance = models.ForeignKey(NonconformanceNotice, null=True, blank=True,
                                       verbose_name=_("nonconformance notice"),
                                       on_delete=models.SET_NULL, related_name="concessions")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=ConcessionStatus.choices,
                              default=ConcessionStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   verbose_name=_("decided by"), on_delete=models.PROTECT,
                                   related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["order_line", "status"], name="concession_line_idx")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0),
                                              name="concession_qty")]
        verbose_name = _("concession")
        verbose_name_plural = _("concessions")

    def __str__(self):
        return f"{self.order_line_id} {self.quantity} {self.status}"
