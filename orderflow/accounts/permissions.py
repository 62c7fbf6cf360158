"""Who is who: predicates over departments and roles, reused by every capability's rules."""

import rules

from .domain.organisation import Dept, Role


@rules.predicate
def is_system_admin(user) -> bool:
    return bool(user and user.is_authenticated and
                (user.is_superuser or user.has_role(Role.SYSTEM_ADMIN)))


def in_department(code: Dept):
    @rules.predicate(name=f"in_{code}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.dept_code == code)

    return predicate


def has_role(role: Role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_sales = in_department(Dept.SALES)
is_marketing = in_department(Dept.MARKETING)
is_technology = in_department(Dept.TECHNOLOGY)
is_production = in_department(Dept.PRODUCTION)
is_finance = in_department(Dept.FINANCE)
is_dept_head = has_role(Role.DEPT_HEAD)
is_division_leader = has_role(Role.DIVISION_LEADER)
is_general_manager = has_role(Role.GENERAL_MANAGER)
is_management = is_division_leader | is_general_manager
is_sales_head = is_sales & is_dept_head
