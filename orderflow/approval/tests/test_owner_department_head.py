"""A dept_head approver spec with no department: the head of the subject owner's
department, or the management above when the owner is that head (used by P9.2.1)."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.services.assignees import resolve_specs
from orderflow.approval.services.engine import describe_spec
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

OWNERS_HEAD = {"kind": "dept_head", "role": "", "department": "", "user": None}


def test_the_head_of_the_owner_s_department(division_leader):
    head = make_user(Dept.QUALITY, Role.DEPT_HEAD)
    make_user(Dept.PRODUCTION, Role.DEPT_HEAD)
    staff = make_user(Dept.QUALITY, Role.STAFF)
    assert resolve_specs([OWNERS_HEAD], owner_dept=Dept.QUALITY,
                         excluded=frozenset({staff.pk})) == [[head]]


def test_a_head_as_owner_goes_to_the_division_leaders(division_leader):
    head = make_user(Dept.QUALITY, Role.DEPT_HEAD)
    other_leader = make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER)
    make_user(Dept.MANAGEMENT, Role.GENERAL_MANAGER)
    assert resolve_specs([OWNERS_HEAD], owner_dept=Dept.QUALITY,
                         excluded=frozenset({head.pk})) == [[division_leader, other_leader]]


def test_without_division_leader_the_general_manager(db):
    gm = make_user(Dept.MANAGEMENT, Role.GENERAL_MANAGER)
    head = make_user(Dept.QUALITY, Role.DEPT_HEAD)
    assert resolve_specs([OWNERS_HEAD], owner_dept=Dept.QUALITY,
                         excluded=frozenset({head.pk})) == [[gm]]
    # a department without a head: the management above decides
    assert resolve_specs([OWNERS_HEAD], owner_dept=Dept.LOGISTICS) == [[gm]]


def test_named_department_specs_are_unchanged(division_leader):
    head = make_user(Dept.FINANCE, Role.DEPT_HEAD)
    spec = {"kind": "dept_head", "role": "", "department": "finance", "user": None}
    assert resolve_specs([spec], owner_dept=Dept.QUALITY) == [[head]]


def test_described_for_people():
    from django.utils import translation

    with translation.override("en"):
        assert describe_spec(OWNERS_HEAD) == "head of the requester's department"


def test_a_chain_may_name_the_owner_s_department_head(db):
    from orderflow.approval.models import ApprovalChain
    from orderflow.approval.services import chain_save

    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN)
    seeded = ApprovalChain.objects.get(subject_kind="archive_query").steps.get()
    assert (seeded.assignee_kind, seeded.department) == ("dept_head", "")
    chain = chain_save(actor=admin, subject_kind="archive_query", name="档案查询审批",
                       steps=[{"name": "部门负责人", "assignee_kind": "dept_head",
                               "department": ""}])
    step = chain.steps.get()
    assert (step.assignee_kind, step.department) == ("dept_head", "")


def test_only_subjects_naming_their_owner_s_department_allow_it(db):
    from orderflow.approval.services import chain_save
    from orderflow.core.errors import ValidationFailed

    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN)
    with pytest.raises(ValidationFailed) as exc:
        chain_save(actor=admin, subject_kind="order", name="x", steps=[
            {"name": "x", "assignee_kind": "dept_head", "department": ""}])
    assert set(exc.value.errors) == {"steps.0.department"}


def test_everyone_in_a_department_whatever_their_role(db):
    # given Finance staff, its head and an inactive member, and someone of another dept
    staff = make_user(Dept.FINANCE, Role.STAFF, username="f1")
    head = make_user(Dept.FINANCE, Role.DEPT_HEAD, username="fh")
    gone = make_user(Dept.FINANCE, Role.STAFF, username="f2")
    gone.is_active = False
    gone.save()
    make_user(Dept.SALES, Role.STAFF, username="s1")
    spec = {"kind": "department", "department": "finance"}
    # then the spec names the active members of Finance, by id, and reads as such
    assert resolve_specs([spec]) == [[staff, head]]
    assert describe_spec(spec) == "everyone in Finance"


def test_a_department_step_names_its_department(db):
    from orderflow.approval.services import chain_save
    from orderflow.core.errors import ValidationFailed

    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN)
    with pytest.raises(ValidationFailed) as exc:
        chain_save(actor=admin, subject_kind="statement", name="x", steps=[
            {"name": "x", "assignee_kind": "department", "department": ""}])
    assert set(exc.value.errors) == {"steps.0.department"}
    chain = chain_save(actor=admin, subject_kind="statement", name="结算单审核", steps=[
        {"name": "财务审核", "assignee_kind": "department", "department": "finance",
         "mode": "any"}])
    assert [(s.assignee_kind, s.department) for s in chain.steps.all()] == [
        ("department", "finance")]
