"""P4.2 defaults; an admin changes them later (P11)."""

from django.db import migrations

PACKAGES = ["production", "procurement", "quality", "technology", "logistics", "finance"]
ORDER_TYPES = ["standard", "customised", "sample", "service"]
SUBJECT = "订单 {order_number} 已下达生产 — 预计交货日期 {delivery_date}"
BODY = """{contact} 您好：

贵司订单 {order_number}（{customer}）已经我司审批并正式下达各部门执行。

预计交货日期：{delivery_date}
当前进度：{progress}

如有任何问题，请联系您的销售代表 {salesperson}。

{company}
"""


def seed(apps, schema_editor):
    ReleaseRoute = apps.get_model("release", "ReleaseRoute")
    CompanyProfile = apps.get_model("release", "CompanyProfile")
    CustomerEmailTemplate = apps.get_model("release", "CustomerEmailTemplate")
    for order_type in ORDER_TYPES:
        ReleaseRoute.objects.get_or_create(order_type=order_type,
                                           defaults={"departments": PACKAGES})
    CompanyProfile.objects.get_or_create(pk=1, defaults={"name": "（请在系统配置中填写公司名称）"})
    CustomerEmailTemplate.objects.get_or_create(pk=1, defaults={"subject": SUBJECT,
                                                                "body": BODY})


class Migration(migrations.Migration):
    dependencies = [("release", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
