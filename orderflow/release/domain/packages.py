"""A department's work package (P4.2.1, P5): its small state machine, and the progress
summary Sales tells the customer (P4.2.2). Pure Python, no Django."""

import string
from collections.abc import Iterable
from enum import StrEnum


class Package(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"


class PackageAction(StrEnum):
    START = "start"
    BLOCK = "block"
    UNBLOCK = "unblock"
    COMPLETE = "complete"


# The departments a released order may be handed to (P4.2.1, P5.1-P5.4).
PACKAGE_DEPARTMENTS = ("production", "procurement", "quality", "technology", "logistics",
                       "finance")

# (action, from state) -> to state. Unblocking returns to where the package was: in
# progress once started, else planned (see package_target).
_TABLE: dict[tuple[PackageAction, Package], Package] = {
    (PackageAction.START, Package.PLANNED): Package.IN_PROGRESS,
    (PackageAction.BLOCK, Package.PLANNED): Package.BLOCKED,
    (PackageAction.BLOCK, Package.IN_PROGRESS): Package.BLOCKED,
    (PackageAction.UNBLOCK, Package.BLOCKED): Package.IN_PROGRESS,
    (PackageAction.COMPLETE, Package.IN_PROGRESS): Package.DONE,
}


class IllegalPackageTransition(Exception):
    def __init__(self, state: str, action: str):
        self.state, self.action = state, action
        super().__init__(f"{action!r} is not allowed from {state!r}")


def package_target(state: str, action: str, *, started: bool = False) -> Package:
    """The state a package action leads to.

    Raises:
        IllegalPackageTransition: not allowed from `state` (or unknown action/state).
    """
    try:
        key = (PackageAction(action), Package(state))
    except ValueError as exc:
        raise IllegalPackageTransition(state, action) from exc
    if key not in _TABLE:
        raise IllegalPackageTransition(state, action)
    if key[0] == PackageAction.UNBLOCK and not started:
        return Package.PLANNED
    return _TABLE[key]


def package_actions(state: str) -> list[str]:
    """The actions allowed from a state, in table order (the UI's buttons)."""
    return [action.value for action, source in _TABLE if source == state]


def needs_reason(action: str) -> bool:
    return action == PackageAction.BLOCK


def is_late(*, status: str, due_date, today) -> bool:
    """Not done and the due date has passed (the workspace shows it first)."""
    return status != Package.DONE and due_date is not None and due_date < today


def progress_summary_zh(statuses: Iterable[str]) -> str:
    """One line in Chinese for the customer (P4.2.2), e.g. "6 个部门中 2 个已完成，3 个进行中"."""
    statuses = list(statuses)
    if not statuses:
        return "订单尚未下达到各部门"
    count = {state: sum(1 for s in statuses if s == state) for state in Package}
    text = (f"{len(statuses)} 个部门中 {count[Package.DONE]} 个已完成，"
            f"{count[Package.IN_PROGRESS]} 个进行中")
    if count[Package.BLOCKED]:
        text += f"，{count[Package.BLOCKED]} 个暂停处理中"
    if count[Package.PLANNED]:
        text += f"，{count[Package.PLANNED]} 个待开始"
    return text


def date_zh(value) -> str:
    """2026年1月24日; 待定 when there is no date."""
    if value is None:
        return "待定"
    return f"{value.year}年{value.month}月{value.day}日"


# -- the email to the customer (P4.2.2) ---------------------------------------------

TEMPLATE_PLACEHOLDERS = ("order_number", "customer", "contact", "delivery_date", "progress",
                         "salesperson", "company")


def unknown_placeholders(text: str) -> list[str] | None:
    """Placeholders in `text` that the template does not know, in order of appearance;
    None if the braces do not parse (a lone "{" or "}")."""
    unknown: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        # Only plain {name}: a conversion or format spec could fail when rendered.
        shown = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        if (shown != field or field not in TEMPLATE_PLACEHOLDERS) and shown not in unknown:
            unknown.append(shown)
    return unknown


def render_template(text: str, values: dict[str, str]) -> str:
    """The template with its placeholders filled (validated beforehand)."""
    return text.format_map({name: values.get(name, "") for name in TEMPLATE_PLACEHOLDERS})
