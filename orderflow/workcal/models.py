"""The company calendar (P3.3.2): working hours, public holidays and make-up workdays (调休).

Deadlines are counted in working hours on this calendar; an admin maintains it as data.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (no work)")
    WORKDAY = "workday", _("Make-up workday (调休)")


class CalendarDay(models.Model):
    """A day that differs from the weekly pattern: a holiday on a weekday, or a
    make-up workday on a weekend."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class WorkSchedule(models.Model):
    """The working day (one row, pk=1): two periods, Monday to Friday by default."""

    morning_start = models.TimeField(_("morning starts"), default=dt.time(8, 30))
    morning_end = models.TimeField(_("morning ends"), default=dt.time(12, 0))
    afternoon_start = models.TimeField(_("afternoon starts"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon ends"), default=dt.time(18, 0))
    # ISO weekdays (1 = Monday ... 7 = Sunday) that are working days.
    workdays = models.JSONField(_("working weekdays"), default=list)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self):
        return (f"{self.morning_start:%H:%M}-{self.morning_end:%H:%M}, "
                f"{self.afternoon_start:%H:%M}-{self.afternoon_end:%H:%M}")


class TimedWork(models.Model):
    """A piece of work with a working-hour deadline, a reminder and two escalations
    (P3.3.2); the deadline sweep finds due moments by these indexed columns."""

    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_head_at = models.DateTimeField(_("escalated to department head"), null=True,
                                             blank=True)
    escalated_leader_at = models.DateTimeField(_("escalated to division leader"), null=True,
                                               blank=True)

    class Meta:
        abstract = True
