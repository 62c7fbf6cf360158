"""What an approval is about: a registry keyed by subject kind (pure Python).

The engine (chains, stages, tasks, delegation, CC, deadlines) is the same for every
subject; what differs lives here: the facts its step conditions read, whose subject it
is (they never approve it), the content its approvals are bound to, what happens
when it is approved or rejected, and where its approvers read it and what amount they
decide on (notifications, the inbox). "order" (P4.1) is registered by the approval
services; change and cancellation requests (P8) and archive queries (P9.2) register their
own.

Every approval request belongs to one order (an order, a change of it, a query of its
archive), so each callable receives the locked order and the subject's id.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectKind:
    kind: str
    # (order, subject_id) -> facts for the step conditions (see conditions.CONDITION_FIELDS)
    facts: Callable[..., Mapping]
    # (order, subject_id) -> ids of the people whose subject it is (never its approvers)
    owner_ids: Callable[..., frozenset[int]]
    # (order, subject_id) -> sha256 of the content the approvals are bound to
    content_hash: Callable[..., str]
    # (order, subject_id) -> None; raises (TransitionNotAllowed) unless the subject is in
    # approval: a round may start and its tasks may be acted on only then
    check_in_approval: Callable[..., None]
    # (*, order, request, actor, on_behalf_of) -> None, in the approving transaction
    on_approved: Callable[..., None]
    # (*, order, request, actor, reason, on_behalf_of) -> None, in the rejecting transaction
    on_rejected: Callable[..., None]
    # (*, order, request, actor, reason) -> None: the approvals no longer bind the content
    on_voided: Callable[..., None]
    # (order, subject_id) -> code of the owner's department, or None. An approver spec
    # "dept_head" with no department names the head of that department (and, when the
    # owner is that head, the management above them: division leaders, else the GM).
    owner_department: Callable[..., str | None] | None = None
    # (order, subject_id) -> the path of the page where the approvers read the subject and
    # act on it, for notifications and the inbox; no query. None: the order's page.
    url: Callable[..., str] | None = None
    # ([(order, subject_id), ...]) -> {subject_id: (amount, currency)}: what the approvers
    # decide on, for lists (at most one query for all). None, or an id left out: no amount.
    amounts: Callable[..., Mapping[int, tuple]] | None = None
    # ([(order, subject_id), ...]) -> {subject_id: owner ids}: owner_ids for a list (the
    # inbox), at most one query for all. None: owner_ids is asked for each (no query).
    owners_many: Callable[..., Mapping[int, frozenset[int]]] | None = None


SUBJECTS: dict[str, SubjectKind] = {}


def register_subject(subject: SubjectKind) -> SubjectKind:
    SUBJECTS[subject.kind] = subject
    return subject


def subject_url(kind: str, order, subject_id: int) -> str:
    """Where the approvers of a subject read it and act on it (the order's page unless its
    kind says otherwise)."""
    subject = SUBJECTS.get(kind)
    if subject is not None and subject.url is not None:
        return subject.url(order, subject_id)
    return f"/orders/{order.pk}/"


def subject_kind(kind: str) -> SubjectKind:
    """The registered subject kind.

    Raises:
        KeyError: nothing registered under that name.
    """
    return SUBJECTS[kind]
