"""Archive and query (P9): the dossier of an archived order with its documents, query
requests with their time-boxed grants, the access log, and the archive settings (P11)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.masterdata.models import ProductKind
from orderflow.orders.models import OrderType

DEFAULT_PRICE_DEPARTMENTS = [Dept.SALES.value, Dept.FINANCE.value, Dept.MANAGEMENT.value]


def default_price_departments() -> list[str]:
    return list(DEFAULT_PRICE_DEPARTMENTS)


class ArchiveSettings(models.Model):
    """Who sees prices, costs and margins (P9.2.2) and how long a query grant may run
    (P9.2.1); one row (pk=1), edited by a system administrator (P11)."""

    price_departments = models.JSONField(_("departments that see prices"),
                                         default=default_price_departments)
    max_grant_days = models.PositiveSmallIntegerField(_("longest query grant (days)"),
                                                      default=30)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("archive settings")
        verbose_name_plural = _("archive settings")

    def __str__(self):
        return str(_("archive settings"))


class ArchiveSequence(models.Model):
    """Last dossier number issued per year; locked until the archiving commits."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Dossier(models.Model):
    """The archive dossier of one order (P9.1.1), classified for retrieval (P9.1.2).
    Written once by the archive action (numbered last in its transaction); never updated."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT,
                                 related_name="dossier", verbose_name=_("order"))
    number = models.CharField(_("dossier number"), max_length=20, unique=True)
    order_number = models.CharField(_("order number"), max_length=20)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("archived by"))
    archived_at = models.DateTimeField(_("archived at"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    order_type = models.CharField(_("order type"), max_length=16, choices=OrderType.choices)
    product_kind = models.CharField(_("product line"), max_length=16, blank=True,
                                    choices=ProductKind.choices)
    main_product = models.ForeignKey("masterdata.Product", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("main product"))
    customer = models.ForeignKey("masterdata.Customer", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("customer"))
    customer_industry = models.CharField(_("customer industry"), max_length=64, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    notes = models.JSONField(_("notes"), default=list, blank=True)
    manifest_sha256 = models.CharField(_("manifest hash"), max_length=64)

    class Meta:
        ordering = ["-archived_at", "-id"]
        # P9.2: the index filters by period, category, customer and amount, newest first.
        indexes = [
            models.Index(fields=["year", "month", "-id"], name="dossier_period_idx"),
            models.Index(fields=["customer", "-id"], name="dossier_customer_idx"),
            models.Index(fields=["order_type", "-id"], name="dossier_type_idx"),
            models.Index(fields=["product_kind", "-id"], name="dossier_kind_idx"),
            models.Index(fields=["customer_industry", "-id"], name="dossier_industry_idx"),
            models.Index(fields=["main_product", "-id"], name="dossier_product_idx"),
            models.Index(fields=["amount"], name="dossier_amount_idx"),
            models.Index(fields=["archived_at"], name="dossier_archived_idx"),
            models.Index(fields=["order_number"], name="dossier_order_number_idx"),
        ]
        verbose_name = _("archive dossier")
        verbose_name_plural = _("archive dossiers")

    def __str__(self):
        return self.number


class DossierProduct(models.Model):
    """A product of an archived order's lines: the index's product filter (P9.2)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey("masterdata.Product", on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "dossier"],
                                               name="uniq_dossier_product")]

    def __str__(self):
        return f"{self.dossier_id}:{self.product_id}"


class DocumentKind(models.TextChoices):
    ORDER = "order", _("Order record")
    CONTRACT = "contract", _("Contract and attachments")
    REVIEW_REPORT = "review_report", _("Review report")
    PRINT_LOG = "print_log", _("Printed-order log")
    EXECUTION = "execution", _("Execution records")
    AUDIT_TRAIL = "audit_trail", _("Audit trail")
    SETTLEMENT = "settlement", _("Settlement documents")
    OTHER = "other", _("Other")


class DossierDocument(models.Model):
    """One stored document of a dossier with its SHA-256 (P9.1.1); never updated."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    position = models.PositiveSmallIntegerField(_("no."))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), max_length=300)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    source = models.CharField(_("source"), max_length=100)
    holds_prices = models.BooleanField(_("holds prices"), default=False)

    class Meta:
        ordering = ["dossier_id", "position"]
        constraints = [models.UniqueConstraint(fields=["dossier", "position"],
                                               name="uniq_dossier_document")]
        verbose_name = _("archived document")
        verbose_name_plural = _("archived documents")

    def __str__(self):
        return f"{self.dossier_id}/{self.position} {self.title}"


class DossierCheck(models.Model):
    """One integrity check of a dossier (P9.1.1): written by the verification (the nightly
    task, `manage.py archive_verify`, the archiving itself); pages show the latest one
    instead of reading the files again."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(_("verified at"))
    intact = models.BooleanField(_("intact"))
    # [{"document": path or "", "problem": code}], empty when intact
    findings = models.JSONField(_("findings"), default=list, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["dossier", "-checked_at"], name="dossier_check_idx")]
        verbose_name = _("dossier check")
        verbose_name_plural = _("dossier checks")

    def __str__(self):
        return f"{self.dossier_id} {self.checked_at:%Y-%m-%d %H:%M} {self.intact}"


class QueryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    VOIDED = "voided", _("Voided")


class QueryRequest(models.Model):
    """A request to look up an archived order (P9.2.1): approved by the requester's
    department head through the approval engine; approval grants read-only access to
    the dossier until granted_until."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT,
                              related_name="archive_queries", verbose_name=_("order"))
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="queries")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="archive_queries",
                                  verbose_name=_("requested by"))
    purpose = models.TextField(_("purpose"))
    wanted_until = models.DateField(_("needed until"))
    status = models.CharField(_("status"), max_length=16, choices=QueryStatus.choices,
                              default=QueryStatus.PENDING)
    created_at = models.DateTimeField(_("filed at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decline_reason = models.TextField(_("reason"), blank=True)
    granted_until = models.DateTimeField(_("access until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "status", "granted_until"],
                         name="archive_grant_idx"),
            models.Index(fields=["order", "status"], name="archive_query_order_idx"),
        ]
        verbose_name = _("archive query request")
        verbose_name_plural = _("archive query requests")

    def __str__(self):
        return f"{self.order_id} · {self.requester_id}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed the dossier")
    DOWNLOAD = "download", _("Downloaded a document")


class AccessLog(models.Model):
    """Every view of a dossier and every download of a document (P9.2.1)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="access_log")
    document = models.ForeignKey(DossierDocument, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("document"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("user"))
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    at = models.DateTimeField(_("time"))
    via_query = models.ForeignKey(QueryRequest, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["dossier", "-at"], name="archive_access_idx")]
        verbose_name = _("archive access")
        verbose_name_plural = _("archive access log")

    def __str__(self):
        return f"{self.dossier_id} {self.action} {self.user_id}"
