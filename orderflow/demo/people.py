"""The demo company's people: one login per department and role, password demo12345."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from orderflow.accounts.domain.organisation import DEPT_NAMES_ZH, Dept, Role
from orderflow.accounts.models import Department, User, UserRole

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo logins


@dataclass(frozen=True)
class DemoLogin:
    username: str
    dept: Dept
    roles: tuple[Role, ...]
    admin: bool = False


def _dept_logins(dept: Dept, prefix: str, staff: int = 1) -> list[DemoLogin]:
    people = [DemoLogin(f"{prefix}{i}", dept, (Role.STAFF,)) for i in range(1, staff + 1)]
    return [*people, DemoLogin(f"{prefix}head", dept, (Role.DEPT_HEAD,))]


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    *_dept_logins(Dept.SALES, "sales", staff=3),
    *_dept_logins(Dept.MARKETING, "marketing"),
    *_dept_logins(Dept.PRODUCTION, "production"),
    *_dept_logins(Dept.TECHNOLOGY, "technology"),
    *_dept_logins(Dept.QUALITY, "quality"),
    *_dept_logins(Dept.PROCUREMENT, "procurement"),
    DemoLogin("finance1", Dept.FINANCE, (Role.STAFF,)),
    # The Finance head also keeps the company seal (issues sealed prints, P4.2.1).
    DemoLogin("financehead", Dept.FINANCE, (Role.DEPT_HEAD, Role.SEAL_KEEPER)),
    *_dept_logins(Dept.LOGISTICS, "logistics"),
    *_dept_logins(Dept.ARCHIVE, "archive"),
    DemoLogin("leader", Dept.MANAGEMENT, (Role.DIVISION_LEADER,)),
    DemoLogin("gm", Dept.MANAGEMENT, (Role.GENERAL_MANAGER,)),
    DemoLogin("admin", Dept.MANAGEMENT, (Role.SYSTEM_ADMIN,), admin=True),
)

_ROLE_NAMES = {Role.STAFF: "staff", Role.DEPT_HEAD: "department head",
               Role.DIVISION_LEADER: "division leader", Role.GENERAL_MANAGER: "general manager",
               Role.SYSTEM_ADMIN: "system admin (Django admin)",
               Role.SEAL_KEEPER: "seal keeper"}


def logins_table() -> str:
    """A short table of the demo logins (no database needed)."""
    rows = [("username", "role", "department")]
    for login in DEMO_LOGINS:
        role = ", ".join(_ROLE_NAMES[r] for r in login.roles)
        rows.append((login.username, role, f"{DEPT_NAMES_ZH[login.dept]} {login.dept.title()}"))
    width = [max(len(r[i]) for r in rows) + 2 for i in range(2)]
    return "\n".join(f"    {u:<{width[0]}}{r:<{width[1]}}{d}" for u, r, d in rows)


def create_people(fake) -> dict[str, User]:
    """Every demo user with a Chinese name; department heads are set on their department."""
    departments = {d.code: d for d in Department.objects.all()}
    password = make_password(DEMO_PASSWORD)  # hashed once: the same demo password for all
    names = iter(_unique_names(fake, len(DEMO_LOGINS)))
    users = {}
    for login in DEMO_LOGINS:
        users[login.username] = User.objects.create(
            username=login.username, password=password, full_name=next(names),
            email=f"{login.username}@demo.orderflow.example",
            phone=fake.phone_number(), department=departments[login.dept],
            is_staff=login.admin, is_superuser=login.admin)
    UserRole.objects.bulk_create([UserRole(user=users[login.username], role=role)
                                  for login in DEMO_LOGINS for role in login.roles])
    for login in DEMO_LOGINS:
        if Role.DEPT_HEAD in login.roles or login.username == "gm":
            Department.objects.filter(code=login.dept).update(head=users[login.username])
    return users


def _unique_names(fake, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = fake.name()
        if name not in names:
            names.append(name)
    return names
