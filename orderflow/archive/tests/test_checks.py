"""Recorded integrity checks (P9.1.1): archiving records the first, `archive_verify` and
the nightly task record the next; the order page's panel, the dossier page and the API
show the latest one ("last verified at ... intact / N problems", or not verified yet)
and never read the stored files."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import call_command
from django.test import Client
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from orderflow.archive import tasks
from orderflow.archive.models import DossierCheck
from orderflow.archive.services import integrity
from orderflow.archive.services.integrity import (
    Finding,
    archive_verify_due,
    dossier_check_record,
)
from orderflow.audit.models import AuditEvent
from orderflow.testing.race import race

from .conftest import archived_order

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def as_user(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def _checks(order) -> list[tuple[bool, list]]:
    return list(DossierCheck.objects.filter(dossier=order.dossier).order_by("id")
                .values_list("intact", "findings"))


def _forge_contract(order) -> str:
    contract = order.dossier.documents.get(kind="contract")
    default_storage.delete(contract.file.name)
    default_storage.save(contract.file.name, ContentFile(b"%PDF forged"))
    return contract.file.name


@pytest.fixture
def no_file_reads(monkeypatch):
    """Reading a stored file (or verifying one) fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a page read a stored file")

    monkeypatch.setattr(InMemoryStorage, "_open", refuse)
    monkeypatch.setattr(integrity, "_document_findings", refuse)


def test_archiving_records_the_first_check(archived):
    check = DossierCheck.objects.get(dossier=archived.dossier)
    assert (check.intact, check.findings, check.checked_at) == (
        True, [], archived.dossier.archived_at)


def test_the_command_records_each_check_and_audits_problems(archived):
    path = _forge_contract(archived)
    with pytest.raises(SystemExit):
        call_command("archive_verify")
    assert _checks(archived) == [(True, []), (False, [
        {"document": path, "problem": "sha256_mismatch"},
        {"document": path, "problem": "size_mismatch"}])]
    event = AuditEvent.objects.get(action="archive.integrity_failed")
    assert (event.object_id, event.data["problems"]) == (str(archived.dossier.pk), 2)


def test_pages_and_api_show_the_latest_check_without_reading_files(archived, people,
                                                                    no_file_reads):
    client, check = as_user(people["owner"]), DossierCheck.objects.get()
    for url in (f"/orders/{archived.pk}/", f"/archive/orders/{archived.pk}/"):
        body = client.get(url).content.decode()
        assert 'data-testid="integrity" data-intact="1"' in body
        assert "Last verified" in body and ": intact" in body
    body = client.get(f"/api/orders/{archived.pk}/dossier").json()
    verified_at = dt.datetime.fromisoformat(body["verified_at"])
    assert (body["intact"], abs(verified_at - check.checked_at) < dt.timedelta(
        milliseconds=1)) == (True, True)


def test_problems_of_the_latest_check_are_shown(archived, people, no_file_reads):
    with time_machine.travel(DAY + dt.timedelta(days=1), tick=False):
        dossier_check_record(archived.dossier, [
            Finding(archived.dossier.number, "a.pdf", "sha256_mismatch"),
            Finding(archived.dossier.number, "", "manifest_not_as_recorded")])
    client = as_user(people["owner"])
    body = client.get(f"/archive/orders/{archived.pk}/").content.decode()
    assert 'data-intact="0"' in body and ": 2 problems" in body
    api = client.get(f"/api/orders/{archived.pk}/dossier").json()
    assert (api["intact"], api["verified_at"][:10]) == (False, "2026-12-08")


def test_a_dossier_never_verified_says_so(archived, people, no_file_reads):
    DossierCheck.objects.all().delete()
    client = as_user(people["owner"])
    body = client.get(f"/archive/orders/{archived.pk}/").content.decode()
    assert 'data-intact=""' in body and "Not verified yet" in body
    api = client.get(f"/api/orders/{archived.pk}/dossier").json()
    assert (api["intact"], api["verified_at"]) == (None, None)


# The nightly run


def test_run_huey_finds_the_nightly_check():
    autodiscover_modules("tasks")
    assert tasks.schedule_archive_verify.task_class in HUEY._registry._periodic_tasks
    task = tasks.schedule_archive_verify.s()
    assert task.validate_datetime(dt.datetime(2026, 12, 8, 2, 43)) is True
    assert task.validate_datetime(dt.datetime(2026, 12, 8, 14, 43)) is False


def test_the_nightly_run_checks_the_longest_unchecked_first_a_bounded_number(
        people, customer, products, settings):
    # Given three dossiers: checked on day 1, day 3, and never
    with time_machine.travel(DAY, tick=False):
        first = archived_order(people["owner"], customer, products)
    with time_machine.travel(DAY + dt.timedelta(days=2), tick=False):
        second = archived_order(people["owner"], customer, products)
        never = archived_order(people["owner"], customer, products)
    DossierCheck.objects.filter(dossier=never.dossier).delete()
    _forge_contract(first)
    settings.ORDERFLOW_ARCHIVE_VERIFY_PER_RUN = 2
    # When the scheduler fires (the queued task runs at once in tests)
    with time_machine.travel(DAY + dt.timedelta(days=3), tick=False):
        tasks.schedule_archive_verify()
    # Then the one never checked and the one checked longest ago are, two at most
    assert [len(_checks(o)) for o in (first, second, never)] == [2, 1, 1]
    assert _checks(first)[-1][0] is False and _checks(never) == [(True, [])]
    assert AuditEvent.objects.filter(action="archive.integrity_failed",
                                     object_id=str(first.dossier.pk)).count() == 1
    with time_machine.travel(DAY + dt.timedelta(days=4), tick=False):  # second's turn
        assert archive_verify_due(limit=1) == {"checked": 1, "with_problems": 0}
    assert len(_checks(second)) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_nightly_runs_at_once_check_each_dossier_once(people, customer, products,
                                                          monkeypatch):
    orders = [archived_order(people["owner"], customer, products) for _ in range(4)]
    DossierCheck.objects.all().delete()
    # Both runs pick the same due list before either checks anything
    due, barrier = integrity._due_ids, __import__("threading").Barrier(2)

    def together(limit):
        ids = due(limit)
        barrier.wait(timeout=10)
        return ids

    monkeypatch.setattr(integrity, "_due_ids", together)
    results = race([lambda: archive_verify_due(limit=10), lambda: archive_verify_due(limit=10)])
    assert sum(r["checked"] for r in results) == 4, results
    assert [len(_checks(o)) for o in orders] == [1, 1, 1, 1]
