"""The JSON API under /api/: OpenAPI at /api/openapi.json, docs at /api/docs."""

from .base import api
from .routers import register_routers

register_routers(api)

__all__ = ["api"]
