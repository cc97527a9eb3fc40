"""Seed the holiday table from the chinesecalendar package for every year it knows (2004 up to its release).

Later years come from the office's import of the State Council's notice (节假日安排), not from here."""

from django.db import migrations

CHINESE = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    HolidayDay = apps.get_model("core", "HolidayDay")
    known = {d.date for d in HolidayDay.objects.only("date")}
    rows = [
        HolidayDay(date=day, kind=kind, note=CHINESE.get(name, name)[:60], source="package")
        for table, kind in ((constants.holidays, "off"), (constants.workdays, "work"))
        for day, name in table.items()
        if day not in known
    ]
    HolidayDay.objects.bulk_create(rows, batch_size=500)


def unseed(apps, schema_editor):
    apps.get_model("core", "HolidayDay").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_holidayday")]

    operations = [migrations.RunPython(seed, unseed)]
