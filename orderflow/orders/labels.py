"""Translatable names of the lifecycle's states and actions."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .domain.lifecycle import State

STATE_LABELS = {
    State.DRAFT: _("Draft"),
    State.AWAITING_CUSTOMER: _("Awaiting customer"),
    State.ESCALATED: _("Escalated to management"),
    State.CHECKED: _("Checked"),
    State.IN_REVIEW: _("In review"),
    State.REVIEW_FAILED: _("Review failed"),
    State.IN_APPROVAL: _("In approval"),
    State.APPROVAL_REJECTED: _("Approval rejected"),
    State.AWAITING_SIGNOFF: _("Awaiting sign-off"),
    State.APPROVED: _("Approved"),
    State.RELEASED: _("Released"),
    State.IN_EXECUTION: _("In execution"),
    State.EXECUTED: _("Executed"),
    State.IN_SETTLEMENT: _("In settlement"),
    State.SETTLED: _("Settled"),
    State.ARCHIVED: _("Archived"),
    State.CHANGE_REVIEW: _("Change under review"),
    State.CANCELLATION_REVIEW: _("Cancellation under review"),
    State.CANCELLED: _("Cancelled"),
    State.DECLINED: _("Declined"),
}

# Tabler badge colours per state, for lists and the detail header.
STATE_COLOURS = {
    State.DRAFT: "secondary", State.AWAITING_CUSTOMER: "yellow", State.ESCALATED: "orange",
    State.CHECKED: "cyan", State.IN_REVIEW: "blue", State.REVIEW_FAILED: "red",
    State.IN_APPROVAL: "indigo", State.APPROVAL_REJECTED: "red",
    State.AWAITING_SIGNOFF: "purple", State.APPROVED: "green", State.RELEASED: "teal",
    State.IN_EXECUTION: "blue", State.EXECUTED: "lime", State.IN_SETTLEMENT: "azure",
    State.SETTLED: "green", State.ARCHIVED: "dark", State.CHANGE_REVIEW: "pink",
    State.CANCELLATION_REVIEW: "pink", State.CANCELLED: "muted", State.DECLINED: "muted",
}

ACTION_LABELS = {
    "check": _("Run preliminary check"),
    "accept_escalation": _("Accept the order"),
    "decline_escalation": _("Decline the order"),
    "reopen": _("Reopen for editing"),
    "start_review": _("Start review"),
    "pass_review": _("Review passed"),
    "fail_review": pgettext_lazy("action", "Review failed"),  # the state has the same words
    "renegotiate": _("Renegotiate"),
    "complete_approval": _("Approval complete"),
    "reject_approval": _("Reject"),
    "resubmit_approval": _("Resubmit for approval"),
    "void_approval": _("Void approvals"),
    "sign_off": _("Sign off"),
    "release": _("Release"),
    "start_execution": _("Start execution"),
    "complete_execution": _("Execution complete"),
    "start_settlement": _("Start settlement"),
    "settle": _("Settle"),
    "archive": _("Archive"),
    "request_change": _("Request change"),
    "approve_change": _("Approve change"),
    "reject_change": _("Reject change"),
    "request_cancellation": _("Request cancellation"),
    "approve_cancellation": _("Approve cancellation"),
    "reject_cancellation": _("Reject cancellation"),
    "cancel": _("Cancel order"),
}
