"""Schemas of the release endpoints (P4.2): work packages, the print log, customer
confirmations and the release configuration."""

import datetime as dt

from ninja import Field, Schema

from orderflow.core import clock
from orderflow.release.domain.packages import is_late

from .schemas import UserRef
from .schemas_config import Stamped
from .schemas_review import DepartmentRef, OrderRef

# Work packages (P4.2.1, P5)


class RequirementSnapshot(Schema):
    kind: str = ""
    description: str = ""


class _PackageBase(Schema):
    id: int
    order_id: int
    department: DepartmentRef
    status: str
    status_label: str
    revision: int
    special_requirements: list[RequirementSnapshot] = Field(
        description="The order's special requirements as they were at release (P2.2.2).")
    due_date: dt.date | None
    late: bool = Field(description="Not done and past its due date.")
    released_at: dt.datetime
    started_at: dt.datetime | None
    done_at: dt.datetime | None
    blocked_reason: str
    actions: list[str] = Field(description="What you may do with it next (start, block, "
                               "unblock, complete); empty unless you work for its department.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_late(obj) -> bool:
        if hasattr(obj, "is_late"):
            return obj.is_late
        return is_late(status=obj.status, due_date=obj.due_date, today=clock.today())

    @staticmethod
    def resolve_actions(obj) -> list[str]:
        return list(getattr(obj, "actions", []))


class WorkPackageOut(_PackageBase):
    updated_by: UserRef | None


class WorkspaceItemOut(_PackageBase):
    order: OrderRef


class BlockIn(Schema):
    reason: str | None = Field(None, description="Why the work is blocked (required).")


# Printing (P4.2.1)


class PrintIn(Schema):
    sealed: bool = Field(False, description="A sealed print (seal keeper only).")


class PrintOut(Schema):
    id: int
    order_id: int
    revision: int
    copy_number: int = Field(description="0 for the original (正本), N for copy N (副本).")
    original: bool
    sealed: bool
    code: str = Field(description="Verification code; /verify/<code>/ checks a paper copy.")
    content_sha256: str
    printed_by: UserRef
    printed_at: dt.datetime
    pdf_url: str

    @staticmethod
    def resolve_original(obj) -> bool:
        return obj.copy_number == 0

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return f"/api/prints/{obj.pk}/pdf"


# Customer confirmation (P4.2.2)


class ConfirmationIn(Schema):
    channel: str | None = Field(None, description="phone, email, fax, visit, message")
    contact_name: str | None = None
    note: str | None = None
    send_email: bool = Field(True, description="Email the order's contact the progress and "
                             "delivery date (the configured template).")


class ConfirmationOut(Schema):
    id: int
    order_id: int
    revision: int
    channel: str
    contact_name: str
    note: str
    recorded_by: UserRef
    recorded_at: dt.datetime
    email_to: str
    email_subject: str
    email_body: str


# Configuration (P11)


class EmailTemplateOut(Stamped):
    subject: str
    body: str
    placeholders: list[str]


class EmailTemplateIn(Schema):
    subject: str | None = None
    body: str | None = None


class CompanyProfileOut(Stamped):
    name: str
    name_en: str
    address: str
    phone: str
    has_seal: bool
    seal_sha256: str

    @staticmethod
    def resolve_has_seal(obj) -> bool:
        return bool(obj.seal)
