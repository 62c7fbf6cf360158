"""Who may archive, search the archive, see an archived order and see prices (P9)."""

import rules
from django.db.models import Q

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.accounts.permissions import (
    in_department,
    is_management,
    is_sales,
    is_sales_head,
    is_system_admin,
)
from orderflow.approval.models import ApprovalTask, RequestStatus, TaskStatus
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.permissions import is_order_owner

from .models import ArchiveSettings, QueryRequest, QueryStatus

QUERY_SUBJECT = "archive_query"
is_archive_staff = in_department(Dept.ARCHIVE)


@rules.predicate
def is_archivist(user, order=None) -> bool:
    """P9.1.1: the order's salesperson, the Sales head, or a member of the Archive dept."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return bool(is_archive_staff(user) or is_order_owner(user, order))


@rules.predicate
def may_search_archive(user) -> bool:
    """P9.2: Sales, Archive staff, management and system admins search the index."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return bool(is_sales(user) or is_archive_staff(user) or is_management(user)
                or is_system_admin(user))


def sees_every_dossier(user) -> bool:
    """Archive staff, management, system admins and the Sales head see every dossier."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return bool(is_archive_staff(user) or is_management(user) or is_system_admin(user)
                or is_sales_head(user))


def may_see_access_log(user, order) -> bool:
    """The access log is shown to Archive staff and the order's owner (P9.2.1)."""
    return bool(user and user.is_authenticated and user.is_active and
                (is_archive_staff(user) or is_order_owner(user, order)
                 or is_system_admin(user)))


def archive_settings() -> ArchiveSettings:
    return ArchiveSettings.objects.filter(pk=1).first() or ArchiveSettings(pk=1)


def may_see_prices(user) -> bool:
    """P9.2.2: prices, costs and margins only for the departments an admin allows
    (Sales, Finance, Management by default) and the division leader and GM; one query,
    remembered on the user object for the request."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_may_see_prices", None)
    if cached is None:
        allowed = set(archive_settings().price_departments or [])
        cached = bool(user.dept_code in allowed or user.has_role(
            Role.DIVISION_LEADER, Role.GENERAL_MANAGER))
        user._may_see_prices = cached
    return cached


def active_grants(user):
    """The user's approved query requests whose grant has not expired."""
    return QueryRequest.objects.filter(requester_id=user.pk, status=QueryStatus.APPROVED,
                                       granted_until__gt=clock.now())


def archive_visibility_q(user) -> Q:
    """orders.permissions.VISIBILITY_EXTENSIONS: archived orders a user sees because a query
    request waits for their decision (or that of someone they are deputy for today), to
    decide it (P9.2.1). Subqueries only. A granted query opens the dossier only
    (services.access), where every view and download is logged: not the live order, its
    settlement, reports or prints, which nothing would log."""
    today = clock.today()
    principals = Delegation.objects.filter(
        deputy_id=user.pk, starts_on__lte=today, ends_on__gte=today,
        revoked_at__isnull=True, principal__is_active=True).values("principal_id")
    waiting = ApprovalTask.objects.filter(
        Q(assignee_id=user.pk) | Q(assignee_id__in=principals), status=TaskStatus.PENDING,
        request__subject_kind=QUERY_SUBJECT, request__status=RequestStatus.IN_PROGRESS)
    return Q(status=State.ARCHIVED) & Q(pk__in=waiting.values("order_id"))


archive_visibility_q.covers_archived = True

rules.add_perm("archive.manage_settings", is_system_admin)
rules.add_perm("archive.search", may_search_archive)
