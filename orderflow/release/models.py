"""Order release (P4.2): work packages per department, the sealed printed order with its
print log and verification code, the customer's confirmation (P4.2.2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orderflow.orders.models import OrderType


class ReleaseRoute(models.Model):
    """Which departments get a work package when an order of a type is released (P4.2.1)."""

    order_type = models.CharField(_("order type"), max_length=16, choices=OrderType.choices,
                                  unique=True)
    departments = models.JSONField(_("departments"), default=list)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["order_type"]
        verbose_name = _("release route")
        verbose_name_plural = _("release routes")

    def __str__(self):
        return f"{self.get_order_type_display()}: {', '.join(self.departments)}"


class PackageStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")


class WorkPackage(models.Model):
    """One department's part of a released order (P4.2.1, P5)."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="work_packages")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="work_packages")
    status = models.CharField(_("status"), max_length=16, choices=PackageStatus.choices,
                              default=PackageStatus.PLANNED)
    revision = models.PositiveSmallIntegerField(_("order revision"), default=1)
    # P2.2.2: the special requirements travel with the package, as they were released.
    special_requirements = models.JSONField(default=list, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    blocked_reason = models.TextField(_("why blocked"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["order_id", "department_id"]
        constraints = [models.UniqueConstraint(fields=["order", "department"],
                                               name="uniq_package_dept")]
        indexes = [models.Index(fields=["department", "status", "due_date"],
                                name="package_workspace_idx")]
        verbose_name = _("work package")
        verbose_name_plural = _("work packages")

    def __str__(self):
        return f"{self.order_id} · {self.department}"


class CompanyProfile(models.Model):
    """The letterhead and the seal of the printed order (one row, pk=1)."""

    name = models.CharField(_("company name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    seal = models.FileField(_("seal image"), upload_to="company/", blank=True)
    seal_sha256 = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")

    def __str__(self):
        return self.name


class OrderPrint(models.Model):
    """One printed order (P4.2.1): who printed which revision when, original or copy N,
    sealed or not, and the code that lets anyone check a paper copy against the system."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="prints")
    revision = models.PositiveSmallIntegerField(_("revision"))
    copy_number = models.PositiveSmallIntegerField(_("copy"), default=0)  # 0 = original
    sealed = models.BooleanField(_("sealed"), default=False)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    content_sha256 = models.CharField(max_length=64)
    file = models.FileField(_("PDF"), upload_to="prints/%Y/%m/", blank=True)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("printed by"))
    printed_at = models.DateTimeField(_("printed at"))

    class Meta:
        ordering = ["-printed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["order", "revision", "copy_number"],
                                               name="uniq_print_copy")]
        verbose_name = _("printed order")
        verbose_name_plural = _("print log")

    def __str__(self):
        return f"{self.order_id} r{self.revision} #{self.copy_number}"


class CustomerConfirmation(models.Model):
    """P4.2.2: the customer confirmed they received the order; told progress and date."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE,
                              related_name="customer_confirmations")
    revision = models.PositiveSmallIntegerField(_("revision"))
    channel = models.CharField(_("how"), max_length=16)
    contact_name = models.CharField(_("confirmed by (customer)"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    email_to = models.EmailField(_("email sent to"), blank=True)
    email_subject = models.CharField(max_length=200, blank=True)
    email_body = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("customer confirmation")
        verbose_name_plural = _("customer confirmations")

    def __str__(self):
        return f"{self.order_id} {self.recorded_at:%Y-%m-%d}"


class CustomerEmailTemplate(models.Model):
    """The email to the customer after release (P4.2.2), editable by an admin (pk=1).
    Placeholders: {order_number}, {customer}, {contact}, {delivery_date}, {progress},
    {salesperson}, {company}."""

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("customer email template")
        verbose_name_plural = _("customer email template")

    def __str__(self):
        return self.subject


def current_revision(order) -> int:
    """The order's revision: 1 at the first sign-off, +1 for every later signed change (P8)."""
    from orderflow.approval.models import SignOff

    return max(1, SignOff.objects.filter(order_id=order.pk).count())
