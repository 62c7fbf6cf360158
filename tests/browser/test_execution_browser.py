"""In real Chromium: a Production member works a released order's package (P5.1): starts
the package, plans a task through the form and reports it 100 % done (P5.1.1-2, P5.1.4);
the task shows as done, the order page's execution panel shows the progress (P4.2.1), and
a member of another department sees the plan without its forms.

Each person works in their own browser context. Assertions use data attributes and the
database, not translated text.
"""

import datetime as dt

import pytest

from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.execution.models.production import ProductionTask, ProgressReport
from orderflow.release.domain.packages import Package
from orderflow.testing.execution import members, package_of, released_order

from .session import settle, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]







def test_production_plans_a_task_and_reports_it_done_p5_1(
        browser, live_server, salesperson, sales_head, customer, products):
    # given: an order released to Production and Quality (P4.2), one member each
    people = members("production", "quality")
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["production", "quality"])
    package = package_of(order, "production")
    assert package.status == Package.PLANNED
    line = order.lines.order_by("position").first()
    today = clock.today()
    page_url = f"{live_server.url}/work-packages/{package.pk}/"

    with signed_in(browser, live_server, people["production"].username) as page:
        # when: the member opens the package page and starts the package
        page.goto(page_url)
        header = page.locator("[data-testid=package-header]")
        assert header.get_attribute("data-package-status") == Package.PLANNED
        header.locator("[data-move=start]").click()
        page.wait_for_url(page_url)
        assert page.locator("[data-testid=package-header]").get_attribute(
            "data-package-status") == Package.IN_PROGRESS

        # and adds a task through the plan's form (P5.1.1-2)
        form = page.locator("[data-testid=task-form]")
        form.locator("#task-name").fill("焊接与总装")
        form.locator("#task-line").select_option(str(line.pk))
        form.locator("#task-qty").fill("4")
        form.locator("#task-starts").fill(today.isoformat())
        form.locator("#task-ends").fill((today + dt.timedelta(days=7)).isoformat())
        form.locator("#task-team").fill("装配二组")
        form.locator("#task-equipment").fill("焊接机器人 R2")
        form.locator("button[type=submit]").click()
        page.wait_for_url(page_url)
        settle(page)
        task = ProductionTask.objects.get(order=order)
        row = page.locator(f"tr[data-task='{task.pk}']")
        assert row.get_attribute("data-task-status") == "planned"

        # and reports the task 100 % done (P5.1.4)
        forms = page.locator(f"tr[data-task-forms='{task.pk}']")
        forms.locator("details summary").first.click()
        progress = forms.locator("[data-testid=progress-form]")
        progress.locator(f"#task-{task.pk}-quantity_done").fill("4")
        progress.locator(f"#task-{task.pk}-percent_done").fill("100")
        progress.locator(f"#task-{task.pk}-note").fill("全部完成，已送检")
        progress.locator("button[type=submit]").click()
        page.wait_for_url(page_url)

        # then: the task shows as done, at 100 %
        row = page.locator(f"tr[data-task='{task.pk}']")
        assert row.get_attribute("data-task-status") == "done"
        assert row.locator("[data-percent]").inner_text().startswith("100%")
        assert row.locator("[role=progressbar]").get_attribute("aria-valuenow") == "100"
        # a done task is not changed any more: only the progress form stays
        assert page.locator(f"tr[data-task-forms='{task.pk}'] "
                            "[data-testid=task-edit-form]").count() == 0

    task.refresh_from_db()
    assert (task.status, task.percent_done, task.quantity_done) == ("done", 100, 4)
    report = ProgressReport.objects.get(task=task)
    assert (report.percent_done, report.note, report.created_by) == (
        100, "全部完成，已送检", people["production"])
    assert {"production_task.added", "production_progress.reported"} <= set(
        AuditEvent.objects.values_list("action", flat=True))

    # then: the order page's execution panel shows Production's progress (P4.2.1)
    with signed_in(browser, live_server, salesperson.username) as page:
        page.goto(f"{live_server.url}/orders/{order.pk}/")
        panel = page.locator(f"#release-panel [data-package='{package.pk}']")
        assert panel.get_attribute("data-package-status") == Package.IN_PROGRESS
        assert panel.locator("[data-summary] [role=progressbar]").get_attribute(
            "aria-valuenow") == "100"

    # and a Quality member sees the plan but none of Production's forms
    with signed_in(browser, live_server, people["quality"].username) as page:
        page.goto(page_url)
        assert page.locator(f"tr[data-task='{task.pk}']").get_attribute(
            "data-task-status") == "done"
        assert page.locator("[data-testid=task-form]").count() == 0
        assert page.locator("[data-testid=progress-form]").count() == 0
        assert page.locator("[data-moves]").count() == 0
