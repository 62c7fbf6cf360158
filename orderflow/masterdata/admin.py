"""Django admin for master data: the same services and rules as the pages behind it.

Forms check their input with the services' validators and save through the services, so
an admin edit is permission-checked, validated and audited like any other. Nothing is
deleted here: customers and products are deactivated (is_active).
"""

import rules
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from orderflow.accounts.domain.organisation import Dept
from orderflow.core.errors import NotPermitted, ValidationFailed

from . import services
from .models import Contact, Customer, Product
from .services.customers import CREDIT_FIELDS

_GENERAL_FIELDS = ("code", "name", "tax_id", "address", "industry", "is_active")


def _service_data(form, names) -> dict:
    """Cleaned form values as the services take them (foreign keys by id)."""
    data = {}
    for name in names:
        value = form.cleaned_data.get(name)
        if name == "owner":
            data["owner_id"] = value.pk if value else None
        else:
            data[name] = "" if value is None else value
    return data


class ServiceCheckedForm(forms.ModelForm):
    """Runs the service's validator; its messages land on the fields."""

    def validate(self, data: dict) -> None:
        """Raises ValidationFailed; each form names its service's validator."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        fields = [f for f in self.fields if f not in self.errors]
        try:
            self.validate(_service_data(self, fields))
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                name = "owner" if field == "owner_id" else field
                if name in self.fields and name not in self.errors:
                    self.add_error(name, messages)
                elif name not in self.fields:
                    self.add_error(None, messages)
        return cleaned


class CustomerForm(ServiceCheckedForm):
    class Meta:
        model = Customer
        fields = [*_GENERAL_FIELDS, *CREDIT_FIELDS, "owner"]

    def validate(self, data):
        services.customer_validate(data=data, customer_id=self.instance.pk)


class ContactForm(ServiceCheckedForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "mobile", "email", "is_primary"]

    def validate(self, data):
        data.pop("customer", None)
        data.pop("id", None)
        data.pop("DELETE", None)
        if not self.cleaned_data.get("DELETE"):
            services.contact_validate(data=data)


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactForm
    extra = 0
    fields = ("name", "title", "phone", "mobile", "email", "is_primary")

    def _may_change(self, request, obj):
        return obj is None or rules.has_perm("masterdata.change_customer", request.user, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_view_permission(self, request, obj=None):
        return rules.has_perm("masterdata.view_customer", request.user)


class MasterDataAdmin(admin.ModelAdmin):
    view_perm = add_perm = change_perm = ""
    actions = None

    def has_module_permission(self, request):
        return rules.has_perm(self.view_perm, request.user)

    def has_view_permission(self, request, obj=None):
        return rules.has_perm(self.view_perm, request.user)

    def has_add_permission(self, request):
        return rules.has_perm(self.add_perm, request.user)

    def has_change_permission(self, request, obj=None):
        return rules.has_perm(self.change_perm, request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: orders refer to master data


@admin.register(Customer)
class CustomerAdmin(MasterDataAdmin):
    view_perm, add_perm, change_perm = ("masterdata.view_customer", "masterdata.add_customer",
                                        "masterdata.edit_customer")
    form = CustomerForm
    inlines = [ContactInline]
    list_display = ["code", "name", "tax_id", "industry", "credit_rating", "credit_limit",
                    "receivables_outstanding", "owner", "is_active"]
    list_filter = ["is_active", "credit_rating", "industry",
                   ("owner", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["owner"]
    search_fields = ["code", "name", "tax_id", "contacts__name"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        user, locked = request.user, ["created_at", "updated_at"]
        if obj is not None and not rules.has_perm("masterdata.change_customer", user, obj):
            locked += _GENERAL_FIELDS
        if not rules.has_perm("masterdata.change_customer_credit", user, obj):
            locked += CREDIT_FIELDS
        if not rules.has_perm("masterdata.assign_customer_owner", user, obj):
            locked.append("owner")
        return locked

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                is_active=True, department__code=Dept.SALES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            _call(services.customer_update, customer_id=obj.pk, actor=request.user,
                  **_service_data(form, form.changed_data))
        else:
            created = _call(services.customer_create, actor=request.user,
                            **_service_data(form, form.fields))
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        customer_id = form.instance.pk
        # What formset.save() would record, for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for gone in formset.deleted_forms:
            if gone.instance.pk:
                _call(services.contact_remove, contact_id=gone.instance.pk,
                      customer_id=customer_id, actor=request.user)
                formset.deleted_objects.append(gone.instance)
        for inline in formset.forms:
            if inline in formset.deleted_forms or not inline.has_changed():
                continue
            if inline.instance.pk:
                contact = _call(services.contact_update, contact_id=inline.instance.pk,
                                customer_id=customer_id, actor=request.user,
                                **_service_data(inline, inline.changed_data))
                formset.changed_objects.append((contact, inline.changed_data))
            else:
                formset.new_objects.append(_call(
                    services.contact_add, customer_id=customer_id, actor=request.user,
                    **_service_data(inline, ContactInline.fields)))


class ProductForm(ServiceCheckedForm):
    class Meta:
        model = Product
        fields = ["code", "name", "kind", "specification", "unit", "standard_price",
                  "standard_cost", "min_lead_days", "is_active"]

    def validate(self, data):
        services.product_validate(data=data, product_id=self.instance.pk)


@admin.register(Product)
class ProductAdmin(MasterDataAdmin):
    view_perm, add_perm, change_perm = ("masterdata.view_product", "masterdata.add_product",
                                        "masterdata.change_product")
    form = ProductForm
    list_display = ["code", "name", "kind", "specification", "unit", "standard_price",
                    "standard_cost", "min_lead_days", "is_active"]
    list_filter = ["is_active", "kind", "unit"]
    search_fields = ["code", "name", "specification"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if change:
            _call(services.product_update, product_id=obj.pk, actor=request.user,
                  **_service_data(form, form.changed_data))
        else:
            obj.pk = _call(services.product_create, actor=request.user,
                           **_service_data(form, form.fields)).pk
        obj.refresh_from_db()

