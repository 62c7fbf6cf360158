"""Customers and products (issue: master data), referenced by every order (P2.2.1)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditRating(models.TextChoices):
    A = "A", _("A · excellent")
    B = "B", _("B · good")
    C = "C", _("C · watch")
    D = "D", _("D · poor")


class Customer(models.Model):
    code = models.CharField(_("customer code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    tax_id = models.CharField(_("tax ID"), max_length=32, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    credit_rating = models.CharField(_("credit rating"), max_length=1,
                                     choices=CreditRating.choices, default=CreditRating.B)
    credit_limit = models.DecimalField(_("credit limit"), max_digits=16, decimal_places=2,
                                       default=Decimal("0"))
    receivables_outstanding = models.DecimalField(_("receivables outstanding"), max_digits=16,
                                                  decimal_places=2, default=Decimal("0"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account owner"),
                              null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="customers")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self):
        return self.name


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts",
                                 verbose_name=_("customer"))
    name = models.CharField(_("contact name"), max_length=64)
    title = models.CharField(_("title"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name


class ProductKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")


class Product(models.Model):
    code = models.CharField(_("product code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ProductKind.choices,
                            default=ProductKind.PRODUCT)
    specification = models.CharField(_("specification / model"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=16)
    standard_price = models.DecimalField(_("standard price"), max_digits=14, decimal_places=2)
    standard_cost = models.DecimalField(_("standard cost"), max_digits=14, decimal_places=2,
                                        default=Decimal("0"))
    min_lead_days = models.PositiveIntegerField(_("minimum lead time (days)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")

    def __str__(self):
        return f"{self.code} {self.name}"


class Supplier(models.Model):
    """A supplier (P5.2.1): master data for purchase contracts."""

    code = models.CharField(_("supplier code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    tax_id = models.CharField(_("tax ID"), max_length=32, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    categories = models.CharField(_("what they supply"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self):
        return f"{self.code} {self.name}"
