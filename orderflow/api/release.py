"""Release and execution (P4.2, P5): work packages per department, the department
workspace, the printed order and its print log, the customer's confirmation, and the
release configuration (P11, system administrators).

Releasing an order is the order action `release` (POST /api/orders/{id}/actions/release).
Thin: reads through orderflow.release selectors (an invisible order answers 404), writes
through orderflow.release.services (permission, state and input checked there).
"""

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from orderflow.core.errors import NotFound, ValidationFailed
from orderflow.release import selectors, services
from orderflow.release.domain.packages import TEMPLATE_PLACEHOLDERS
from orderflow.release.models import (
    CompanyProfile,
    CustomerConfirmation,
    CustomerEmailTemplate,
    OrderPrint,
    ReleaseRoute,
)
from orderflow.release.printing_selectors import prints_for
from orderflow.release.services.printing import company_profile_update, order_print

from .review import visible_order
from .schemas import ERRORS, ErrorOut
from .schemas_config import RouteIn, RouteOut, require_admin, route_or_404
from .schemas_release import (
    BlockIn,
    CompanyProfileOut,
    ConfirmationIn,
    ConfirmationOut,
    EmailTemplateIn,
    EmailTemplateOut,
    PrintIn,
    PrintOut,
    WorkPackageOut,
    WorkspaceItemOut,
)

router = Router(tags=["release"])


# Work packages (P4.2.1, P5)

@router.get("/orders/{id:order_id}/work-packages", response={200: list[WorkPackageOut], **ERRORS},
            summary="Work packages of an order",
            description="One package per department of the order type's release route "
                        "(P4.2.1): status, start/done times, why blocked, the special "
                        "requirements as released, and the actions the department may take.")
def order_packages(request, order_id: int):
    return selectors.packages_for(request.auth, visible_order(request, order_id))


def _package(request, package_id: int):
    return selectors.package_for(request.auth, package_id)


_MOVE_HELP = ("Members of the package's department (or their deputy) only: 403 for others, "
              "404 if the order is not visible, 409 if not allowed from the package's status.")


@router.post("/work-packages/{id:package_id}/start", response={200: WorkPackageOut, **ERRORS},
             summary="Start a work package", description="The first start puts the order "
             "in execution (P5). " + _MOVE_HELP)
def start_package(request, package_id: int):
    services.package_start(package_id=package_id, actor=request.auth)
    return _package(request, package_id)


@router.post("/work-packages/{id:package_id}/block", response={200: WorkPackageOut, **ERRORS},
             summary="Block a work package",
             description="With the reason (required, 422 without). " + _MOVE_HELP)
def block_package(request, package_id: int, payload: BlockIn):
    services.package_block(package_id=package_id, actor=request.auth,
                           reason=payload.reason or "")
    return _package(request, package_id)


@router.post("/work-packages/{id:package_id}/unblock", response={200: WorkPackageOut, **ERRORS},
             summary="Unblock a work package", description=_MOVE_HELP)
def unblock_package(request, package_id: int):
    services.package_unblock(package_id=package_id, actor=request.auth)
    return _package(request, package_id)


@router.post("/work-packages/{id:package_id}/complete",
             response={200: WorkPackageOut, **ERRORS}, summary="Complete a work package",
             description="When every package is done the order is executed (P5). "
             + _MOVE_HELP)
def complete_package(request, package_id: int):
    services.package_complete(package_id=package_id, actor=request.auth)
    return _package(request, package_id)


class WorkspaceFilters(Schema):
    status: str | None = None
    dept: str | None = None


@router.get("/workspace", response={200: list[WorkspaceItemOut], **ERRORS},
            summary="The department workspace",
            description="Your department's work packages, late ones first (P5); `status` "
            "filters (planned, in_progress, blocked, done); `dept` picks another "
            "department for those who may see it.")
def workspace(request, filters: Query[WorkspaceFilters]):
    return selectors.workspace(request.auth, dept=filters.dept or None,
                               status=filters.status or None)


# Printing (P4.2.1)

@router.post("/orders/{id:order_id}/prints", response={201: PrintOut, **ERRORS},
             summary="Print the order",
             description="The revision's first print is the original (正本), later ones "
             "numbered copies (副本). Anyone who sees an approved order may print; only the "
             "seal keeper prints sealed (403). 409 before approval.")
def create_print(request, order_id: int, payload: PrintIn):
    printed = order_print(order_id=order_id, actor=request.auth, sealed=payload.sealed)
    return Status(201, printed)


@router.get("/orders/{id:order_id}/prints", response={200: list[PrintOut], **ERRORS},
            summary="The print log of an order",
            description="Who printed which revision when, original or copy, sealed or not, "
            "with its verification code.")
def list_prints(request, order_id: int):
    return prints_for(request.auth, visible_order(request, order_id))


@router.get("/prints/{id:print_id}/pdf", response={404: ErrorOut, 401: ErrorOut},
            summary="A printed order as PDF",
            description="404 if the order is not visible to you.",
            openapi_extra={"responses": {200: {
                "description": "The PDF",
                "content": {"application/pdf": {"schema": {"type": "string",
                                                           "format": "binary"}}}}}})
def print_pdf(request, print_id: int):
    order_id = OrderPrint.objects.filter(pk=print_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("Print not found."))
    printed = next((p for p in prints_for(request.auth, visible_order(request, order_id))
                    if p.pk == print_id), None)
    if printed is None or not printed.file:
        raise NotFound(_("Print not found."))
    return FileResponse(printed.file.open("rb"), content_type="application/pdf",
                        filename=printed.file.name.rsplit("/", 1)[-1])


# Customer confirmation (P4.2.2)

def _confirmations(order_id: int):
    return CustomerConfirmation.objects.select_related("recorded_by").filter(order_id=order_id)


@router.post("/orders/{id:order_id}/customer-confirmations",
             response={201: ConfirmationOut, **ERRORS},
             summary="Record the customer's confirmation",
             description="The order's salesperson (or the Sales head) records that the "
             "customer confirmed the released order, and may email them the progress and "
             "delivery date (P4.2.2). 409 unless released or in execution; 422 for a bad "
             "channel or when an email is asked for and the contact has no address.")
def add_confirmation(request, order_id: int, payload: ConfirmationIn):
    saved = services.customer_confirmation_record(
        order_id=order_id, actor=request.auth, channel=payload.channel or "",
        contact_name=payload.contact_name or "", note=payload.note or "",
        send_email=payload.send_email)
    return Status(201, _confirmations(order_id).get(pk=saved.pk))


@router.get("/orders/{id:order_id}/customer-confirmations",
            response={200: list[ConfirmationOut], **ERRORS},
            summary="Customer confirmations of an order",
            description="Newest first, with the email that was sent.")
def list_confirmations(request, order_id: int):
    return list(_confirmations(visible_order(request, order_id).pk))


# Configuration (P11)

@router.get("/config/release-routes", response={200: list[RouteOut], **ERRORS},
            summary="Release departments of every order type",
            description="Which departments get a work package when an order is released.")
def list_release_routes(request):
    require_admin(request)
    return list(ReleaseRoute.objects.select_related("updated_by"))


@router.put("/config/release-routes/{order_type}", response={200: RouteOut, **ERRORS},
            summary="Set the release departments of an order type",
            description="Applies to orders released afterwards.")
def set_release_route(request, order_type: str, payload: RouteIn):
    route = services.release_route_set(actor=request.auth, order_type=order_type,
                                       departments=payload.departments)
    return route_or_404(ReleaseRoute, route.order_type)


def _email_template(template) -> dict:
    return {"subject": template.subject if template else "",
            "body": template.body if template else "",
            "updated_at": template.updated_at if template else None,
            "updated_by": template.updated_by if template else None,
            "placeholders": list(TEMPLATE_PLACEHOLDERS)}


def _stored_template():
    return CustomerEmailTemplate.objects.select_related("updated_by").filter(pk=1).first()


@router.get("/config/customer-email-template", response={200: EmailTemplateOut, **ERRORS},
            summary="The email to the customer after release",
            description="Subject and body with {placeholders} (P4.2.2).")
def get_email_template(request):
    require_admin(request)
    return _email_template(_stored_template())


@router.put("/config/customer-email-template", response={200: EmailTemplateOut, **ERRORS},
            summary="Change the email to the customer",
            description="Unknown placeholders are refused field by field (422).")
def set_email_template(request, payload: EmailTemplateIn):
    services.email_template_update(actor=request.auth, subject=payload.subject or "",
                                   body=payload.body or "")
    return _email_template(_stored_template())


class CompanyIn(Schema):
    name: str | None = None
    name_en: str | None = None
    address: str | None = None
    phone: str | None = None


def _profile() -> CompanyProfile:
    return (CompanyProfile.objects.select_related("updated_by").filter(pk=1).first()
            or CompanyProfile(pk=1, name=""))


@router.get("/config/company-profile", response={200: CompanyProfileOut, **ERRORS},
            summary="The company profile (letterhead and seal of the printed order)")
def get_company(request):
    require_admin(request)
    return _profile()


@router.put("/config/company-profile", response={200: CompanyProfileOut, **ERRORS},
            summary="Change the company's name, address and phone")
def set_company(request, payload: CompanyIn):
    company_profile_update(actor=request.auth, name=payload.name or "",
                           name_en=payload.name_en or "", address=payload.address or "",
                           phone=payload.phone or "")
    return _profile()


@router.post("/config/company-profile/seal", response={200: CompanyProfileOut, **ERRORS},
             summary="Upload the company seal (multipart: file; PNG or SVG, at most 512 KB)")
def set_seal(request, file: File[UploadedFile | None] = None):
    require_admin(request)
    if file is None:
        raise ValidationFailed({"file": [_("Choose the seal image to upload.")]})
    current = _profile()
    company_profile_update(actor=request.auth, name=current.name, name_en=current.name_en,
                           address=current.address, phone=current.phone, seal_upload=file)
    return _profile()
