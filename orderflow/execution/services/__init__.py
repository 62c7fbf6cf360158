"""Execution writes (P5). Importing this registers each department's completion guard
with orderflow.release.services.packages.COMPLETION_GUARDS."""

from orderflow.release.services.packages import COMPLETION_GUARDS

from . import finance, logistics, procurement, production, quality, technology

for _module in (production, procurement, quality, technology, logistics, finance):
    _guard = getattr(_module, "completion_blockers", None)
    if _guard is not None:
        COMPLETION_GUARDS[_module.DEPT] = _guard
