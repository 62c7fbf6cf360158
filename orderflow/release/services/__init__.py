"""Release writes (P4.2): importing this registers the "release" action."""

from orderflow.orders.permissions import VISIBILITY_EXTENSIONS

from ..permissions import release_visibility_q
from .confirm import (
    CHANNELS,
    customer_confirmation_record,
    email_template_update,
    send_customer_email,
)
from .packages import package_block, package_complete, package_start, package_unblock
from .printing import company_profile_update, order_print
from .release import order_release, release_route_set

__all__ = [
    "CHANNELS", "company_profile_update", "customer_confirmation_record",
    "email_template_update", "order_print", "order_release",
    "package_block", "package_complete", "package_start", "package_unblock",
    "release_route_set", "send_customer_email",
]

if release_visibility_q not in VISIBILITY_EXTENSIONS:
    VISIBILITY_EXTENSIONS.append(release_visibility_q)
