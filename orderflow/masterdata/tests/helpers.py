"""Building .xlsx uploads in memory for import tests (openpyxl)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

CUSTOMER_HEADER_ZH = ["客户编码", "名称", "税号", "地址", "行业", "信用等级", "信用额度",
                      "应收余额", "联系人", "电话", "邮箱"]
CUSTOMER_HEADER_EN = ["code", "name", "tax_id", "address", "industry", "credit rating",
                      "credit limit", "receivables outstanding", "contact", "phone", "email"]
PRODUCT_HEADER_ZH = ["产品编码", "名称", "类型", "规格型号", "单位", "标准价格", "标准成本",
                     "最短交期(天)"]


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_upload(header: list, rows: list[list], name: str = "import.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(header, rows),
                              content_type="application/vnd.openxmlformats-officedocument"
                                           ".spreadsheetml.sheet")


def customer_row(code="K001", name="上海华东机械有限公司", tax_id="91310000MA1K000001",
                 **extra) -> list:
    values = {"address": "上海市浦东新区张江路1号", "industry": "机械制造", "rating": "A",
              "limit": 500000, "outstanding": 12000.5, "contact": "王经理",
              "phone": "13812345678", "email": "wang@example.com", **extra}
    return [code, name, tax_id, values["address"], values["industry"], values["rating"],
            values["limit"], values["outstanding"], values["contact"], values["phone"],
            values["email"]]


def product_row(code="H001", name="液压泵", kind="产品", **extra) -> list:
    values = {"spec": "HP-200", "unit": "台", "price": 12800, "cost": 9000, "days": 20,
              **extra}
    return [code, name, kind, values["spec"], values["unit"], values["price"], values["cost"],
            values["days"]]
