"""The audit chain in tests: seal what the services wrote (the worker does it every minute
in production), then verify, so a test's chain check covers its own events."""

from orderflow.audit import selectors
from orderflow.audit.models import AuditEvent
from orderflow.audit.services import seal


def verify_chain(**kwargs) -> selectors.ChainReport:
    seal()
    report = selectors.verify_chain(**kwargs)
    assert report.unsealed == 0, report
    # every event was checked, so `.ok` cannot hold over an empty or partial chain
    assert report.checked == AuditEvent.objects.count() or not report.ok, report
    return report
