"""Two people archiving the same order at once: exactly one dossier (PostgreSQL)."""

import pytest

from orderflow.archive.models import Dossier
from orderflow.archive.services import order_archive
from orderflow.core.errors import TransitionNotAllowed
from orderflow.testing.race import race

from .conftest import settled_order


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_archivists_at_once_make_one_dossier(people, customer, products):
    order = settled_order(people["owner"], customer, products)
    results = race([lambda: order_archive(order_id=order.pk, actor=people["owner"]),
                    lambda: order_archive(order_id=order.pk, actor=people["archive"])])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], TransitionNotAllowed)
    assert Dossier.objects.filter(order=order).count() == 1
    assert Dossier.objects.get(order=order).number.endswith("-000001")
