"""Lead pages (P2.1.2, P2.1.3): list, capture, lead page with its forms, edit, 404/403."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.intake.models import Lead, LeadFollowUp
from orderflow.intake.services import lead_assign, lead_create, lead_drop, lead_follow_up
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer():
    return make_user(Dept.MARKETING, Role.STAFF, username="mkt1", full_name="赵敏")


@pytest.fixture
def other_sales():
    return make_user(Dept.SALES, Role.STAFF, username="sales2", full_name="刘洋")


def browser(client, user):
    """A logged-in client that asks for English pages."""
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def lead_fields(**overrides) -> dict:
    data = {"channel": "campaign", "source_detail": "春季新品推广邮件",
            "company_name": "无锡华泰机电有限公司", "contact_name": "周工",
            "contact_phone": "13700001111", "contact_email": "", "need": "询价：电机控制柜 5 台",
            "estimated_amount": "120000"}
    data.update(overrides)
    return data


@pytest.fixture
def lead(marketer, sales_head, salesperson):
    captured = lead_create(actor=marketer, **lead_fields())
    return lead_assign(lead_id=captured.pk, actor=sales_head, assigned_to_id=salesperson.pk)


# --- list --------------------------------------------------------------------------------

def test_list_shows_only_visible_leads(client, lead, marketer, other_sales, salesperson):
    hidden = lead_create(actor=marketer, assigned_to_id=None,
                         **lead_fields(company_name="常州新能源科技"))
    response = browser(client, salesperson).get("/leads/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-lead="{lead.number}"' in html
    assert f'data-lead="{hidden.number}"' not in html


@pytest.mark.parametrize(("query", "shown"), [
    ("?mine=1", ["LD-A"]),
    ("?status=new", ["LD-B"]),
    ("?channel=trade_show", ["LD-B"]),
    ("?q=华泰", ["LD-A"]),
    ("?status=bogus&channel=nope", ["LD-A", "LD-B"]),
])
def test_list_filters(client, lead, sales_head, marketer, query, shown):
    other = lead_create(actor=marketer, **lead_fields(company_name="常州新能源科技",
                                                      channel="trade_show"))
    numbers = {"LD-A": lead.number, "LD-B": other.number}
    lead_assign(lead_id=lead.pk, actor=sales_head, assigned_to_id=sales_head.pk)
    html = browser(client, sales_head).get("/leads/" + query).content.decode()
    assert [key for key, number in numbers.items() if f'data-lead="{number}"' in html] == shown


def test_list_pages_with_a_bounded_number_of_queries(client, marketer, salesperson,
                                                     other_sales,
                                                     django_assert_max_num_queries):
    # Assignees vary per row: a query per row would exceed the bound.
    for i in range(30):
        lead_create(actor=marketer, assigned_to_id=(salesperson, other_sales)[i % 2].pk,
                    **lead_fields(company_name=f"客户{i:02d}"))
    browser(client, marketer)
    with django_assert_max_num_queries(12):  # the nav asks for the roles and prices (P9.2.2)
        first = client.get("/leads/").content.decode()
    second = client.get("/leads/?page=2").content.decode()
    assert (first.count("data-lead="), second.count("data-lead=")) == (25, 5)
    assert '<a class="page-link" href="?page=2">' in first  # a whole page, no htmx swap
    assert "客户29" in first and "客户04" in second


# --- capture -----------------------------------------------------------------------------

def test_capture_a_lead_and_assign_it(client, marketer, salesperson):
    page = browser(client, marketer).get("/leads/new/").content.decode()
    assert 'name="assigned_to_id"' in page and 'value="trade_show"' in page

    response = client.post("/leads/new/", {**lead_fields(), "assigned_to_id": salesperson.pk})

    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/leads/{lead.pk}/"
    assert (lead.channel, lead.source_detail, lead.company_name, lead.status,
            lead.assigned_to_id, lead.created_by_id) == (
        "campaign", "春季新品推广邮件", "无锡华泰机电有限公司", "assigned", salesperson.pk,
        marketer.pk)


def test_capture_with_errors_re_renders_field_by_field(client, marketer):
    response = browser(client, marketer).post("/leads/new/", lead_fields(
        channel="telepathy", contact_phone="", contact_email="", company_name="", need="保留"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-for="channel"' in html and "Select a valid choice." in html
    assert 'data-error-for="contact_phone"' in html
    assert "Give a phone number or an email address." in html
    assert 'data-error-for="company_name"' in html
    assert ">保留</textarea>" in html  # what the user typed stays
    assert Lead.objects.count() == 0


def test_salesperson_may_capture_but_not_assign(client, salesperson, other_sales):
    page = browser(client, salesperson).get("/leads/new/").content.decode()
    assert 'name="assigned_to_id"' not in page
    client.post("/leads/new/", {**lead_fields(), "assigned_to_id": other_sales.pk})
    lead = Lead.objects.get()
    assert (lead.status, lead.assigned_to_id, lead.created_by_id) == ("new", None,
                                                                      salesperson.pk)


# --- the lead page -----------------------------------------------------------------------

def test_lead_page_for_the_assignee(client, lead, salesperson):
    lead_follow_up(lead_id=lead.pk, actor=salesperson, note="已寄送样本", next_action_on=None)
    html = browser(client, salesperson).get(f"/leads/{lead.pk}/").content.decode()
    assert "无锡华泰机电有限公司" in html and "春季新品推广邮件" in html
    assert "已寄送样本" in html
    assert f'href="/orders/new/?lead={lead.pk}"' in html
    assert 'data-testid="follow-up-form"' in html and 'data-testid="drop-form"' in html
    assert 'data-testid="assign-form"' not in html
    assert [e in html for e in ('data-event="lead.created"', 'data-event="lead.assigned"',
                                'data-event="lead.followed_up"')] == [True, True, True]


def test_lead_page_for_marketing_offers_assignment_only(client, lead, marketer):
    html = browser(client, marketer).get(f"/leads/{lead.pk}/").content.decode()
    assert 'data-testid="assign-form"' in html
    for absent in ('data-testid="follow-up-form"', 'data-testid="drop-form"',
                   'data-testid="convert-lead"'):
        assert absent not in html


def test_follow_up_from_the_page(client, lead, salesperson):
    response = browser(client, salesperson).post(
        f"/leads/{lead.pk}/follow-up/",
        {"note": "客户要求下周报价", "next_action_on": "2030-01-08"})
    assert response.status_code == 302
    entry = LeadFollowUp.objects.get()
    assert (entry.note, str(entry.next_action_on), entry.author_id) == (
        "客户要求下周报价", "2030-01-08", salesperson.pk)


def test_assign_from_the_page(client, lead, sales_head, other_sales):
    response = browser(client, sales_head).post(f"/leads/{lead.pk}/assign/",
                                                {"assigned_to_id": other_sales.pk})
    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).assigned_to_id == other_sales.pk


def test_drop_without_reason_re_renders_with_the_message(client, lead, salesperson):
    events = AuditEvent.objects.count()
    response = browser(client, salesperson).post(f"/leads/{lead.pk}/drop/", {"reason": "  "})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-for="reason"' in html and "This field is required." in html
    assert (Lead.objects.get(pk=lead.pk).status, AuditEvent.objects.count()) == (
        "assigned", events)


def test_drop_with_reason_closes_the_lead(client, lead, salesperson):
    response = browser(client, salesperson).post(f"/leads/{lead.pk}/drop/",
                                                 {"reason": "客户项目取消"})
    assert response.status_code == 302
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'data-status="dropped"' in html and "客户项目取消" in html
    assert 'data-testid="drop-form"' not in html and 'data-testid="convert-lead"' not in html


def test_action_on_a_closed_lead_shows_why(client, lead, salesperson):
    lead_drop(lead_id=lead.pk, actor=salesperson, reason="重复")
    response = browser(client, salesperson).post(f"/leads/{lead.pk}/follow-up/",
                                                 {"note": "再联系"}, follow=True)
    assert "A closed lead cannot be followed up." in response.content.decode()
    assert LeadFollowUp.objects.count() == 0


def test_edit_page(client, lead, marketer):
    page = browser(client, marketer).get(f"/leads/{lead.pk}/edit/").content.decode()
    assert 'value="无锡华泰机电有限公司"' in page
    response = client.post(f"/leads/{lead.pk}/edit/", lead_fields(contact_name="周经理"))
    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).contact_name == "周经理"


def test_edit_shows_labels_in_the_history(client, lead, marketer):
    browser(client, marketer).post(f"/leads/{lead.pk}/edit/", lead_fields(
        channel="trade_show", estimated_amount="150000"))
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "channel:</span> Marketing campaign → Trade show</li>" in html
    assert "estimated amount:</span> ¥120,000.00 → ¥150,000.00</li>" in html


# --- what a user may not see or do ---------------------------------------------------------

@pytest.mark.parametrize(("method", "url"), [
    ("get", "/leads/{pk}/"), ("get", "/leads/{pk}/edit/"), ("post", "/leads/{pk}/drop/"),
    ("post", "/leads/{pk}/follow-up/"), ("post", "/leads/{pk}/assign/"),
])
def test_invisible_lead_is_404(client, lead, other_sales, method, url):
    before = list(Lead.objects.values())
    response = getattr(browser(client, other_sales), method)(url.format(pk=lead.pk),
                                                            {"reason": "x", "note": "x"})
    assert response.status_code == 404
    assert list(Lead.objects.values()) == before


def test_visible_but_not_permitted_is_403(client, lead, marketer):
    response = browser(client, marketer).post(f"/leads/{lead.pk}/drop/", {"reason": "无意向"})
    assert response.status_code == 403
    assert Lead.objects.get(pk=lead.pk).status == "assigned"


def test_pages_need_login(client, lead):
    response = client.get("/leads/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
