"""The lifecycle table (P1.3.1), exhaustively, without a database.

The expectation below is written out by hand from the policy, state by state: it
is NOT derived from TRANSITIONS or allowed_actions, so a slip in the table fails here.
"""

import re
from collections import deque

import pytest

from orderflow.orders.domain.lifecycle import (
    ACTIONS,
    RESUMABLE,
    RESUME,
    TERMINAL,
    TRANSITIONS,
    Actor,
    IllegalTransition,
    State,
    allowed_actions,
    is_editable,
    is_side_path_start,
    mermaid_diagram,
    resolve_target,
)

S = State
CHECK_OUTCOMES = frozenset({S.CHECKED, S.AWAITING_CUSTOMER, S.ESCALATED})

# state -> {action: target}; a frozenset target means "one of these, chosen by the service".
EXPECTED: dict[State, dict[str, object]] = {
    # P2 intake
    S.DRAFT: {"check": CHECK_OUTCOMES, "cancel": S.CANCELLED},
    S.AWAITING_CUSTOMER: {"check": CHECK_OUTCOMES, "cancel": S.CANCELLED},
    S.ESCALATED: {"accept_escalation": S.CHECKED, "decline_escalation": S.DECLINED},
    S.CHECKED: {"reopen": S.DRAFT, "start_review": S.IN_REVIEW, "cancel": S.CANCELLED},
    # P3 review
    S.IN_REVIEW: {"pass_review": S.IN_APPROVAL, "fail_review": S.REVIEW_FAILED,
                  "request_cancellation": S.CANCELLATION_REVIEW},
    S.REVIEW_FAILED: {"renegotiate": S.DRAFT, "cancel": S.CANCELLED},
    # P4.1 approval
    S.IN_APPROVAL: {"complete_approval": S.AWAITING_SIGNOFF,
                    "reject_approval": S.APPROVAL_REJECTED, "void_approval": S.DRAFT,
                    "request_cancellation": S.CANCELLATION_REVIEW},
    S.APPROVAL_REJECTED: {"renegotiate": S.DRAFT, "resubmit_approval": S.IN_APPROVAL,
                          "cancel": S.CANCELLED},
    S.AWAITING_SIGNOFF: {"reject_approval": S.APPROVAL_REJECTED, "void_approval": S.DRAFT,
                         "sign_off": S.APPROVED,
                         "request_cancellation": S.CANCELLATION_REVIEW},
    # P4.2 release, P5 execution
    S.APPROVED: {"release": S.RELEASED, "request_change": S.CHANGE_REVIEW,
                 "request_cancellation": S.CANCELLATION_REVIEW},
    S.RELEASED: {"start_execution": S.IN_EXECUTION, "request_change": S.CHANGE_REVIEW,
                 "request_cancellation": S.CANCELLATION_REVIEW},
    S.IN_EXECUTION: {"complete_execution": S.EXECUTED, "request_change": S.CHANGE_REVIEW,
                     "request_cancellation": S.CANCELLATION_REVIEW},
    S.EXECUTED: {"start_settlement": S.IN_SETTLEMENT, "request_change": S.CHANGE_REVIEW,
                 "request_cancellation": S.CANCELLATION_REVIEW},
    # P7 settlement, P9 archive
    S.IN_SETTLEMENT: {"settle": S.SETTLED},
    S.SETTLED: {"archive": S.ARCHIVED},
    # P8 side paths: back to where the request was raised
    S.CHANGE_REVIEW: {"approve_change": RESUME, "reject_change": RESUME},
    S.CANCELLATION_REVIEW: {"approve_cancellation": S.CANCELLED,
                            "reject_cancellation": RESUME},
    # terminal
    S.ARCHIVED: {},
    S.CANCELLED: {},
    S.DECLINED: {},
}

EXPECTED_NEEDS_REASON = {"accept_escalation", "decline_escalation", "reject_approval",
                         "request_change", "reject_change", "request_cancellation",
                         "reject_cancellation", "cancel"}

# Who takes the intake and closing actions (P2.3.1, P2.3.2, P3.3.3, P8.2, P9.1.1).
EXPECTED_ACTORS = {
    "check": (Actor.SALES_OWNER, "P2.3.1"),
    "accept_escalation": (Actor.MANAGEMENT, "P2.3.2"),
    "decline_escalation": (Actor.MANAGEMENT, "P2.3.2"),
    "reopen": (Actor.SALES_OWNER, "P2.3.1"),
    "cancel": (Actor.SALES_OWNER, "P3.3.3"),
    "request_cancellation": (Actor.SALES_OWNER, "P8.2.1"),
    "approve_cancellation": (Actor.APPROVER, "P8.2.3"),
    "sign_off": (Actor.SALES_HEAD, "P4.1.2"),
    "settle": (Actor.SYSTEM, "P7.2.2"),
    "archive": (Actor.ARCHIVIST, "P9.1.1"),
}

# Where a side path may resume to: the states a change or cancellation request starts from.
EXPECTED_RESUMABLE = {S.IN_REVIEW, S.IN_APPROVAL, S.AWAITING_SIGNOFF, S.APPROVED,
                      S.RELEASED, S.IN_EXECUTION, S.EXECUTED}

ALL_PAIRS = [(state, action) for state in State for action in ACTIONS]


def test_expectation_covers_every_state_and_action():
    assert set(EXPECTED) == set(State)
    assert {a for row in EXPECTED.values() for a in row} == set(ACTIONS)
    assert len(ACTIONS) == len(TRANSITIONS) == 26


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS,
                         ids=[f"{s.value}-{a}" for s, a in ALL_PAIRS])
def test_every_state_action_pair(state, action):
    expected = EXPECTED[state].get(action)
    # allowed_actions agrees with the hand-written table
    assert (action in allowed_actions(state)) is (expected is not None)
    if expected is None:
        with pytest.raises(IllegalTransition) as exc:
            resolve_target(state, action, resume_state=S.APPROVED)
        assert (exc.value.state, exc.value.action) == (state, action)
    elif isinstance(expected, frozenset):
        with pytest.raises(IllegalTransition):  # several outcomes: the service must choose
            resolve_target(state, action)
        for target in expected:
            assert resolve_target(state, action, target=target) == target
        with pytest.raises(IllegalTransition):
            resolve_target(state, action, target=S.APPROVED)
    elif expected == RESUME:
        assert resolve_target(state, action, resume_state=S.RELEASED) == S.RELEASED
    else:
        assert resolve_target(state, action) == expected
        assert resolve_target(state, action, target=expected) == expected


def test_unknown_action_is_illegal_everywhere():
    for state in State:
        assert "teleport" not in allowed_actions(state)
        with pytest.raises(IllegalTransition):
            resolve_target(state, "teleport")


@pytest.mark.parametrize("action", ["approve_change", "reject_change", "reject_cancellation"])
def test_resume_goes_back_to_where_the_side_path_started(action):
    source = ACTIONS[action].sources[0]
    assert set(RESUMABLE) == EXPECTED_RESUMABLE
    for previous in EXPECTED_RESUMABLE:
        assert resolve_target(source, action, resume_state=previous) == previous
    for bogus in (None, "", S.DRAFT, S.CANCELLED, S.ARCHIVED, S.CHANGE_REVIEW, "nowhere"):
        with pytest.raises(IllegalTransition):
            resolve_target(source, action, resume_state=bogus)


def test_resume_only_from_side_path_states():
    side_paths = {S.CHANGE_REVIEW, S.CANCELLATION_REVIEW}
    resuming = [t for t in TRANSITIONS if RESUME in t.targets]
    assert {t.action for t in resuming} == {"approve_change", "reject_change",
                                            "reject_cancellation"}
    for t in resuming:
        assert set(t.sources) <= side_paths


def test_side_path_starts():
    assert {a for a in ACTIONS if is_side_path_start(a)} == {"request_change",
                                                             "request_cancellation"}


def _successors(state: State) -> set[State]:
    """Where one step can lead; RESUME leads to any state the side path can start from."""
    found = set()
    for t in TRANSITIONS:
        if state not in t.sources:
            continue
        for target in t.targets:
            if target == RESUME:
                found |= {s for s in EXPECTED_RESUMABLE if state in _side_path_from(s)}
            else:
                found.add(State(target))
    return found


def _side_path_from(state: State) -> set[State]:
    return {State(t.targets[0]) for t in TRANSITIONS
            if state in t.sources and is_side_path_start(t.action)}


def _reachable(start: State) -> set[State]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in _successors(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def test_every_state_is_reachable_from_draft():
    assert _reachable(S.DRAFT) == set(State)


def test_terminal_states_have_no_way_out():
    assert TERMINAL == {S.ARCHIVED, S.CANCELLED, S.DECLINED}
    for state in TERMINAL:
        assert allowed_actions(state) == []


@pytest.mark.parametrize("state", sorted(set(State) - TERMINAL))
def test_every_non_terminal_state_has_a_way_out(state):
    assert allowed_actions(state)
    assert _successors(state) - {state}, f"{state} only loops on itself"
    assert _reachable(state) & TERMINAL, f"{state} can never finish"


def test_needs_reason():
    assert {a for a, t in ACTIONS.items() if t.needs_reason} == EXPECTED_NEEDS_REASON


@pytest.mark.parametrize(("action", "expected"), sorted(EXPECTED_ACTORS.items()))
def test_who_and_clause(action, expected):
    assert (ACTIONS[action].by, ACTIONS[action].clause) == expected


def test_every_transition_cites_a_clause_and_names_who():
    for t in TRANSITIONS:
        assert re.fullmatch(r"P\d+(\.\d+)*", t.clause), t
        assert isinstance(t.by, Actor)
        assert t.sources and t.targets


def test_only_draft_and_awaiting_customer_are_editable():  # P2.3.2
    assert {s for s in State if is_editable(s)} == {S.DRAFT, S.AWAITING_CUSTOMER}


def test_mermaid_diagram_draws_every_edge_from_the_table():
    diagram = mermaid_diagram()
    lines = diagram.splitlines()
    assert lines[:2] == ["stateDiagram-v2", "    [*] --> draft"]
    for state, row in EXPECTED.items():
        for action, target in row.items():
            targets = target if isinstance(target, frozenset) else {target}
            for t in targets:
                shown = "previous_state" if t == RESUME else t.value
                clause = ACTIONS[action].clause
                assert f"    {state.value} --> {shown}: {action} ({clause})" in lines
    for state in TERMINAL:
        assert f"    {state.value} --> [*]" in lines
    edge_count = sum(len(v) if isinstance(v, frozenset) else 1
                     for row in EXPECTED.values() for v in row.values())
    assert sum(1 for ln in lines if ": " in ln and "-->" in ln) == edge_count
