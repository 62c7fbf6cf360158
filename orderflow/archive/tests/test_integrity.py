"""The integrity check (P9.1.1): a tampered file or row is reported; exit code 1."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from orderflow.archive.models import Dossier, DossierDocument
from orderflow.archive.services.integrity import archive_verify, dossier_verify

pytestmark = pytest.mark.django_db


def _problems(dossier):
    return {(f.document, f.problem) for f in dossier_verify(dossier)}


def test_an_intact_archive_passes(archived, capsys):
    call_command("archive_verify")
    assert "1 dossier(s) checked, 0 problem(s)." in capsys.readouterr().out


def test_changed_file_bytes_are_reported(archived, capsys):
    document = archived.dossier.documents.get(kind="contract")
    default_storage.delete(document.file.name)
    default_storage.save(document.file.name, ContentFile(b"%PDF forged"))
    assert _problems(archived.dossier) == {(document.file.name, "sha256_mismatch"),
                                           (document.file.name, "size_mismatch")}
    with pytest.raises(SystemExit) as exc:
        call_command("archive_verify", order=archived.number)
    assert exc.value.code == 1
    assert "sha256_mismatch" in capsys.readouterr().out


def test_a_missing_file_is_reported(archived):
    document = archived.dossier.documents.first()
    default_storage.delete(document.file.name)
    assert _problems(archived.dossier) == {(document.file.name, "missing_file")}


def test_changed_document_row_is_reported(archived):
    document = archived.dossier.documents.first()
    DossierDocument.objects.filter(pk=document.pk).update(sha256="0" * 64)
    assert _problems(Dossier.objects.get(pk=archived.dossier.pk)) == {
        (document.file.name, "sha256_mismatch"), ("", "manifest_mismatch")}
    DossierDocument.objects.filter(pk=document.pk).update(sha256=document.sha256, size=1)
    assert (document.file.name, "size_mismatch") in _problems(
        Dossier.objects.get(pk=archived.dossier.pk))


def test_changed_dossier_field_is_reported(archived):
    Dossier.objects.filter(pk=archived.dossier.pk).update(amount="1.00")
    assert _problems(Dossier.objects.get(pk=archived.dossier.pk)) == {
        ("", "manifest_mismatch")}
    results = list(archive_verify())
    assert [(d.pk, len(f)) for d, f in results] == [(archived.dossier.pk, 1)]
