"""The ten departments named by the policy."""

from django.db import migrations

DEPARTMENTS = [
    ("sales", "销售部", "Sales"), ("marketing", "市场部", "Marketing"),
    ("production", "生产部", "Production"), ("technology", "技术部", "Technology"),
    ("quality", "质量部", "Quality"), ("procurement", "采购部", "Procurement"),
    ("finance", "财务部", "Finance"), ("logistics", "物流部", "Logistics"),
    ("archive", "档案管理部", "Archive"), ("management", "公司管理层", "Management"),
]


def seed(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code, name, name_en in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
