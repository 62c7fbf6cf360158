"""Opening a dossier and downloading its documents (P9.2.1): each is checked against
the order's visibility (a grant included) and written to the access log."""

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted
from orderflow.orders.models import Order
from orderflow.orders.permissions import role_visibility_q, visibility_q

from ..models import AccessAction, AccessLog, Dossier, DossierDocument
from ..permissions import active_grants, may_see_prices


def visible_dossier(actor, *, order_id: int | None = None,
                    dossier_id: int | None = None) -> Dossier:
    """The dossier of an order the actor sees, or holds an active query grant on (P9.2.1);
    NotFound otherwise (after the grant expires too)."""
    lookup = {"order_id": order_id} if order_id is not None else {"pk": dossier_id}
    dossier = (Dossier.objects.select_related("order", "customer", "archived_by",
                                              "main_product").filter(**lookup).first())
    if dossier is None or not (
            active_grants(actor).filter(order_id=dossier.order_id).exists()
            or Order.objects.filter(visibility_q(actor), pk=dossier.order_id).exists()):
        raise NotFound(_("Archive dossier not found."))
    return dossier


def _via_query(actor, dossier: Dossier) -> int | None:
    """The grant the actor sees the order through, if not by their role."""
    if Order.objects.filter(role_visibility_q(actor), pk=dossier.order_id).exists():
        return None
    return (active_grants(actor).filter(order_id=dossier.order_id)
            .order_by("-granted_until").values_list("pk", flat=True).first())


def _log(actor, dossier: Dossier, action: str, document=None) -> None:
    AccessLog.objects.create(dossier=dossier, document=document, user=actor, action=action,
                             at=clock.now(), via_query_id=_via_query(actor, dossier))


@transaction.atomic
def dossier_open(*, actor, order_id: int | None = None,
                 dossier_id: int | None = None) -> Dossier:
    """The dossier for reading; the view is logged (P9.2.1).

    Raises:
        NotFound: no dossier, or the order is not visible to the actor (no active grant).
    """
    dossier = visible_dossier(actor, order_id=order_id, dossier_id=dossier_id)
    _log(actor, dossier, AccessAction.VIEW)
    return dossier


@transaction.atomic
def document_open(*, actor, document_id: int) -> DossierDocument:
    """A document for download; the download is logged (P9.2.1).

    Raises:
        NotFound: no such document, or its order is not visible to the actor.
        NotPermitted: it holds prices and the actor may not see them (P9.2.2).
    """
    dossier_id = DossierDocument.objects.filter(pk=document_id).values_list(
        "dossier_id", flat=True).first()
    if dossier_id is None:
        raise NotFound(_("Document not found."))
    dossier = visible_dossier(actor, dossier_id=dossier_id)
    document = DossierDocument.objects.get(pk=document_id)
    if document.holds_prices and not may_see_prices(actor):
        raise NotPermitted(_("This document holds prices, which you may not see."))
    _log(actor, dossier, AccessAction.DOWNLOAD, document)
    return document

