"""Review writes (P3): start a round, give opinions, conclude, the report, configuration."""

from .conclude import review_conclude
from .config import major_rule_update, review_route_set, review_time_limit_set
from .opinions import opinion_attachment_add, opinion_submit
from .report import report_render
from .start import review_start, start_review_action

__all__ = ["major_rule_update", "opinion_attachment_add", "opinion_submit", "report_render",
           "review_conclude", "review_route_set", "review_start", "review_time_limit_set",
           "start_review_action"]
