"""How a stage decides and who may act (P4.1): pure rules, every case, no database."""

import pytest

from orderflow.approval.domain.acting import Refusal, TaskFacts, earlier_actors, refusal
from orderflow.approval.domain.stages import (
    closes_others_on_completion,
    pick_assignees,
    stage_complete,
    stage_timing,
)


@pytest.mark.parametrize(("mode", "expected"), [
    ("single", [3]), ("all", [3, 1, 2]), ("any", [3, 1, 2])])
def test_pick_assignees(mode, expected):
    assert pick_assignees(mode, [3, 1, 3, 2]) == expected


def test_pick_assignees_of_nobody():
    assert pick_assignees("single", []) == []


@pytest.mark.parametrize(("mode", "statuses", "complete"), [
    ("single", ["pending"], False),
    ("single", ["approved"], True),
    ("any", ["pending", "pending"], False),
    ("any", ["pending", "approved"], True),
    ("all", ["approved", "pending"], False),
    ("all", ["approved", "approved"], True),
    # returned, closed or voided tasks are history, not part of the current decision
    ("all", ["returned", "approved", "approved"], True),
    ("all", ["returned"], False),
    ("any", ["closed", "voided"], False),
    ("single", [], False),
])
def test_stage_complete(mode, statuses, complete):
    assert stage_complete(mode, statuses) is complete


def test_any_and_single_close_the_others_all_does_not():
    assert [closes_others_on_completion(m) for m in ("single", "any", "all")] == \
        [True, True, False]


@pytest.mark.parametrize(("hours", "timing"), [
    (0, (0, 0)), (1, (0, 1)), (4, (1, 2)), (8, (2, 4)), (16, (2, 8)), (40, (2, 20))])
def test_stage_timing(hours, timing):
    assert stage_timing(hours) == timing


# -- who may act ----------------------------------------------------------------------
OWNER, CREATOR, A, B, D, E = 1, 2, 10, 11, 20, 21


def t(id_, position, assignee, status="pending", by=None, for_=None):
    return TaskFacts(id_, position, assignee, status, by, for_)


CASES = [
    # (description, actor, task, on_behalf_of, request tasks, expected)
    ("assignee", A, t(1, 1, A), None, [t(1, 1, A)], None),
    ("deputy", D, t(1, 1, A), A, [t(1, 1, A)], None),
    ("salesperson holding the task", OWNER, t(1, 1, OWNER), None, [t(1, 1, OWNER)],
     Refusal.OWN_ORDER),
    ("creator as deputy for someone", CREATOR, t(1, 1, A), A, [t(1, 1, A)],
     Refusal.OWN_ORDER),
    ("deputy for the salesperson", D, t(1, 1, OWNER), OWNER, [t(1, 1, OWNER)],
     Refusal.PRINCIPAL_OWN_ORDER),
    ("会签: deputy already acted for another member", D, t(2, 1, B), B,
     [t(1, 1, A, "approved", D, A), t(2, 1, B)], Refusal.ACTED_ON_STAGE),
    ("会签: acted on own task, now as deputy", D, t(2, 1, A), A,
     [t(1, 1, D, "approved", D), t(2, 1, A)], Refusal.ACTED_ON_STAGE),
    ("会签: deputy holding own pending task", D, t(2, 1, A), A,
     [t(1, 1, D), t(2, 1, A)], Refusal.HOLDS_OWN_TASK),
    ("会签: own task after acting as deputy is refused by the stage rule", D, t(1, 1, D),
     None, [t(1, 1, D), t(2, 1, A, "approved", D, A)], Refusal.ACTED_ON_STAGE),
    ("会签: another member acted", B, t(2, 1, B), None,
     [t(1, 1, A, "approved", A), t(2, 1, B)], None),
    ("approved step 1 under another role", A, t(2, 2, A), None,
     [t(1, 1, A, "approved", A), t(2, 2, A)], Refusal.ACTED_ON_REQUEST),
    ("approved step 1 for A, now step 2 as self", D, t(2, 2, D), None,
     [t(1, 1, A, "approved", D, A), t(2, 2, D)], Refusal.ACTED_ON_REQUEST),
    ("A's deputy approved step 1; A acts on step 2", A, t(2, 2, A), None,
     [t(1, 1, A, "approved", D, A), t(2, 2, A)], Refusal.ACTED_ON_REQUEST),
    ("deputy for someone who approved step 1", D, t(2, 2, A), A,
     [t(1, 1, A, "approved", A), t(2, 2, A)], Refusal.ACTED_ON_REQUEST),
    ("a returned approval does not count", A, t(3, 1, A), None,
     [t(1, 1, A, "returned", A), t(2, 2, B, "returned", B), t(3, 1, A)], None),
    ("a closed task does not count", B, t(2, 2, B), None,
     [t(1, 1, B, "closed"), t(2, 2, B)], None),
]


@pytest.mark.parametrize(("actor", "task", "on_behalf_of", "tasks", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refusal(actor, task, on_behalf_of, tasks, expected):
    assert refusal(actor_id=actor, task=task, on_behalf_of=on_behalf_of,
                   owner_ids={OWNER, CREATOR}, request_tasks=tasks) == expected


def test_earlier_actors_are_who_approved_in_person_or_through_a_deputy():
    tasks = [t(1, 1, A, "approved", D, A), t(2, 2, B, "approved", B), t(3, 2, E, "closed"),
             t(4, 3, E, "returned", E)]
    assert earlier_actors(tasks) == {A, B, D}
