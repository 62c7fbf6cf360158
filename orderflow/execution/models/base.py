"""Fields every execution record has: its order, the work package it belongs to, who
recorded it (and for whom, as a deputy) and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PackageRecord(models.Model):
    """Abstract: a record on one department's work package of an order (P5)."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey("release.WorkPackage", on_delete=models.CASCADE,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        abstract = True
