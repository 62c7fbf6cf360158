"""Departments and roles named by the policy (pure Python)."""

from enum import StrEnum


class Dept(StrEnum):
    SALES = "sales"
    MARKETING = "marketing"
    PRODUCTION = "production"
    TECHNOLOGY = "technology"
    QUALITY = "quality"
    PROCUREMENT = "procurement"
    FINANCE = "finance"
    LOGISTICS = "logistics"
    ARCHIVE = "archive"
    MANAGEMENT = "management"


class Role(StrEnum):
    STAFF = "staff"
    DEPT_HEAD = "dept_head"
    DIVISION_LEADER = "division_leader"
    GENERAL_MANAGER = "general_manager"
    SYSTEM_ADMIN = "system_admin"
    SEAL_KEEPER = "seal_keeper"          # P4.2.1 keeps the company seal: issues sealed prints


# Chinese names as the policy writes them; the UI translates the English labels.
DEPT_NAMES_ZH = {
    Dept.SALES: "销售部",
    Dept.MARKETING: "市场部",
    Dept.PRODUCTION: "生产部",
    Dept.TECHNOLOGY: "技术部",
    Dept.QUALITY: "质量部",
    Dept.PROCUREMENT: "采购部",
    Dept.FINANCE: "财务部",
    Dept.LOGISTICS: "物流部",
    Dept.ARCHIVE: "档案管理部",
    Dept.MANAGEMENT: "公司管理层",
}
