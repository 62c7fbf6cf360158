"""Production (P5.1): the plan's tasks, progress reports, problems."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import PackageRecord


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ProductionTask(PackageRecord):
    """One task of the production plan (P5.1.1-2): schedule, team, equipment, materials,
    quality-control requirements; its latest progress is kept on the row."""

    order_line = models.ForeignKey("orders.OrderLine", null=True, blank=True,
                                   verbose_name=_("order line"), on_delete=models.PROTECT,
                                   related_name="+")
    position = models.PositiveSmallIntegerField(_("no."), default=1)
    name = models.CharField(_("task"), max_length=200)
    planned_quantity = models.DecimalField(_("planned quantity"), max_digits=14,
                                           decimal_places=3, null=True, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    team = models.CharField(_("responsible team"), max_length=100)
    equipment = models.CharField(_("equipment"), max_length=200, blank=True)
    materials = models.TextField(_("materials"), blank=True)
    qc_requirements = models.TextField(_("quality-control requirements"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices,
                              default=TaskStatus.PLANNED)
    quantity_done = models.DecimalField(_("quantity done"), max_digits=14, decimal_places=3,
                                        default=Decimal("0"))
    percent_done = models.PositiveSmallIntegerField(_("percent done"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["package_id", "position", "id"]
        indexes = [models.Index(fields=["package", "status"], name="prod_task_pkg_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="prod_task_dates"),
            models.CheckConstraint(condition=Q(percent_done__lte=100), name="prod_task_pct"),
            models.CheckConstraint(condition=Q(planned_quantity__isnull=True)
                                   | Q(planned_quantity__gt=0), name="prod_task_qty"),
        ]
        verbose_name = _("production task")
        verbose_name_plural = _("production plan")

    def __str__(self):
        return self.name


class ProgressReport(PackageRecord):
    """Progress of a task on a date (P5.1.4): quantity done and % done (0-100)."""

    task = models.ForeignKey(ProductionTask, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("date"))
    quantity_done = models.DecimalField(_("quantity done"), max_digits=14, decimal_places=3)
    percent_done = models.PositiveSmallIntegerField(_("percent done"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent_done__lte=100), name="prod_report_pct"),
            models.CheckConstraint(condition=Q(quantity_done__gte=0), name="prod_report_qty"),
        ]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.task_id} {self.reported_on} {self.percent_done}%"


class ProblemKind(models.TextChoices):
    EQUIPMENT_FAILURE = "equipment_failure", _("Equipment failure")
    STAFF_SHORTAGE = "staff_shortage", _("Staff shortage")
    MATERIAL_LATE = "material_late", _("Late material")
    QUALITY_PROBLEM = "quality_problem", _("Quality problem")
    OTHER = "other", _("Other")


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status", "Open")
    RESOLVED = "resolved", _("Resolved")


class ProductionProblem(PackageRecord):
    """A problem in production (P5.1.3-4) with owner, due date, corrective action and
    resolution."""

    task = models.ForeignKey(ProductionTask, null=True, blank=True, verbose_name=_("task"),
                             on_delete=models.SET_NULL, related_name="problems")
    kind = models.CharField(_("kind"), max_length=24, choices=ProblemKind.choices)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    corrective_action = models.TextField(_("corrective action"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProblemStatus.choices,
                              default=ProblemStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "id"]
        indexes = [models.Index(fields=["package", "status"], name="prod_problem_pkg_idx"),
                   models.Index(fields=["status", "due_date"], name="prod_problem_due_idx")]
        verbose_name = _("production problem")
        verbose_name_plural = _("production problems")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:40]}"
