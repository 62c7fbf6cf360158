"""The columns of the master-data spreadsheets: headers in Chinese or English (pure Python).

An import file's header row may use the Chinese header, the English header or one of the
aliases of a column, in any order; unknown columns are ignored.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be present in an import file
    width: int = 16

    def header(self, language: str) -> str:
        return self.zh if language.lower().startswith("zh") else self.en

    def names(self) -> set[str]:
        return {normalise_header(n) for n in (self.key, self.zh, self.en, *self.aliases)}


CUSTOMER_COLUMNS: tuple[Column, ...] = (
    Column("code", "客户编码", "Customer code", ("编码", "客户代码", "code"), True, 14),
    Column("name", "名称", "Name", ("客户名称", "公司名称", "customer name"), True, 30),
    Column("tax_id", "税号", "Tax ID", ("纳税人识别号", "统一社会信用代码", "tax id"), True, 22),
    Column("address", "地址", "Address", ("公司地址",), False, 36),
    Column("industry", "行业", "Industry", (), False, 14),
    Column("credit_rating", "信用等级", "Credit rating", ("rating",), False, 10),
    Column("credit_limit", "信用额度", "Credit limit", (), False, 14),
    Column("receivables_outstanding", "应收余额", "Receivables outstanding",
           ("应收账款", "outstanding", "receivables"), False, 14),
    Column("owner", "负责销售", "Account owner", ("负责人", "销售", "owner"), False, 14),
    Column("contact_name", "联系人", "Contact", ("contact name",), False, 12),
    Column("contact_phone", "电话", "Phone", ("联系电话", "手机", "contact phone"), False, 16),
    Column("contact_email", "邮箱", "Email", ("电子邮箱", "e-mail", "contact email"), False, 24),
    Column("is_active", "启用", "Active", ("是否启用", "状态"), False, 8),
)

PRODUCT_COLUMNS: tuple[Column, ...] = (
    Column("code", "产品编码", "Product code", ("编码", "物料编码", "code"), True, 14),
    Column("name", "名称", "Name", ("产品名称", "product name"), True, 28),
    Column("kind", "类型", "Kind", ("type", "产品/服务"), False, 10),
    Column("specification", "规格型号", "Specification / model",
           ("规格", "型号", "specification", "model"), False, 24),
    Column("unit", "单位", "Unit", (), True, 8),
    Column("standard_price", "标准价格", "Standard price", ("单价", "price"), True, 14),
    Column("standard_cost", "标准成本", "Standard cost", ("成本", "cost"), False, 14),
    Column("min_lead_days", "最短交期(天)", "Minimum lead time (days)",
           ("最短交期", "交期", "交期(天)", "lead days", "lead time", "min lead days"), False, 14),
    Column("is_active", "启用", "Active", ("是否启用", "状态"), False, 8),
)

_SPACES = re.compile(r"[\s_*＊]+")
_FULL_WIDTH = str.maketrans("（）：", "():")


def normalise_header(text) -> str:
    """Header text compared loosely: case, spaces, underscores, '*' and full-width brackets."""
    value = "" if text is None else str(text)
    return _SPACES.sub("", value.translate(_FULL_WIDTH)).lower()


@dataclass(frozen=True)
class HeaderMatch:
    positions: dict[str, int]  # column key -> index in the row
    labels: dict[str, str]     # column key -> header text as written in the file
    missing: tuple[Column, ...]
    duplicated: tuple[str, ...]


def match_headers(header_row: list, columns: tuple[Column, ...]) -> HeaderMatch:
    """Which cell of the header row holds which column."""
    lookup = {name: col for col in columns for name in col.names()}
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    duplicated: list[str] = []
    for index, cell in enumerate(header_row):
        col = lookup.get(normalise_header(cell))
        if col is None:
            continue
        if col.key in positions:
            duplicated.append(str(cell).strip())
            continue
        positions[col.key] = index
        labels[col.key] = str(cell).strip()
    missing = tuple(c for c in columns if c.required and c.key not in positions)
    return HeaderMatch(positions, labels, missing, tuple(duplicated))


_TRUE = {"1", "true", "yes", "y", "是", "启用", "有效", "active", "在用"}
_FALSE = {"0", "false", "no", "n", "否", "停用", "禁用", "无效", "inactive"}


def parse_flag(value) -> bool | None:
    """Yes/no cell text as a boolean; None when it is neither."""
    if isinstance(value, bool):
        return value
    text = normalise_header(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None
