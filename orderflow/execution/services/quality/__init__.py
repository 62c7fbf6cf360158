"""Quality execution services (P5.3, P5.4.2): the inspection plan, inspection records, the
inspection report for passed product (inspections), the nonconformance notice for failed
product followed to closure: cause, corrective action, passed re-inspection
(nonconformance), and concessions that let a quantity ship without a passed final
inspection, with the package's completion guard (concessions).

Recipe of every write: validate the input, lock the order then the Quality package, check
who, validate what the input refers to (all field errors at once), check the state, write,
audit, notify. Nothing is written when anything fails.
"""

from ._common import DEPT
from .concessions import (
    completion_blockers,
    concession_decide,
    concession_request,
    lines_with_cover,
)
from .inspections import (
    inspection_plan_item_add,
    inspection_record_add,
    inspection_report_issue,
    inspection_report_render,
    render_report_pdf,
)
from .nonconformance import nonconformance_action, nonconformance_close, nonconformance_issue

__all__ = [
    "DEPT", "completion_blockers", "concession_decide", "concession_request",
    "inspection_plan_item_add", "inspection_record_add", "inspection_report_issue",
    "inspection_report_render", "lines_with_cover", "nonconformance_action",
    "nonconformance_close", "nonconformance_issue", "render_report_pdf",
]
