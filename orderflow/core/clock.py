"""The one clock: every service asks it for the time, so tests can freeze it."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Timezone-aware current time (UTC)."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in the company's time zone."""
    return timezone.localdate(now())
