"""The approval engine (P4.1), reused by change and cancellation (P8) and archive
queries (P9.2): chains as data, a request per round, a stage per step, a task per person.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orderflow.workcal.models import TimedWork


class AssigneeKind(models.TextChoices):
    ROLE = "role", _("Everyone with a role")
    DEPT_HEAD = "dept_head", _("Head of a department")
    DEPARTMENT = "department", _("Everyone in a department")
    USER = "user", _("A named person")


class StepMode(models.TextChoices):
    SINGLE = "single", _("One approver")
    ALL = "all", _("All of the group (会签)")
    ANY = "any", _("Any one of the group (或签)")


class ApprovalChain(models.Model):
    """The chain for one kind of subject (P4.1.1); an admin edits its steps."""

    subject_kind = models.CharField(_("subject"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["subject_kind"]
        verbose_name = _("approval chain")
        verbose_name_plural = _("approval chains")

    def __str__(self):
        return self.name


class ApprovalStep(models.Model):
    """One step of a chain: who approves, how a group decides, when it applies, who is
    informed (抄送), and its time limit in working hours (0 = none)."""

    chain = models.ForeignKey(ApprovalChain, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("step"))
    name = models.CharField(_("name"), max_length=100)
    assignee_kind = models.CharField(_("approver"), max_length=16,
                                     choices=AssigneeKind.choices)
    role = models.CharField(_("role"), max_length=32, blank=True)
    department = models.CharField(_("department"), max_length=32, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("person"))
    mode = models.CharField(_("mode"), max_length=8, choices=StepMode.choices,
                            default=StepMode.SINGLE)
    # [{"field": "amount", "op": "gte", "value": "100000"}, ...]: all must hold.
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    # [{"kind": "role"|"dept_head"|"user", "role": ..., "department": ..., "user": id}]
    cc = models.JSONField(_("copy to (抄送)"), default=list, blank=True)
    time_limit_hours = models.PositiveSmallIntegerField(_("time limit (working hours)"),
                                                        default=0)

    class Meta:
        ordering = ["chain_id", "position"]
        constraints = [models.UniqueConstraint(fields=["chain", "position"],
                                               name="uniq_chain_step_position")]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")

    def __str__(self):
        return f"{self.position}. {self.name}"


class RequestStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    VOIDED = "voided", _("Voided")


class ApprovalRequest(models.Model):
    """One round of approval of a subject, bound to a hash of the content approved."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="approval_requests")
    subject_kind = models.CharField(max_length=32, default="order")
    subject_id = models.PositiveBigIntegerField()
    round = models.PositiveSmallIntegerField(_("round"))
    chain = models.ForeignKey(ApprovalChain, null=True, on_delete=models.SET_NULL,
                              related_name="+")
    chain_name = models.CharField(max_length=100)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.IN_PROGRESS)
    current_position = models.PositiveSmallIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["order_id", "-round"]
        constraints = [models.UniqueConstraint(fields=["subject_kind", "subject_id", "round"],
                                               name="uniq_approval_round")]
        indexes = [models.Index(fields=["order", "-round"], name="approval_order_idx")]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")

    def __str__(self):
        return f"{self.subject_kind}:{self.subject_id} A{self.round}"


class StageStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for earlier steps")
    ACTIVE = "active", _("In progress")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned")
    SKIPPED = "skipped", _("Skipped")
    VOIDED = "voided", _("Voided")


class ApprovalStage(TimedWork):
    """A chain step as it stands in one request (a snapshot: editing the chain later
    does not change approvals already under way)."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE,
                                related_name="stages")
    position = models.PositiveSmallIntegerField(_("step"))
    name = models.CharField(_("name"), max_length=100)
    mode = models.CharField(_("mode"), max_length=8, choices=StepMode.choices)
    status = models.CharField(_("status"), max_length=16, choices=StageStatus.choices,
                              default=StageStatus.WAITING)
    skip_reason = models.CharField(max_length=200, blank=True)
    spec = models.JSONField(default=dict)          # the step's approver spec and limits
    cc_user_ids = models.JSONField(default=list, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request_id", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "position"],
                                               name="uniq_request_stage")]
        indexes = [
            models.Index(fields=["status", "remind_at"], name="stage_remind_idx"),
            models.Index(fields=["status", "due_at"], name="stage_due_idx"),
            models.Index(fields=["status", "escalate_at"], name="stage_escalate_idx"),
        ]
        verbose_name = _("approval stage")
        verbose_name_plural = _("approval stages")

    def __str__(self):
        return f"{self.request} · {self.position}"


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Not needed")
    VOIDED = "voided", _("Voided")


class ApprovalTask(models.Model):
    """One person's part in a stage. A deputy acting for the assignee is recorded in
    acted_by with on_behalf_of = the assignee."""

    stage = models.ForeignKey(ApprovalStage, on_delete=models.CASCADE, related_name="tasks")
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE,
                                related_name="tasks")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"),
                                 on_delete=models.PROTECT, related_name="approval_tasks")
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices,
                              default=TaskStatus.PENDING)
    created_at = models.DateTimeField()
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["stage_id", "id"]
        indexes = [
            models.Index(fields=["assignee", "status"], name="task_assignee_idx"),
            models.Index(fields=["order", "status"], name="task_order_idx"),
        ]
        verbose_name = _("approval task")
        verbose_name_plural = _("approval tasks")

    def __str__(self):
        return f"{self.stage} · {self.assignee_id}"


class SignOff(models.Model):
    """P4.1.2: the Sales head's signature over the approved content."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="sign_offs")
    request = models.OneToOneField(ApprovalRequest, on_delete=models.PROTECT,
                                   related_name="sign_off")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")

    def __str__(self):
        return f"{self.order_id} {self.signed_at:%Y-%m-%d}"
