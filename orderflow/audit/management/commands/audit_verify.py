"""Verify the audit hash chain; exit 1 naming the first broken event."""

from django.core.management.base import BaseCommand, CommandError

from orderflow.audit.selectors import verify_chain
from orderflow.audit.services import seal


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first broken entry."

    def handle(self, *args, **options):
        seal()  # what was written until now is chained first
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at event #{report.first_broken_seq}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
        if report.unsealed:
            self.stdout.write(f"{report.unsealed} events written since are not sealed yet.")
