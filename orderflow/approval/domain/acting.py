"""Who may act on an approval task (P4.1): pure rules over plain facts.

- No one approves their own order (its salesperson or creator), not even as someone's
  deputy; and a deputy cannot act for the order's own salesperson or creator.
- No one acts twice on the same stage: not on two tasks of a 会签 stage (e.g. their own and,
  as deputy, someone else's), and a deputy holding their own task in the stage acts on
  that one only.
- No one acts on a stage of a request they already acted on (approved) under another
  role, in person or through a deputy.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .stages import APPROVED, LIVE


class Refusal(StrEnum):
    OWN_ORDER = "own_order"
    PRINCIPAL_OWN_ORDER = "principal_own_order"
    ACTED_ON_STAGE = "acted_on_stage"
    HOLDS_OWN_TASK = "holds_own_task"
    ACTED_ON_REQUEST = "acted_on_request"


@dataclass(frozen=True)
class TaskFacts:
    id: int
    stage_position: int
    assignee_id: int
    status: str
    acted_by_id: int | None = None
    on_behalf_of_id: int | None = None

    @property
    def persons(self) -> frozenset[int]:
        """Who took part in this task's decision: the actor and whom they acted for."""
        return frozenset(p for p in (self.acted_by_id, self.on_behalf_of_id) if p)


def refusal(*, actor_id: int, task: TaskFacts, on_behalf_of: int | None,
            owner_ids: Iterable[int], request_tasks: Iterable[TaskFacts]) -> Refusal | None:
    """Why the actor may not act on `task` (None: they may).

    `on_behalf_of` is the assignee when the actor acts as their deputy, else None;
    `request_tasks` are all tasks of the task's request (any stage, any status).
    """
    owners = frozenset(owner_ids)
    if actor_id in owners:
        return Refusal.OWN_ORDER
    if on_behalf_of is not None and on_behalf_of in owners:
        return Refusal.PRINCIPAL_OWN_ORDER
    involved = {actor_id} | ({on_behalf_of} if on_behalf_of is not None else set())
    others = [t for t in request_tasks if t.id != task.id]
    same_stage = [t for t in others if t.stage_position == task.stage_position]
    if any(t.status == APPROVED and involved & t.persons for t in same_stage):
        return Refusal.ACTED_ON_STAGE
    if on_behalf_of is not None and any(t.assignee_id == actor_id and t.status in LIVE
                                        for t in same_stage):
        return Refusal.HOLDS_OWN_TASK
    if any(t.status == APPROVED and involved & t.persons for t in others
           if t.stage_position != task.stage_position):
        return Refusal.ACTED_ON_REQUEST
    return None


def earlier_actors(request_tasks: Iterable[TaskFacts]) -> frozenset[int]:
    """Everyone who approved (or was approved for) a stage of the request: they get no
    task in a later stage of the same request."""
    return frozenset(p for t in request_tasks if t.status == APPROVED for p in t.persons)
