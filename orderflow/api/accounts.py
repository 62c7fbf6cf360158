"""The current user: who am I (department, roles), and personal API tokens."""

import datetime as dt

from ninja import Router, Schema, Status

from orderflow.accounts.labels import DEPT_LABELS, ROLE_LABELS
from orderflow.accounts.services import api_token_create

from .schemas import ErrorOut

router = Router(tags=["accounts"])


class DepartmentOut(Schema):
    code: str
    name: str
    label: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(DEPT_LABELS.get(obj.code, obj.code))


class RoleOut(Schema):
    code: str
    label: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    name: str
    email: str
    preferred_language: str
    department: DepartmentOut | None
    roles: list[RoleOut]

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name

    @staticmethod
    def resolve_roles(obj) -> list[dict]:
        return [{"code": role, "label": str(ROLE_LABELS.get(role, role))}
                for role in sorted(obj.role_set)]


class TokenIn(Schema):
    name: str = ""


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    key: str


@router.get("", response={200: MeOut, 401: ErrorOut}, summary="The current user")
def me(request):
    return request.auth


@router.post("/tokens", response={201: TokenOut, 401: ErrorOut, 422: ErrorOut},
             summary="Create a personal API token; the key is shown only in this answer")
def create_token(request, payload: TokenIn):
    token, key = api_token_create(actor=request.auth, name=payload.name.strip())
    return Status(201, {"id": token.pk, "name": token.name, "prefix": token.prefix,
                 "created_at": token.created_at, "key": key})
