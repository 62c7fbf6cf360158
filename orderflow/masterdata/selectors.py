"""Reading master data. Everyone logged in sees all customers and products (every order
needs them); someone who is not an active user sees nothing (404)."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.accounts.selectors import users_with
from orderflow.core.errors import NotFound
from orderflow.core.validation import search_term
from orderflow.documents.xlsx import SheetSpec, max_rows, write_workbook

from .domain.columns import CUSTOMER_COLUMNS, PRODUCT_COLUMNS, Column
from .domain.credit import CreditStanding
from .models import Contact, Customer, Product
from .permissions import is_active_user

ACTIVE_FILTERS = ("active", "inactive", "all")


def visible_customers(user) -> QuerySet[Customer]:
    return Customer.objects.all() if is_active_user(user) else Customer.objects.none()


def visible_products(user) -> QuerySet[Product]:
    return Product.objects.all() if is_active_user(user) else Product.objects.none()


def _by_status(qs: QuerySet, status: str) -> QuerySet:
    if status == "inactive":
        return qs.filter(is_active=False)
    if status == "all":
        return qs
    return qs.filter(is_active=True)


def customer_list(user, *, q: str = "", status: str = "active") -> QuerySet[Customer]:
    """Customers by code, searched by code, name, tax ID, industry or contact name."""
    qs = _by_status(visible_customers(user), status).select_related("owner")
    term = search_term(q)
    if term:
        qs = qs.filter(Q(code__icontains=term) | Q(name__icontains=term)
                       | Q(tax_id__icontains=term) | Q(industry__icontains=term)
                       | Q(pk__in=Contact.objects.filter(name__icontains=term)
                           .values("customer_id")))
    return qs.order_by("code")


def customer_detail(user, customer_id) -> Customer:
    """One customer with its contacts and owner. Raises NotFound."""
    customer = (visible_customers(user).select_related("owner")
                .prefetch_related("contacts").filter(pk=customer_id).first())
    if customer is None:
        raise NotFound(_("Customer not found."))
    return customer


def credit_standing(customer: Customer) -> CreditStanding:
    """Limit, receivables outstanding and what is left (P2.3.1)."""
    return CreditStanding(rating=customer.credit_rating, limit=customer.credit_limit,
                          outstanding=customer.receivables_outstanding)


def contact_detail(user, customer_id, contact_id) -> Contact:
    contact = (Contact.objects.filter(customer__in=visible_customers(user),
                                      customer_id=customer_id, pk=contact_id)
               .select_related("customer").first())
    if contact is None:
        raise NotFound(_("Contact not found."))
    return contact


def product_list(user, *, q: str = "", status: str = "active",
                 kind: str = "") -> QuerySet[Product]:
    """Products and services by code, searched by code, name or specification."""
    qs = _by_status(visible_products(user), status)
    if kind:
        qs = qs.filter(kind=kind)
    term = search_term(q)
    if term:
        qs = qs.filter(Q(code__icontains=term) | Q(name__icontains=term)
                       | Q(specification__icontains=term))
    return qs.order_by("code")


def product_detail(user, product_id) -> Product:
    product = visible_products(user).filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("Product not found."))
    return product


def owner_choices():
    """Active salespeople, who may own customers."""
    return users_with(dept=Dept.SALES).order_by("full_name", "username")


def user_names(user_ids) -> dict[int, str]:
    """Display names of users by id (for owners named in the history)."""
    ids = {int(i) for i in user_ids if str(i).isdigit()}
    return {u.pk: u.display_name for u in User.objects.filter(pk__in=ids)} if ids else {}


# ---- spreadsheets: templates for imports, exports of the current list ----

def _language() -> str:
    return get_language() or "zh-hans"


def _hints() -> dict[str, str]:
    return {
        "code": _("Required. A code already known updates that record; a new code creates one."),
        "name": _("Required for new records."),
        "tax_id": _("Required for new customers; one customer per tax ID."),
        "credit_rating": _("A, B, C or D (default B)."),
        "credit_limit": _("A number, 0 or more (default 0)."),
        "receivables_outstanding": _("A number, 0 or more (default 0)."),
        "owner": _("User name of an active salesperson."),
        "contact_name": _("A contact with this name is added, or updated if it exists."),
        "contact_phone": _("Phone of the contact; give a phone or an email."),
        "kind": _("One of: %(values)s (default: product).")
        % {"values": "产品, 服务, product, service"},
        "unit": _("Required for new records, e.g. %(examples)s.") % {"examples": "台, 套, 件"},
        "standard_price": _("Required for new records; 0 or more."),
        "standard_cost": _("0 or more (default 0)."),
        "min_lead_days": _("Whole days, 0 or more (default 0)."),
        "is_active": _("One of: %(values)s (default: yes).") % {"values": "是, 否, yes, no"},
    }


def _template(columns: tuple[Column, ...], title: str) -> bytes:
    lang, hints = _language(), _hints()
    blank_note = _("Leave a cell blank to keep the current value of a known record.")
    guide = [[c.header(lang), _("yes") if c.required else _("no"), hints.get(c.key, "")]
             for c in columns]
    guide.append(["", "", blank_note])
    return write_workbook([
        SheetSpec(title, [c.header(lang) for c in columns], [],
                  [c.width for c in columns],
                  frozenset(i for i, c in enumerate(columns) if c.required)),
        SheetSpec(_("Instructions"), [_("Column"), _("Required"), _("Notes")], guide,
                  [24, 10, 80]),
    ])


def customer_import_template() -> bytes:
    return _template(CUSTOMER_COLUMNS, _("Customers"))


def product_import_template() -> bytes:
    return _template(PRODUCT_COLUMNS, _("Products"))


def _yes_no(value: bool, lang: str) -> str:
    if lang.lower().startswith("zh"):
        return "是" if value else "否"
    return "yes" if value else "no"


def _customer_row(c: Customer, lang: str) -> list:
    contact = c.primary_contacts[0] if c.primary_contacts else None
    return [c.code, c.name, c.tax_id, c.address, c.industry, c.credit_rating, c.credit_limit,
            c.receivables_outstanding, c.owner.username if c.owner else "",
            contact.name if contact else "",
            (contact.phone or contact.mobile) if contact else "",
            contact.email if contact else "", _yes_no(c.is_active, lang)]


def customer_export(user, *, q: str = "", status: str = "active") -> bytes:
    """The customers of the list as filtered, in the import layout (so it can go back in)."""
    lang = _language()
    qs = customer_list(user, q=q, status=status).prefetch_related(
        Prefetch("contacts", Contact.objects.filter(is_primary=True),
                 to_attr="primary_contacts"))
    rows = [_customer_row(c, lang) for c in qs[:max_rows()]]
    return write_workbook([SheetSpec(_("Customers"), [c.header(lang) for c in CUSTOMER_COLUMNS],
                                     rows, [c.width for c in CUSTOMER_COLUMNS])])


def product_export(user, *, q: str = "", status: str = "active", kind: str = "") -> bytes:
    """The products of the list as filtered, in the import layout."""
    lang = _language()
    zh = lang.lower().startswith("zh")
    kinds = {"product": "产品", "service": "服务"} if zh else {}
    rows = [[p.code, p.name, kinds.get(p.kind, p.kind), p.specification, p.unit,
             p.standard_price, p.standard_cost, p.min_lead_days, _yes_no(p.is_active, lang)]
            for p in product_list(user, q=q, status=status, kind=kind)[:max_rows()]]
    return write_workbook([SheetSpec(_("Products"), [c.header(lang) for c in PRODUCT_COLUMNS],
                                     rows, [c.width for c in PRODUCT_COLUMNS])])
