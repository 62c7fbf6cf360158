"""The printed order (P4.2.1): original and numbered copies per revision, sealed only by the
seal keeper, each with a verification code whose QR code leads to the public verify page;
and the company letterhead and seal (CompanyProfile)."""

import base64
import hashlib
import json
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Role
from orderflow.accounts.permissions import is_system_admin
from orderflow.approval.models import ApprovalTask, SignOff, TaskStatus
from orderflow.archive.permissions import may_see_prices
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import lock_order
from orderflow.orders.services.content import content_hash

from ..domain.money_words import amount_in_words
from ..models import CompanyProfile, OrderPrint, current_revision

PRINT_TEMPLATE = "release/printed_order.html"
# P4.2.1: an order is printed once it is approved (signed off), and at any later step.
PRINTABLE_STATES = frozenset({State.APPROVED, State.RELEASED, State.IN_EXECUTION,
                              State.EXECUTED, State.IN_SETTLEMENT, State.SETTLED,
                              State.ARCHIVED})
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"   # no 0/O, 1/I/L
CODE_LENGTH = 12
SEAL_MAX_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TRIGGER_NAMES_ZH = {"on_order": "订单确认后", "before_delivery": "发货前",
                    "after_delivery": "交货后", "after_acceptance": "验收后"}
REQUIREMENT_NAMES_ZH = {"customisation": "定制", "packaging": "包装",
                        "transport": "运输方式", "other": "其他"}


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def verify_url(code: str) -> str:
    """The address the QR code carries (ORDERFLOW_PUBLIC_URL + /verify/<code>/)."""
    base = getattr(settings, "ORDERFLOW_PUBLIC_URL", "").rstrip("/")
    return f"{base}/verify/{code}/"


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _person(user) -> str:
    return user.display_name if user is not None else ""


def approval_chain(order) -> dict:
    """The sign-off of the current revision and the approvals of its request."""
    sign_off = (SignOff.objects.filter(order_id=order.pk)
                .select_related("signed_by", "on_behalf_of").order_by("-signed_at", "-id")
                .first())
    if sign_off is None:
        return {"approvals": [], "sign_off": None}
    tasks = (ApprovalTask.objects.filter(request_id=sign_off.request_id,
                                         status=TaskStatus.APPROVED)
             .select_related("stage", "acted_by", "on_behalf_of")
             .order_by("stage__position", "acted_at", "id"))
    return {
        "approvals": [{"position": t.stage.position, "step": t.stage.name,
                       "name": _person(t.acted_by), "on_behalf_of": _person(t.on_behalf_of),
                       "at": _local(t.acted_at), "comment": t.comment} for t in tasks],
        "sign_off": {"name": _person(sign_off.signed_by),
                     "on_behalf_of": _person(sign_off.on_behalf_of),
                     "at": _local(sign_off.signed_at), "content_hash": sign_off.content_hash},
    }


def printed_content(order, revision: int) -> dict:
    """Everything the print says about the order (hashed into content_sha256)."""
    lines = order.lines.select_related("product")
    content = {
        "number": order.number, "revision": revision, "content_hash": content_hash(order),
        "customer": order.customer.name, "customer_code": order.customer.code,
        "customer_po": order.customer_po, "contact": order.contact_name,
        "contact_phone": order.contact_phone, "order_date": order.order_date,
        "delivery_date": order.delivery_date, "delivery_place": order.delivery_place,
        "currency": order.currency, "tax_rate": f"{order.tax_rate * 100:.0f}%",
        "salesperson": _person(order.salesperson),
        "lines": [{"position": ln.position, "name": ln.description or ln.product.name,
                   "code": ln.product.code, "specification": ln.specification,
                   "quantity": f"{ln.quantity.normalize():f}", "unit": ln.unit,
                   "unit_price": f"{ln.unit_price:,.2f}", "amount": f"{ln.amount:,.2f}"}
                  for ln in lines],
        "totals": {"net": f"{order.total_net:,.2f}", "tax": f"{order.total_tax:,.2f}",
                   "gross": f"{order.total_gross:,.2f}",
                   "gross_words": amount_in_words(order.total_gross)},
        "instalments": [{"percent": f"{p.percent.normalize():f}",
                         "trigger": TRIGGER_NAMES_ZH.get(p.trigger, p.trigger), "days": p.days}
                        for p in order.instalments.all()],
        "special_requirements": [{"kind": REQUIREMENT_NAMES_ZH.get(r.kind, r.kind),
                                  "description": r.description}
                                 for r in order.special_requirements.all()],
        **approval_chain(order),
    }
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False))


def content_sha256(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _seal_data_uri(profile: CompanyProfile) -> str:
    with profile.seal.open("rb") as handle:
        data = handle.read()
    kind = "image/png" if data.startswith(PNG_MAGIC) else "image/svg+xml"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, border=0)


def render_pdf(*, content: dict, profile: CompanyProfile, copy_number: int, sealed: bool,
               code: str, printed_at, printed_by) -> bytes:
    from weasyprint import HTML

    context = {
        "c": content, "company": profile, "copy_number": copy_number, "sealed": sealed,
        "seal": _seal_data_uri(profile) if sealed else "", "code": code,
        "verify_url": verify_url(code), "qr": qr_svg(verify_url(code)),
        "printed_at": _local(printed_at), "printed_by": _person(printed_by),
    }
    return HTML(string=render_to_string(PRINT_TEMPLATE, context)).write_pdf()


def _next_copy_number(order, revision: int) -> int:
    """0 for the revision's first print (the original), then 1, 2, ... (under the lock)."""
    last = (OrderPrint.objects.filter(order_id=order.pk, revision=revision)
            .aggregate(last=Max("copy_number"))["last"])
    return 0 if last is None else last + 1


def _unused_code() -> str:
    for _attempt in range(5):
        code = new_code()
        if not OrderPrint.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not draw an unused verification code")


@transaction.atomic
def order_print(*, order_id: int, actor, sealed: bool) -> OrderPrint:
    """Print the order (P4.2.1): the revision's original first, then numbered copies.

    Raises:
        NotFound (invisible order), TransitionNotAllowed (not approved yet), NotPermitted
        (a sealed print by anyone but the seal keeper, or no seal image on file; anyone
        who may not see prices, which the printed order holds, P9.2.2).
    """
    order = lock_order(order_id, actor)
    if not may_see_prices(actor):
        raise NotPermitted(_("The printed order holds prices, which your role may not see."))
    if order.status not in PRINTABLE_STATES:
        raise TransitionNotAllowed(_("Only an approved order can be printed."))
    if sealed and not actor.has_role(Role.SEAL_KEEPER):
        raise NotPermitted(_("Only the seal keeper may print a sealed order."))
    profile = CompanyProfile.objects.get_or_create(pk=1, defaults={"name": ""})[0]
    if sealed and not profile.seal:
        raise NotPermitted(_("No company seal is on file; an administrator uploads it."))
    revision = current_revision(order)
    content = printed_content(order, revision)
    printed = OrderPrint(order=order, revision=revision,
                         copy_number=_next_copy_number(order, revision), sealed=sealed,
                         code=_unused_code(), content_sha256=content_sha256(content),
                         printed_by=actor, printed_at=clock.now())
    pdf = render_pdf(content=content, profile=profile, copy_number=printed.copy_number,
                     sealed=sealed, code=printed.code, printed_at=printed.printed_at,
                     printed_by=actor)
    suffix = "original" if printed.copy_number == 0 else f"copy{printed.copy_number}"
    printed.file.save(f"{order.number}-r{revision}-{suffix}.pdf", ContentFile(pdf), save=False)
    printed.save()
    audit.record(actor, "order.printed", order,
                 data={"print": printed.pk, "revision": revision,
                       "copy_number": printed.copy_number, "sealed": sealed,
                       "code": printed.code, "content_sha256": printed.content_sha256,
                       "file": printed.file.name,
                       "file_sha256": hashlib.sha256(pdf).hexdigest()})
    return printed


def _seal_bytes(errors: Errors, upload) -> tuple[bytes, str] | None:
    """The uploaded seal's bytes and extension (PNG or SVG, at most 512 KB)."""
    if upload.size is not None and upload.size > SEAL_MAX_BYTES:
        errors.add("seal", _("The seal image may be at most 512 KB."))
        return None
    data = upload.read(SEAL_MAX_BYTES + 1)
    if len(data) > SEAL_MAX_BYTES:
        errors.add("seal", _("The seal image may be at most 512 KB."))
        return None
    if data.startswith(PNG_MAGIC):
        return data, "png"
    head = data[:2048].lstrip().lower()
    is_svg = head.startswith((b"<svg", b"<?xml")) and b"<svg" in head
    if is_svg and b"<script" not in data.lower() and b"javascript:" not in data.lower():
        return data, "svg"
    errors.add("seal", _("The seal must be a PNG or SVG image."))
    return None


@transaction.atomic
def company_profile_update(*, actor, name, name_en="", address="", phone="",
                           seal_upload=None) -> CompanyProfile:
    """The letterhead and the seal of the printed order (system admins).

    Raises:
        NotPermitted, ValidationFailed.
    """
    if not is_system_admin(actor):
        raise NotPermitted(_("Only a system administrator may change the company profile."))
    errors = Errors()
    values = {"name": errors.text("name", name, required=True, max_length=200),
              "name_en": errors.text("name_en", name_en, max_length=200),
              "address": errors.text("address", address, max_length=300),
              "phone": errors.text("phone", phone, max_length=64)}
    seal = _seal_bytes(errors, seal_upload) if seal_upload is not None else None
    errors.raise_if_any()
    profile = (CompanyProfile.objects.select_for_update().filter(pk=1).first()
               or CompanyProfile(pk=1))
    for field, value in values.items():
        setattr(profile, field, value)
    if seal is not None:
        data, ext = seal
        profile.seal_sha256 = hashlib.sha256(data).hexdigest()
        profile.seal.save(f"seal-{profile.seal_sha256[:12]}.{ext}", ContentFile(data),
                          save=False)
    profile.updated_at, profile.updated_by = clock.now(), actor
    profile.save()
    audit.record(actor, "company.profile_updated", profile,
                 data={**values, "seal_sha256": profile.seal_sha256})
    return profile
