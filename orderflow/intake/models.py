"""Intake (P2): leads, the preliminary check, customer communication and escalation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadChannel(models.TextChoices):
    CAMPAIGN = "campaign", _("Marketing campaign")        # P2.1.2
    ONLINE = "online", _("Online platform")              # P2.1.2
    REFERRAL = "referral", _("Partner referral")         # P2.1.3
    TRADE_SHOW = "trade_show", _("Trade show")           # P2.1.3
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    FOLLOWING_UP = "following_up", _("Following up")
    CONVERTED = "converted", _("Converted to order")
    DROPPED = "dropped", _("Dropped")


class Lead(models.Model):
    number = models.CharField(_("lead number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=LeadStatus.choices,
                              default=LeadStatus.NEW, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, choices=LeadChannel.choices)
    source_detail = models.CharField(_("source details"), max_length=200, blank=True)
    customer = models.ForeignKey("masterdata.Customer", verbose_name=_("customer"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="leads")
    company_name = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    need = models.TextField(_("need"), blank=True)
    estimated_amount = models.DecimalField(_("estimated amount"), max_digits=16,
                                           decimal_places=2, null=True, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("salesperson"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="assigned_leads")
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("captured by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("captured at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["assigned_to", "status"], name="lead_assignee_idx")]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self):
        return f"{self.number} {self.company_name}"


class LeadFollowUp(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="follow_ups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"))
    next_action_on = models.DateField(_("next follow-up"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return f"{self.lead_id} {self.at:%Y-%m-%d}"


class CheckOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    INCOMPLETE = "incomplete", _("Awaiting customer")
    ESCALATED = "escalated", _("Escalated to management")


class CheckReport(models.Model):
    """P2.3.1: one run of the preliminary check with its explained findings."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="check_reports")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("checked by"))
    run_at = models.DateTimeField(_("checked at"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=CheckOutcome.choices)
    findings = models.JSONField(_("findings"), default=list)

    class Meta:
        ordering = ["-run_at", "-id"]
        verbose_name = _("check report")
        verbose_name_plural = _("check reports")

    def __str__(self):
        return f"{self.order_id} {self.outcome}"


class CommunicationChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    FAX = "fax", _("Fax")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Instant message")


class CustomerCommunication(models.Model):
    """P2.3.2: Sales contacts the customer to complete or confirm the order."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="communications")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=16, choices=CommunicationChannel.choices)
    summary = models.TextField(_("summary"))
    confirmed_findings = models.JSONField(_("confirmed by the customer"), default=list,
                                          blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("customer communication")
        verbose_name_plural = _("customer communications")

    def __str__(self):
        return f"{self.order_id} {self.at:%Y-%m-%d}"


class EscalationDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Escalation(models.Model):
    """P2.3.2: poor credit or an over-tight date, decided by a division leader or GM."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="escalations")
    check_report = models.ForeignKey(CheckReport, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(_("reasons"), default=list)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("raised by"))
    raised_at = models.DateTimeField(_("raised at"))
    decision = models.CharField(_("decision"), max_length=16,
                                choices=EscalationDecision.choices,
                                default=EscalationDecision.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self):
        return f"{self.order_id} {self.decision}"
