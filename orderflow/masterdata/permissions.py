"""Who maintains master data: customers by Sales (credit terms by Finance), products by
Technology; everyone logged in may read both, because every order needs them (P2.2.1)."""

import rules

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.permissions import (
    in_department,
    is_finance,
    is_sales,
    is_sales_head,
    is_system_admin,
    is_technology,
)


@rules.predicate
def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_customer_owner(user, customer) -> bool:
    return customer is not None and customer.owner_id is not None and \
        customer.owner_id == user.pk


# Customers: the owning salesperson edits theirs; Sales heads and system admins edit all.
may_edit_customer = (is_sales & is_customer_owner) | is_sales_head | is_system_admin
# Credit terms (rating, limit, receivables) are Finance's, besides Sales heads and admins;
# the salesperson whose orders the credit check (P2.3.1) gates does not set them.
may_edit_credit = is_finance | is_sales_head | is_system_admin
may_maintain_products = is_technology | is_sales_head | is_system_admin

MASTERDATA_RULES = {
    "masterdata.view_customer": is_active_user,
    "masterdata.add_customer": is_active_user & (is_sales | is_system_admin),
    "masterdata.change_customer": is_active_user & may_edit_customer,
    "masterdata.change_customer_credit": is_active_user & may_edit_credit,
    "masterdata.edit_customer": is_active_user & (may_edit_customer | may_edit_credit),
    "masterdata.assign_customer_owner": is_active_user & (is_sales_head | is_system_admin),
    "masterdata.import_customers": is_active_user & (is_sales_head | is_system_admin),
    "masterdata.view_product": is_active_user,
    "masterdata.add_product": is_active_user & may_maintain_products,
    "masterdata.change_product": is_active_user & may_maintain_products,
    "masterdata.import_products": is_active_user & may_maintain_products,
}

for _name, _predicate in MASTERDATA_RULES.items():
    rules.add_perm(_name, _predicate)

# Suppliers (P5.2.1): maintained by Procurement and system admins; everyone logged in
# may read them.
is_procurement = in_department(Dept.PROCUREMENT)
may_maintain_suppliers = is_procurement | is_system_admin
SUPPLIER_RULES = {
    "masterdata.view_supplier": is_active_user,
    "masterdata.add_supplier": is_active_user & may_maintain_suppliers,
    "masterdata.change_supplier": is_active_user & may_maintain_suppliers,
}
for _name, _predicate in SUPPLIER_RULES.items():
    rules.add_perm(_name, _predicate)
