"""Order review (P3): who reviews, in what time, each department's opinion, the report.

A review belongs to a subject (an order now; change and cancellation requests of P8
later), always about one order. Each round of review is one Review row; rounds are kept.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orderflow.orders.models import OrderType
from orderflow.workcal.models import TimedWork


class Conclusion(models.TextChoices):
    PASS = "pass", _("Pass")
    CONDITIONAL = "conditional", _("Pass with conditions")
    FAIL = "fail", _("Fail")


class ReviewRoute(models.Model):
    """Which departments review an order of a type (P3.1.1); P11 makes it configurable."""

    order_type = models.CharField(_("order type"), max_length=16, choices=OrderType.choices,
                                  unique=True)
    departments = models.JSONField(_("reviewing departments"), default=list)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["order_type"]
        verbose_name = _("review route")
        verbose_name_plural = _("review routes")

    def __str__(self):
        return f"{self.get_order_type_display()}: {', '.join(self.departments)}"


class ReviewTimeLimit(models.Model):
    """A department's time limit for its opinion, in working hours (P3.3.2)."""

    department = models.OneToOneField("accounts.Department", verbose_name=_("department"),
                                      on_delete=models.CASCADE, related_name="review_limit")
    hours = models.PositiveSmallIntegerField(_("time limit (working hours)"), default=16)
    remind_before_hours = models.PositiveSmallIntegerField(
        _("remind before the deadline (working hours)"), default=4)
    leader_after_hours = models.PositiveSmallIntegerField(
        _("escalate to the division leader after (overdue working hours)"), default=8)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["department_id"]
        verbose_name = _("review time limit")
        verbose_name_plural = _("review time limits")

    def __str__(self):
        return f"{self.department}: {self.hours}h"


class MajorOrderRule(models.Model):
    """What makes an order major or complex (P3.1.2); one row (pk=1). Any criterion
    that is switched on and met makes the order major."""

    amount_threshold = models.DecimalField(
        _("amount with tax at or above"), max_digits=16, decimal_places=2, null=True,
        blank=True, default=Decimal("1000000.00"))
    customised = models.BooleanField(_("customised product"), default=True)
    new_customer = models.BooleanField(_("customer's first order"), default=True)
    special_requirements = models.BooleanField(_("any special requirement"), default=False)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("major-order rule")
        verbose_name_plural = _("major-order rule")

    def __str__(self):
        return str(self._meta.verbose_name)


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("In review")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Review(models.Model):
    """One round of review of a subject (P3). Round 2 after renegotiation keeps round 1."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="reviews")
    subject_kind = models.CharField(max_length=32, default="order")
    subject_id = models.PositiveBigIntegerField()
    round = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices,
                              default=ReviewStatus.OPEN)
    is_major = models.BooleanField(_("major or complex order"), default=False)
    major_reasons = models.JSONField(default=list, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("panel chair"),
                              null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("started at"))
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices,
                                  blank=True)
    conclusion_text = models.TextField(_("conclusion remarks"), blank=True)
    conclusion_conditions = models.TextField(_("conditions of the conclusion"), blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        ordering = ["order_id", "-round"]
        constraints = [models.UniqueConstraint(fields=["subject_kind", "subject_id", "round"],
                                               name="uniq_review_round")]
        indexes = [models.Index(fields=["order", "-round"], name="review_order_idx"),
                   models.Index(fields=["status", "chair"], name="review_open_chair_idx")]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.order_id} R{self.round}"


class OpinionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SUBMITTED = "submitted", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewOpinion(TimedWork):
    """One department's opinion in a review round (P3.2.x, P3.4.1), typed per department."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="opinions")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("status"), max_length=16, choices=OpinionStatus.choices,
                              default=OpinionStatus.PENDING)
    assigned_at = models.DateTimeField(_("sent at"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("given at"), null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices,
                                  blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    text = models.TextField(_("opinion"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["review_id", "position"]
        constraints = [models.UniqueConstraint(fields=["review", "department"],
                                               name="uniq_opinion_dept")]
        indexes = [
            models.Index(fields=["status", "department"], name="opinion_waiting_idx"),
            models.Index(fields=["status", "remind_at"], name="opinion_remind_idx"),
            models.Index(fields=["status", "due_at"], name="opinion_due_idx"),
            models.Index(fields=["status", "escalate_at"], name="opinion_escalate_idx"),
        ]
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")

    def __str__(self):
        return f"{self.review} · {self.department}"


class OpinionAttachment(models.Model):
    opinion = models.ForeignKey(ReviewOpinion, on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("file"), upload_to="review/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("opinion attachment")
        verbose_name_plural = _("opinion attachments")

    def __str__(self):
        return self.original_name


class ReviewReport(models.Model):
    """The review report (P3.3.3, P3.4.2): compiled from the opinions when the review
    concludes; its content and PDF are immutable once issued."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="report")
    number = models.CharField(_("report number"), max_length=40, unique=True)
    conclusion = models.CharField(_("overall conclusion"), max_length=16,
                                  choices=Conclusion.choices)
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    file = models.FileField(_("PDF"), upload_to="review-reports/%Y/%m/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")

    def __str__(self):
        return self.number
