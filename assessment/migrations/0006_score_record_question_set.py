import hashlib

from django.db import migrations, models


def question_set_fingerprint(keys):
    # The same function as assessment.services.benchmarks.question_set_fingerprint, frozen here.
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()


def fill_question_sets(apps, schema_editor):
    """Stored scores gain the fingerprint of the questions that applied to the council."""
    ThemeScoreRecord = apps.get_model("assessment", "ThemeScoreRecord")
    Question = apps.get_model("assessment", "Question")
    assessment_ids = ThemeScoreRecord.objects.values_list("assessment_id", flat=True).distinct()
    for record_assessment_id in list(assessment_ids):
        records = ThemeScoreRecord.objects.filter(assessment_id=record_assessment_id).select_related(
            "assessment__organisation"
        )
        assessment = records[0].assessment
        keys_by_theme = {}
        for question in Question.objects.filter(version_id=assessment.bank_version_id).select_related("theme"):
            if assessment.organisation.council_type in question.applies_to:
                keys_by_theme.setdefault(question.theme.key, []).append(question.key)
        for record in records:
            if record.theme_key == "":
                keys = [key for keys in keys_by_theme.values() for key in keys]
            else:
                keys = keys_by_theme.get(record.theme_key, [])
            record.question_set = question_set_fingerprint(keys)
            record.save(update_fields=["question_set"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0005_bank_targets_critical_question_targets"),
    ]

    operations = [
        migrations.AddField(
            model_name="themescorerecord",
            name="question_set",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_question_sets, migrations.RunPython.noop),
    ]
