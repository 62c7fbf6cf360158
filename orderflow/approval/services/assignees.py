"""Who a step's approver spec and CC specs (抄送) name, resolved in a constant number of
queries however many specs there are (P4.1).

A spec is {"kind": "role"|"dept_head"|"user", "role": .., "department": .., "user": id}:
- role: the active users holding the role, optionally only those of the department;
- dept_head: the department's head, as orderflow.accounts.selectors.department_head
  answers it (the head named on the department if active, else its first active user
  with the department head role);
- user: that user, if active;
- department: every active member of the department, whatever their role (e.g. Finance
  staff and the Finance head, any one of whom audits a statement).
A dept_head spec with no department names the head of the subject owner's department
(SubjectKind.owner_department); when the owner is that head (or it has none), the
division leaders, else the general manager, decide in their place.
Users come ordered by id, so "the first" of a group is the longest-standing holder.
"""

from collections import defaultdict

from orderflow.accounts.domain.organisation import Role
from orderflow.accounts.models import Department, User, UserRole

from ..models import AssigneeKind


def approver_spec(spec: dict) -> dict:
    """The approver part of a stage's spec (a step snapshot) in the common shape."""
    return {"kind": spec.get("assignee_kind"), "role": spec.get("role") or "",
            "department": spec.get("department") or "", "user": spec.get("user_id")}


def department_heads(codes) -> dict[str, User]:
    """{code: head} for the departments that have one (at most two queries)."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    heads, missing = {}, []
    for dept in Department.objects.filter(code__in=codes).select_related("head__department"):
        if dept.head_id and dept.head.is_active:
            heads[dept.code] = dept.head
        else:
            missing.append(dept.code)
    if missing:
        rows = (UserRole.objects.filter(role=Role.DEPT_HEAD, user__is_active=True,
                                        user__department__code__in=missing)
                .select_related("user__department").order_by("user_id"))
        for row in rows:
            heads.setdefault(row.user.department.code, row.user)
    return heads


def _holders(roles) -> dict[str, list[User]]:
    holders: dict[str, list[User]] = defaultdict(list)
    if roles:
        rows = (UserRole.objects.filter(role__in=sorted(roles), user__is_active=True)
                .select_related("user__department").order_by("user_id"))
        for row in rows:
            holders[row.role].append(row.user)
    return holders


def _members(codes) -> dict[str, list[User]]:
    """{code: active members by id} of the departments (one query, none without codes)."""
    members: dict[str, list[User]] = defaultdict(list)
    if codes:
        for user in (User.objects.filter(department__code__in=sorted(codes), is_active=True)
                     .select_related("department").order_by("id")):
            members[user.department.code].append(user)
    return members


def _owners_head(spec: dict) -> bool:
    return spec.get("kind") == AssigneeKind.DEPT_HEAD and not spec.get("department")


def _above_owner(head: User | None, holders, excluded: frozenset[int]) -> list[User]:
    """The owner's department head, or the first tier above them with someone eligible."""
    tiers = [[head] if head else [], holders.get(Role.DIVISION_LEADER, []),
             holders.get(Role.GENERAL_MANAGER, [])]
    for tier in tiers:
        if any(u.pk not in excluded for u in tier):
            return tier
    return []


def resolve_specs(specs: list[dict], *, owner_dept: str | None = None,
                  excluded: frozenset[int] = frozenset()) -> list[list[User]]:
    """The users each spec names, in spec order (empty list: nobody). `owner_dept` and
    `excluded` (the subject's owners) resolve dept_head specs with no department."""
    owners_head = any(_owners_head(s) for s in specs)
    roles = {s["role"] for s in specs if s.get("kind") == AssigneeKind.ROLE}
    depts = {s["department"] for s in specs
             if s.get("kind") == AssigneeKind.DEPT_HEAD and s.get("department")}
    if owners_head:
        roles |= {Role.DIVISION_LEADER.value, Role.GENERAL_MANAGER.value}
        depts |= {owner_dept} if owner_dept else set()
    user_ids = {int(s["user"]) for s in specs
                if s.get("kind") == AssigneeKind.USER and s.get("user")}
    members = _members({s["department"] for s in specs
                        if s.get("kind") == AssigneeKind.DEPARTMENT and s.get("department")})
    holders = _holders(roles)
    heads = department_heads(depts)
    users = ({u.pk: u for u in User.objects.filter(pk__in=user_ids, is_active=True)
              .select_related("department")} if user_ids else {})
    resolved = []
    for spec in specs:
        kind = spec.get("kind")
        if kind == AssigneeKind.ROLE:
            dept = spec.get("department") or ""
            found = [u for u in holders.get(spec["role"], []) if not dept or u.dept_code == dept]
        elif _owners_head(spec):
            found = _above_owner(heads.get(owner_dept or ""), holders, excluded)
        elif kind == AssigneeKind.DEPT_HEAD:
            head = heads.get(spec["department"])
            found = [head] if head else []
        elif kind == AssigneeKind.DEPARTMENT:
            found = members.get(spec.get("department") or "", [])
        elif kind == AssigneeKind.USER and spec.get("user"):
            user = users.get(int(spec["user"]))
            found = [user] if user else []
        else:
            found = []
        resolved.append(found)
    return resolved
