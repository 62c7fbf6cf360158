"""Check the archive (P9.1.1): every stored document and every dossier manifest, against
its rows and the audit log; each dossier's check is recorded (the pages show it)."""

from django.core.management.base import BaseCommand

from orderflow.archive.services.integrity import archive_verify


class Command(BaseCommand):
    help = "Recompute the SHA-256 of every archived document and every dossier manifest, " \
           "compare them with the rows and the audit log, record each dossier's check; " \
           "report what no longer matches (exit code 1 if anything)."

    def add_arguments(self, parser):
        parser.add_argument("--order", help="only the dossier of this order number")

    def handle(self, *args, order=None, **options):
        checked = problems = 0
        for _dossier, findings in archive_verify(order_number=order):
            checked += 1
            for finding in findings:
                problems += 1
                where = finding.document or "(dossier record)"
                self.stdout.write(f"{finding.dossier}\t{finding.problem}\t{where}")
        self.stdout.write(f"{checked} dossier(s) checked, {problems} problem(s).")
        if problems:
            raise SystemExit(1)
