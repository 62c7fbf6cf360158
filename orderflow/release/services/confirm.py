"""P4.2.2: Sales records that the customer received the released order and emails them the
expected delivery date and the progress; the email's template is the admin's (P11)."""

from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.permissions import is_system_admin
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.permissions import is_order_owner
from orderflow.orders.services import lock_order

from ..domain.packages import (
    TEMPLATE_PLACEHOLDERS,
    date_zh,
    progress_summary_zh,
    render_template,
    unknown_placeholders,
)
from ..models import (
    CompanyProfile,
    CustomerConfirmation,
    CustomerEmailTemplate,
    WorkPackage,
    current_revision,
)

CHANNELS = [("phone", gettext_lazy("Phone")), ("email", gettext_lazy("Email")),
            ("wechat", gettext_lazy("WeChat")), ("visit", gettext_lazy("Visit")),
            ("fax", gettext_lazy("Fax")), ("other", gettext_lazy("Other"))]
_CONFIRMABLE = (State.RELEASED, State.IN_EXECUTION)
MAX_NOTE = 2000


@task
def send_customer_email(*, confirmation_id: int) -> bool:
    """Deliver the email stored on a confirmation (runs on the worker, after commit)."""
    confirmation = CustomerConfirmation.objects.filter(pk=confirmation_id).first()
    if confirmation is None or not confirmation.email_to:
        return False
    send_mail(subject=confirmation.email_subject, message=confirmation.email_body,
              from_email=None, recipient_list=[confirmation.email_to])
    return True


def email_values(order: Order) -> dict[str, str]:
    """What the placeholders stand for, for this order now (always Chinese, P4.2.2)."""
    statuses = WorkPackage.objects.filter(order_id=order.pk).values_list("status", flat=True)
    company = CompanyProfile.objects.filter(pk=1).values_list("name", flat=True).first()
    contact = order.contact.name if order.contact_id else ""
    return {"order_number": order.number, "customer": order.customer.name,
            "contact": order.contact_name or contact, "company": company or "",
            "delivery_date": date_zh(order.delivery_date),
            "progress": progress_summary_zh(statuses),
            "salesperson": order.salesperson.display_name if order.salesperson_id else ""}


def _template() -> CustomerEmailTemplate:
    template = CustomerEmailTemplate.objects.filter(pk=1).first()
    return template or CustomerEmailTemplate(pk=1, subject="", body="")


def _checked(order: Order, actor) -> None:
    if not is_order_owner(actor, order):
        raise NotPermitted(_("Only the order's salesperson or the Sales head records the "
                             "customer's confirmation."))
    if order.status not in _CONFIRMABLE:
        raise TransitionNotAllowed(_("The customer confirms an order once it is released."))


@transaction.atomic
def customer_confirmation_record(*, order_id: int, actor, channel: str, contact_name: str = "",
                                 note: str = "", send_email: bool = True
                                 ) -> CustomerConfirmation:
    """Record the customer's confirmation (P4.2.2) and, if asked, email them the delivery
    date and progress (sent after commit).

    Raises:
        NotFound, NotPermitted (not the Sales owner), TransitionNotAllowed (not released
        or in execution), ValidationFailed (bad channel, too long, no contact email).
    """
    order = lock_order(order_id, actor)
    _checked(order, actor)
    errors = Errors()
    channel = errors.choice("channel", channel, CHANNELS)
    contact_name = errors.text("contact_name", contact_name, max_length=64)
    note = errors.text("note", note, max_length=MAX_NOTE)
    email_to = (order.contact.email or "") if order.contact_id else ""
    if send_email and not email_to:
        errors.add("send_email", _("The order's contact has no email address; record the "
                                   "confirmation without an email, or add the address."))
    errors.raise_if_any()
    subject = body = ""
    if send_email:
        template, values = _template(), email_values(order)
        subject = render_template(template.subject, values).replace("\n", " ")[:200]
        body = render_template(template.body, values)
    confirmation = CustomerConfirmation.objects.create(
        order=order, revision=current_revision(order), channel=channel,
        contact_name=contact_name, note=note, recorded_by=actor, recorded_at=clock.now(),
        email_to=email_to if send_email else "", email_subject=subject, email_body=body)
    audit.record(actor, "release.customer_confirmed", order,
                 data={"confirmation": confirmation.pk, "channel": channel,
                       "contact_name": contact_name, "email_to": confirmation.email_to})
    if send_email:
        transaction.on_commit(partial(send_customer_email.enqueue,
                                      confirmation_id=confirmation.pk))
    return confirmation


@transaction.atomic
def email_template_update(*, actor, subject: str, body: str) -> CustomerEmailTemplate:
    """The admin edits the customer email (P11); only the known placeholders are allowed.

    Raises:
        NotPermitted (not a system admin), ValidationFailed (empty, too long, unknown
        placeholder or unbalanced braces), field by field.
    """
    if not is_system_admin(actor):
        raise NotPermitted()
    errors = Errors()
    subject = errors.text("subject", subject, required=True, max_length=200)
    body = errors.text("body", body, required=True, max_length=10000)
    for field, text in (("subject", subject), ("body", body)):
        _check_placeholders(errors, field, text)
    errors.raise_if_any()
    template = CustomerEmailTemplate.objects.select_for_update().filter(pk=1).first() \
        or CustomerEmailTemplate(pk=1)
    before = {"subject": template.subject, "body": template.body}
    template.subject, template.body = subject, body
    template.updated_at, template.updated_by = clock.now(), actor
    template.save()
    audit.record(actor, "release.email_template_updated", template,
                 data={"before": before, "after": {"subject": subject, "body": body}})
    return template


def _check_placeholders(errors: Errors, field: str, text: str) -> None:
    unknown = unknown_placeholders(text)
    known = ", ".join("{" + name + "}" for name in TEMPLATE_PLACEHOLDERS)
    if unknown is None:
        errors.add(field, _("A brace is not closed; write placeholders as {name}."))
    elif unknown:
        errors.add(field, _("Unknown placeholders: %(unknown)s. Known: %(known)s.")
                   % {"unknown": ", ".join("{" + u + "}" for u in unknown), "known": known})
