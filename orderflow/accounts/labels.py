"""Translatable labels for departments and roles."""

from django.utils.translation import gettext_lazy as _

from .domain.organisation import Dept, Role

DEPT_LABELS = {
    Dept.SALES: _("Sales"),
    Dept.MARKETING: _("Marketing"),
    Dept.PRODUCTION: _("Production"),
    Dept.TECHNOLOGY: _("Technology"),
    Dept.QUALITY: _("Quality"),
    Dept.PROCUREMENT: _("Procurement"),
    Dept.FINANCE: _("Finance"),
    Dept.LOGISTICS: _("Logistics"),
    Dept.ARCHIVE: _("Archive"),
    Dept.MANAGEMENT: _("Management"),
}

ROLE_LABELS = {
    Role.STAFF: _("Staff"),
    Role.DEPT_HEAD: _("Department head"),
    Role.DIVISION_LEADER: _("Division leader"),
    Role.GENERAL_MANAGER: _("General manager"),
    Role.SYSTEM_ADMIN: _("System administrator"),
}
