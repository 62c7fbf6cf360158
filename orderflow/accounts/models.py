"""People: a user belongs to one department and may hold several roles (P1.3.2, P11)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .labels import DEPT_LABELS, ROLE_LABELS


class Department(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True,
                            choices=list(DEPT_LABELS.items()))
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    head = models.ForeignKey("User", verbose_name=_("department head"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="members")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True,
                                          choices=[("zh-hans", "简体中文"), ("en", "English")])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def role_set(self) -> frozenset[str]:
        """The user's roles, loaded once per user object."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            if not self.pk:
                cached = frozenset()
            else:
                cached = frozenset(self.role_rows.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set & {str(r) for r in roles})

    @property
    def dept_code(self) -> str | None:
        return self.department.code if self.department_id else None


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_rows")
    role = models.CharField(_("role"), max_length=32,
                            choices=list(ROLE_LABELS.items()))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self):
        return f"{self.user} · {self.role}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} · {self.name} ({self.prefix}…)"


class Delegation(models.Model):
    """P4.1: a user names a deputy for a date range; the deputy acts "for" them.

    Pending items follow the delegation while it runs (inbox and rights are resolved
    at the moment of acting) and return to the principal when it ends.
    """

    principal = models.ForeignKey(User, verbose_name=_("delegating user"),
                                  on_delete=models.CASCADE, related_name="delegations_given")
    deputy = models.ForeignKey(User, verbose_name=_("deputy"), on_delete=models.CASCADE,
                               related_name="delegations_received")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["deputy", "starts_on", "ends_on"], name="delegation_deputy_idx"),
            models.Index(fields=["principal", "starts_on"], name="delegation_principal_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="delegation_dates_ordered"),
            models.CheckConstraint(condition=~models.Q(deputy=models.F("principal")),
                                   name="delegation_not_self"),
        ]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self):
        return f"{self.principal} → {self.deputy} ({self.starts_on}–{self.ends_on})"
