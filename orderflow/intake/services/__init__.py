"""Intake writes (P2): leads, preliminary check, customer communication, escalation."""

from .check import COMMUNICATION_STATES, communication_log, escalation_decide, order_check
from .leads import lead_assign, lead_convert, lead_create, lead_drop, lead_follow_up, lead_update

__all__ = [
    "COMMUNICATION_STATES",
    "communication_log", "escalation_decide", "lead_assign", "lead_convert", "lead_create",
    "lead_drop", "lead_follow_up", "lead_update", "order_check",
]
