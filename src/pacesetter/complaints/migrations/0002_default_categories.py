"""The default report categories with the default deadlines (受理 2 / 核查 10 / 答复 15 / 办结 20 working days)."""

from django.db import migrations

CATEGORIES = [
    ("conduct", "作风问题", "党组织或党员的工作作风、纪律问题"),
    ("commitment", "承诺未兑现", "公开承诺未按期、未按量兑现"),
    ("service", "服务态度", "窗口服务、办事过程中的态度问题"),
    ("suggestion", "意见建议", "对党组织工作的意见和建议"),
    ("other", "其他", "以上类别以外的问题"),
]


def add(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for order, (code, name, description) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("complaints", "Category").objects.filter(code__in=[c for c, _n, _d in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
