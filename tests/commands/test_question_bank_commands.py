import json

import pytest
from django.core.management import CommandError, call_command

from assessment.models import BankVersion

pytestmark = pytest.mark.django_db


def test_export_then_import_from_the_command_line(tmp_path, capsys):
    call_command("load_question_bank")
    target = tmp_path / "bank.json"
    call_command("export_question_bank", "--format", "json", "-o", str(target))
    data = json.loads(target.read_text())
    assert data["bank"]["version"] == 2 and data["bank"]["status"] == "published"  # the newest edition
    assert sum(len(t["questions"]) for t in data["themes"]) >= 100

    call_command("import_question_bank", str(target))
    assert "Imported" in capsys.readouterr().out
    assert BankVersion.objects.get(number=3).status == BankVersion.Status.DRAFT

    call_command("export_question_bank", "--version", "3", "--format", "yaml")
    assert "status: draft" in capsys.readouterr().out


def test_import_reports_every_problem_and_imports_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("bank: {key: Bad Key, title: 1}\nthemes: [{key: t, title: T, questions: []}]\n")
    with pytest.raises(CommandError) as error:
        call_command("import_question_bank", str(bad))
    message = str(error.value)
    assert "bank.key: use lowercase letters, numbers and hyphens only" in message
    assert "bank.title: Input should be a valid string" in message
    assert "themes[0] (t).short_title: Field required" in message
    assert "themes[0] (t).questions: List should have at least 1 item" in message
    assert not BankVersion.objects.exists()


def test_export_of_a_missing_version_says_so():
    with pytest.raises(CommandError, match="No such version"):
        call_command("export_question_bank", "--version", "9")
