"""Translatable labels for departments and roles.

Department names carry the context "department": "Archive" the department (档案管理部)
is not "Archive" the order action (归档).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .domain.organisation import Dept, Role

DEPT_LABELS = {
    Dept.SALES: pgettext_lazy("department", "Sales"),
    Dept.MARKETING: pgettext_lazy("department", "Marketing"),
    Dept.PRODUCTION: pgettext_lazy("department", "Production"),
    Dept.TECHNOLOGY: pgettext_lazy("department", "Technology"),
    Dept.QUALITY: pgettext_lazy("department", "Quality"),
    Dept.PROCUREMENT: pgettext_lazy("department", "Procurement"),
    Dept.FINANCE: pgettext_lazy("department", "Finance"),
    Dept.LOGISTICS: pgettext_lazy("department", "Logistics"),
    Dept.ARCHIVE: pgettext_lazy("department", "Archive"),
    Dept.MANAGEMENT: pgettext_lazy("department", "Management"),
}

ROLE_LABELS = {
    Role.STAFF: _("Staff"),
    Role.DEPT_HEAD: _("Department head"),
    Role.DIVISION_LEADER: _("Division leader"),
    Role.GENERAL_MANAGER: _("General manager"),
    Role.SYSTEM_ADMIN: _("System administrator"),
    Role.SEAL_KEEPER: _("Seal keeper"),
}
