"""Review, approval and release records change only through their services (which lock,
validate and audit): their Django admin pages read, never add, change or delete."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

MODELS = ["approval/approvalchain", "approval/approvalrequest", "approval/signoff",
          "review/review", "review/reviewopinion", "review/reviewreport",
          "release/workpackage", "release/orderprint", "release/releaseroute"]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_but_cannot_add(client, model):
    # given a superuser in the Django admin
    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="root", is_staff=True,
                      is_superuser=True)
    client.force_login(admin)

    # then the list is shown, the add page is refused
    assert client.get(f"/admin/{model}/").status_code == 200
    assert client.get(f"/admin/{model}/add/").status_code == 403
