"""Archive writes (P9): importing this registers the "archive" action, the approval
subject "archive_query" and the visibility of archived orders through query grants."""

from orderflow.orders.domain.lifecycle import Actor
from orderflow.orders.permissions import ACTOR_RULES, VISIBILITY_EXTENSIONS

from ..permissions import archive_visibility_q, is_archivist
from .access import document_open, dossier_open
from .dossier import order_archive
from .queries import query_approve, query_decline, query_request_file
from .settings import archive_settings_update

# P9.1.1: the order's salesperson, the Sales head, or a member of the Archive department.
ACTOR_RULES[Actor.ARCHIVIST] = is_archivist
if archive_visibility_q not in VISIBILITY_EXTENSIONS:
    VISIBILITY_EXTENSIONS.append(archive_visibility_q)

__all__ = [
    "archive_settings_update", "document_open", "dossier_open",
    "order_archive", "query_approve", "query_decline", "query_request_file",
]
