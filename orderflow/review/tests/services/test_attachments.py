"""Files backing an opinion (P3.3.2): who may attach them, limits, and the report."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.review.models import OpinionAttachment
from orderflow.review.services import opinion_attachment_add
from orderflow.review.services.opinions import MAX_ATTACHMENTS_PER_OPINION
from orderflow.review.tests.support import (
    give,
    opinion_of,
    ordinary_rule,
    review_state,
    started_review,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 cost calculation"


@pytest.fixture
def review(org, customer, products):
    ordinary_rule()
    return started_review(org["salesperson"], customer, products)


def upload(name="成本测算.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_reviewer_attaches_a_file_to_the_waiting_opinion(org, review):
    finance = org["reviewers"]["finance"]["staff"]
    opinion = opinion_of(review, "finance")
    attachment = opinion_attachment_add(opinion_id=opinion.pk, actor=finance, upload=upload())
    attachment.refresh_from_db()
    assert (attachment.opinion, attachment.original_name, attachment.size,
            attachment.sha256, attachment.uploaded_by) == (
        opinion, "成本测算.pdf", len(PDF), hashlib.sha256(PDF).hexdigest(), finance)
    assert attachment.file.read() == PDF
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.data["sha256"]) == ("review.opinion_attachment_added",
                                                    attachment.sha256)
    # and the report lists it once the review concludes
    for dept in ["technology", "production", "quality", "procurement", "finance"]:
        give(review, dept, org["reviewers"][dept]["staff"])
    review.refresh_from_db()
    entry = next(o for o in review.report.content["opinions"] if o["department"] == "finance")
    assert entry["attachments"] == [{"name": "成本测算.pdf", "size": len(PDF),
                                     "sha256": hashlib.sha256(PDF).hexdigest()}]


@pytest.mark.parametrize(("file", "message"), [
    (None, "Choose a file."),
    (upload("run.exe", b"MZ"), "not accepted"),
    (upload("empty.pdf", b""), "empty"),
])
def test_bad_files_are_refused(org, review, file, message):
    before = review_state(review.order_id)
    with pytest.raises(ValidationFailed) as exc:
        opinion_attachment_add(opinion_id=opinion_of(review, "finance").pk,
                               actor=org["reviewers"]["finance"]["staff"], upload=file)
    assert message in " ".join(exc.value.errors["file"])
    assert review_state(review.order_id) == before


@override_settings(ORDERFLOW_ATTACHMENT_MAX_BYTES=10)
def test_a_file_over_the_limit_is_refused(org, review):
    before = review_state(review.order_id)
    with pytest.raises(ValidationFailed) as exc:
        opinion_attachment_add(opinion_id=opinion_of(review, "finance").pk,
                               actor=org["reviewers"]["finance"]["staff"], upload=upload())
    assert "limit" in exc.value.errors["file"][0]
    assert review_state(review.order_id) == before


def test_at_most_so_many_files_per_opinion(org, review):
    opinion = opinion_of(review, "quality")
    actor = org["reviewers"]["quality"]["staff"]
    for i in range(MAX_ATTACHMENTS_PER_OPINION):
        opinion_attachment_add(opinion_id=opinion.pk, actor=actor, upload=upload(f"{i}.pdf"))
    before = review_state(review.order_id)
    with pytest.raises(ValidationFailed):
        opinion_attachment_add(opinion_id=opinion.pk, actor=actor, upload=upload("x.pdf"))
    assert review_state(review.order_id) == before


def test_only_who_may_give_the_opinion_attaches(org, review):
    before = review_state(review.order_id)
    for actor in (org["reviewers"]["production"]["staff"], org["salesperson"]):
        with pytest.raises(NotPermitted):
            opinion_attachment_add(opinion_id=opinion_of(review, "finance").pk, actor=actor,
                                   upload=upload())
    assert review_state(review.order_id) == before


def test_no_attachment_once_the_opinion_is_given(org, review):
    give(review, "finance", org["reviewers"]["finance"]["staff"])
    before = review_state(review.order_id)
    with pytest.raises(TransitionNotAllowed):
        opinion_attachment_add(opinion_id=opinion_of(review, "finance").pk,
                               actor=org["reviewers"]["finance"]["head"], upload=upload())
    assert review_state(review.order_id) == before
    assert OpinionAttachment.objects.count() == 0
