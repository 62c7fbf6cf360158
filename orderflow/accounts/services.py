"""Writing people: API tokens (users and roles are maintained in Django admin)."""

import hashlib
import secrets

from django.db import transaction

from orderflow.audit import services as audit
from orderflow.core import clock

from .models import ApiToken


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; the clear key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name[:64] or "api",
                                    key_hash=hashlib.sha256(key.encode()).hexdigest(),
                                    prefix=key[:8], created_at=clock.now())
    audit.record(actor, "api_token.created", token, data={"name": token.name})
    return token, key
