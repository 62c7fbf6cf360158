"""People (P1.3.2, P11): one department, several roles; API tokens stored only hashed."""

import hashlib

import pytest

from orderflow.accounts.domain.organisation import DEPT_NAMES_ZH, Dept, Role
from orderflow.accounts.models import Department, UserRole
from orderflow.accounts.permissions import is_management, is_sales_head
from orderflow.accounts.selectors import user_for_api_token, users_with
from orderflow.accounts.services import api_token_create
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_ten_departments_of_the_policy_are_seeded():
    assert set(Department.objects.values_list("code", flat=True)) == set(Dept)
    assert Department.objects.get(code=Dept.ARCHIVE).name == DEPT_NAMES_ZH[Dept.ARCHIVE]


def test_several_roles_and_one_department():
    user = make_user(Dept.SALES, Role.DEPT_HEAD, Role.DIVISION_LEADER)
    assert user.dept_code == Dept.SALES
    assert user.has_role(Role.DEPT_HEAD) and user.has_role(Role.DIVISION_LEADER)
    assert not user.has_role(Role.GENERAL_MANAGER)
    assert is_sales_head(user) and is_management(user)


def test_roles_are_loaded_once_per_user_object(django_assert_num_queries):
    user = make_user(Dept.PRODUCTION, Role.STAFF)
    user._role_cache = None
    with django_assert_num_queries(1):
        assert user.has_role(Role.STAFF)
        assert not user.has_role(Role.DEPT_HEAD)


def test_a_dept_head_of_another_department_is_not_the_sales_head():
    assert not is_sales_head(make_user(Dept.PRODUCTION, Role.DEPT_HEAD))


def test_users_with_roles_or_department():
    leader = make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username="leader")
    gm = make_user(Dept.MANAGEMENT, Role.GENERAL_MANAGER, Role.DIVISION_LEADER, username="gm")
    make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username="retired", is_active=False)
    seller = make_user(Dept.SALES, Role.STAFF, username="seller")
    assert list(users_with(roles=[Role.DIVISION_LEADER, Role.GENERAL_MANAGER])) == [leader, gm]
    assert list(users_with(dept=Dept.SALES)) == [seller]
    assert list(users_with(roles=[Role.GENERAL_MANAGER], dept=Dept.SALES)) == []


def test_api_token_is_shown_once_and_stored_hashed(salesperson):
    token, key = api_token_create(actor=salesperson, name="ERP 对接")
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, token.name} and token.prefix == key[:8]
    assert user_for_api_token(key) == salesperson
    assert user_for_api_token(key + "x") is None
    event = AuditEvent.objects.get(action="api_token.created")
    assert (event.actor, event.data) == (salesperson, {"name": "ERP 对接"})


def test_revoked_tokens_and_inactive_users_are_refused(salesperson):
    token, key = api_token_create(actor=salesperson, name="t")
    token.revoked_at = clock.now()
    token.save()
    assert user_for_api_token(key) is None
    _, other_key = api_token_create(actor=salesperson, name="t2")
    salesperson.is_active = False
    salesperson.save()
    assert user_for_api_token(other_key) is None
    assert UserRole.objects.filter(user=salesperson).exists()
