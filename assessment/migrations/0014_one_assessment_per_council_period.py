from django.db import migrations, models
from django.db.models import Count


def refuse_two_assessments_of_one_year(apps, schema_editor):
    """Name any council with two assessments of one year (once allowed on different bank versions), so that an
    operator can delete the unwanted one before migrating, instead of meeting a bare integrity error."""
    Assessment = apps.get_model("assessment", "Assessment")
    twice = (
        Assessment.objects.values("organisation_id", "period")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
        .order_by("organisation_id", "period")
    )
    if twice:
        listed = "; ".join(
            f"{row['period']}: assessments "
            + ", ".join(
                str(pk)
                for pk in Assessment.objects.filter(
                    organisation_id=row["organisation_id"], period=row["period"]
                ).values_list("pk", flat=True)
            )
            for row in twice
        )
        raise RuntimeError(
            "A council may now have only one assessment a year, and these councils have two. Keep one of each and "
            "delete the other with `python manage.py shell -c \"from assessment.models import Assessment; "
            f"Assessment.objects.get(pk=ID).delete()\"`, then migrate again. {listed}."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0013_theme_reverse_relations_for_joins"),
    ]

    operations = [
        migrations.RunPython(refuse_two_assessments_of_one_year, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="assessment",
            name="assessment_unique_per_period",
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                fields=("organisation", "period"), name="assessment_one_per_council_period"
            ),
        ),
    ]
