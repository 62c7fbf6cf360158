"""The demo company's released orders (P4.2): some approved orders are released, printed
with the seal, confirmed by the customer, and their departments have started."""

from collections import Counter

from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.release.models import PackageStatus, WorkPackage
from orderflow.release.services import (
    customer_confirmation_record,
    order_print,
    order_release,
    package_start,
)

# Departments that have started on a released order, by demo login.
STARTERS = {"production": "production1", "procurement": "procurement1",
            "technology": "technology1"}


def release_some(users: dict, *, share: float = 0.6) -> Counter:
    """Release a share of the approved orders (the oldest first); print the sealed original
    of each, record the customer's confirmation, and let some departments start."""
    approved = list(Order.objects.filter(status=State.APPROVED).order_by("id"))
    outcome = Counter()
    for i, order in enumerate(approved[:round(len(approved) * share)]):
        order_release(order_id=order.pk, actor=users["saleshead"])
        order_print(order_id=order.pk, actor=users["financehead"], sealed=True)
        customer_confirmation_record(order_id=order.pk, actor=users["saleshead"],
                                     channel="phone", contact_name=order.contact_name,
                                     note="客户已收到订单回执，确认交期。", send_email=False)
        if i % 2 == 0:
            packages = (WorkPackage.objects.filter(order=order, status=PackageStatus.PLANNED,
                                                   department__code__in=list(STARTERS))
                        .select_related("department"))
            for package in packages:
                package_start(package_id=package.pk,
                              actor=users[STARTERS[package.department.code]])
        outcome[Order.objects.get(pk=order.pk).status] += 1
    return outcome
