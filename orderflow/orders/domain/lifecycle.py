"""The order lifecycle as data (P1.3.1): every state, every action, who may take it.

Pure Python, no Django. The UI's buttons, the API's allowed actions, the state
diagram in docs/ and the exhaustive tests are all generated from TRANSITIONS.
"""

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"                              # P2.2.1 recorded, being completed
    AWAITING_CUSTOMER = "awaiting_customer"      # P2.3.2 incomplete/doubtful: asked customer
    ESCALATED = "escalated"                      # P2.3.2 poor credit / tight date: management
    CHECKED = "checked"                          # P2.3.1 passed the preliminary check
    IN_REVIEW = "in_review"                      # P3 departments review
    REVIEW_FAILED = "review_failed"              # P3.3.3 not passed: renegotiate or cancel
    IN_APPROVAL = "in_approval"                  # P4.1.1 approval chain
    APPROVAL_REJECTED = "approval_rejected"      # P4.1.1 rejected back to Sales
    AWAITING_SIGNOFF = "awaiting_signoff"        # P4.1.2 Sales head signs
    APPROVED = "approved"                        # P4.1.2 signed, ready for release
    RELEASED = "released"                        # P4.2.1 released to departments
    IN_EXECUTION = "in_execution"                # P5 departments execute
    EXECUTED = "executed"                        # P5 every work package done
    IN_SETTLEMENT = "in_settlement"              # P7 statement, invoice, collection
    SETTLED = "settled"                          # P7.2.2 collected in full
    ARCHIVED = "archived"                        # P9.1.1 archived (terminal)
    CHANGE_REVIEW = "change_review"              # P8.1 change request under review/approval
    CANCELLATION_REVIEW = "cancellation_review"  # P8.2 cancellation under review/approval
    CANCELLED = "cancelled"                      # P3.3.3 / P8.2.3 (terminal)
    DECLINED = "declined"                        # P2.3.2 management declined (terminal)


class Actor(StrEnum):
    """Who may take an action; permissions.py turns each into a rule."""

    SALES_OWNER = "sales_owner"          # the order's salesperson (or Sales head)
    SALES_HEAD = "sales_head"            # head of Sales (P4.1.2 sign-off)
    MANAGEMENT = "management"            # division leader or general manager (P2.3.2)
    REVIEWER = "reviewer"                # review participants (P3)
    APPROVER = "approver"                # the current approval step's approver (P4.1)
    DEPARTMENT = "department"            # a department executing its work package (P5)
    FINANCE = "finance"                  # Finance (P7.2.2)
    ARCHIVIST = "archivist"              # Sales or Archive (P9.1.1)
    SYSTEM = "system"                    # derived by the system, never a button


# Not a real state: the transition goes back to the state the order was in
# when the side path (change or cancellation request) started.
RESUME = "<resume>"

TERMINAL = frozenset({State.ARCHIVED, State.CANCELLED, State.DECLINED})

# Where a change or cancellation request may be raised: after approval work began.
_CHANGEABLE = (State.APPROVED, State.RELEASED, State.IN_EXECUTION, State.EXECUTED)
_CANCEL_BY_REQUEST = (State.IN_REVIEW, State.IN_APPROVAL, State.AWAITING_SIGNOFF,
                      State.APPROVED, State.RELEASED, State.IN_EXECUTION, State.EXECUTED)
_CANCEL_DIRECT = (State.DRAFT, State.AWAITING_CUSTOMER, State.CHECKED, State.REVIEW_FAILED,
                  State.APPROVAL_REJECTED)
_EDITABLE = frozenset({State.DRAFT, State.AWAITING_CUSTOMER})
# In approval the owner may still edit; a commercial edit voids the approvals (P4.1).
_APPROVAL_BOUND = frozenset({State.IN_APPROVAL, State.AWAITING_SIGNOFF})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[State, ...]
    targets: tuple[str, ...]       # usually one; a check has three outcomes
    by: Actor
    clause: str
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    # P2 intake
    Transition("check", (State.DRAFT, State.AWAITING_CUSTOMER),
               (State.CHECKED, State.AWAITING_CUSTOMER, State.ESCALATED),
               Actor.SALES_OWNER, "P2.3.1"),
    Transition("accept_escalation", (State.ESCALATED,), (State.CHECKED,),
               Actor.MANAGEMENT, "P2.3.2", needs_reason=True),
    Transition("decline_escalation", (State.ESCALATED,), (State.DECLINED,),
               Actor.MANAGEMENT, "P2.3.2", needs_reason=True),
    Transition("reopen", (State.CHECKED,), (State.DRAFT,), Actor.SALES_OWNER, "P2.3.1"),
    # P3 review
    Transition("start_review", (State.CHECKED,), (State.IN_REVIEW,),
               Actor.SALES_OWNER, "P3.1.1"),
    Transition("pass_review", (State.IN_REVIEW,), (State.IN_APPROVAL,), Actor.SYSTEM, "P3.3.3"),
    Transition("fail_review", (State.IN_REVIEW,), (State.REVIEW_FAILED,), Actor.SYSTEM,
               "P3.3.3"),
    Transition("renegotiate", (State.REVIEW_FAILED, State.APPROVAL_REJECTED), (State.DRAFT,),
               Actor.SALES_OWNER, "P3.3.3"),
    # P4.1 approval
    Transition("complete_approval", (State.IN_APPROVAL,), (State.AWAITING_SIGNOFF,),
               Actor.SYSTEM, "P4.1.1"),
    Transition("reject_approval", (State.IN_APPROVAL, State.AWAITING_SIGNOFF),
               (State.APPROVAL_REJECTED,), Actor.APPROVER, "P4.1.1", needs_reason=True),
    Transition("resubmit_approval", (State.APPROVAL_REJECTED,), (State.IN_APPROVAL,),
               Actor.SALES_OWNER, "P4.1.1"),
    Transition("void_approval", (State.IN_APPROVAL, State.AWAITING_SIGNOFF), (State.DRAFT,),
               Actor.SYSTEM, "P4.1.1"),
    Transition("sign_off", (State.AWAITING_SIGNOFF,), (State.APPROVED,), Actor.SALES_HEAD,
               "P4.1.2"),
    # P4.2 release, P5 execution
    Transition("release", (State.APPROVED,), (State.RELEASED,), Actor.SALES_HEAD, "P4.2.1"),
    Transition("start_execution", (State.RELEASED,), (State.IN_EXECUTION,), Actor.SYSTEM,
               "P5"),
    Transition("complete_execution", (State.IN_EXECUTION,), (State.EXECUTED,), Actor.SYSTEM,
               "P5"),
    # P7 settlement, P9 archive
    Transition("start_settlement", (State.EXECUTED,), (State.IN_SETTLEMENT,),
               Actor.SALES_OWNER, "P7.1.2"),
    # P7.2.2: settled by the system, in the write that completes audit + invoices + receipts.
    Transition("settle", (State.IN_SETTLEMENT,), (State.SETTLED,), Actor.SYSTEM, "P7.2.2"),
    Transition("archive", (State.SETTLED,), (State.ARCHIVED,), Actor.ARCHIVIST, "P9.1.1"),
    # P8 change and cancellation side paths
    Transition("request_change", _CHANGEABLE, (State.CHANGE_REVIEW,), Actor.SALES_OWNER,
               "P8.1.1", needs_reason=True),
    Transition("approve_change", (State.CHANGE_REVIEW,), (RESUME,), Actor.APPROVER, "P8.1.3"),
    Transition("reject_change", (State.CHANGE_REVIEW,), (RESUME,), Actor.APPROVER, "P8.1.3",
               needs_reason=True),
    Transition("request_cancellation", _CANCEL_BY_REQUEST, (State.CANCELLATION_REVIEW,),
               Actor.SALES_OWNER, "P8.2.1", needs_reason=True),
    Transition("approve_cancellation", (State.CANCELLATION_REVIEW,), (State.CANCELLED,),
               Actor.APPROVER, "P8.2.3"),
    Transition("reject_cancellation", (State.CANCELLATION_REVIEW,), (RESUME,), Actor.APPROVER,
               "P8.2.3", needs_reason=True),
    Transition("cancel", _CANCEL_DIRECT, (State.CANCELLED,), Actor.SALES_OWNER, "P3.3.3",
               needs_reason=True),
)

ACTIONS: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
# States a side path may resume to: wherever it may start from.
RESUMABLE = frozenset(_CHANGEABLE) | frozenset(_CANCEL_BY_REQUEST)


class IllegalTransition(Exception):
    def __init__(self, state: str, action: str, target: str | None = None):
        self.state, self.action, self.target = state, action, target
        super().__init__(f"{action!r} is not allowed from {state!r}"
                         + (f" to {target!r}" if target else ""))


def allowed_actions(state: str) -> list[str]:
    """Actions the table allows from a state, in table order."""
    return [t.action for t in TRANSITIONS if state in t.sources]


def resolve_target(state: str, action: str, *, target: str | None = None,
                   resume_state: str | None = None) -> State:
    """The state an action leads to from `state`.

    Raises:
        IllegalTransition: the table does not allow it (or the chosen target).
    """
    transition = ACTIONS.get(action)
    if transition is None or state not in transition.sources:
        raise IllegalTransition(state, action, target)
    if target is None:
        if len(transition.targets) != 1:
            raise IllegalTransition(state, action, target)
        target = transition.targets[0]
    elif target not in transition.targets:
        raise IllegalTransition(state, action, target)
    if target == RESUME:
        if resume_state not in RESUMABLE:
            raise IllegalTransition(state, action, resume_state)
        return State(resume_state)
    return State(target)


def is_editable(state: str) -> bool:
    """Content (lines, prices, dates, terms) may be edited directly (P2.3.2)."""
    return state in _EDITABLE


def is_approval_bound(state: str) -> bool:
    """Approvals are under way and bound to the content: editing it voids them (P4.1)."""
    return state in _APPROVAL_BOUND


def is_side_path_start(action: str) -> bool:
    return ACTIONS[action].targets[0] in (State.CHANGE_REVIEW, State.CANCELLATION_REVIEW)


def mermaid_diagram() -> str:
    """The state diagram (Mermaid) generated from the table."""
    lines = ["stateDiagram-v2", f"    [*] --> {State.DRAFT.value}"]
    for t in TRANSITIONS:
        for source in t.sources:
            for target in t.targets:
                shown = "previous_state" if target == RESUME else str(target)
                lines.append(f"    {source.value} --> {shown}: {t.action} ({t.clause})")
    lines.append("    note right of previous_state: back to the state before the request")
    for state in sorted(TERMINAL):
        lines.append(f"    {state.value} --> [*]")
    return "\n".join(lines) + "\n"
