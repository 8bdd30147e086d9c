from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.services.bank_files import shipped_editions
from assessment.services.question_banks import (
    QuestionBankInvalid,
    editors_group_ensure,
    question_bank_load,
)


class Command(BaseCommand):
    help = (
        "Load the question banks shipped in assessment/question_banks/, every edition oldest first. An edition "
        "not yet loaded is published as a new version (retiring the one before it for new assessments); an "
        "edition already loaded is left alone, so running this twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Edition directories (default: every shipped edition)")

    def handle(self, *args, paths: list[Path], **options):
        editors_group_ensure()
        for path in paths or shipped_editions():
            try:
                result = question_bank_load(path=path)
            except QuestionBankInvalid as invalid:
                raise CommandError(
                    f"{path} has {len(invalid.problems)} problems:\n" + "\n".join(f"  - {p}" for p in invalid.problems)
                ) from invalid
            except FileNotFoundError as missing:
                raise CommandError(f"{path} is not a question bank directory: {missing}") from missing
            version = result.version
            questions = version.questions.count()
            themes = version.themes.count()
            if result.created:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Published {version.bank.title} version {version.number}: "
                        f"{themes} themes, {questions} questions."
                    )
                )
            else:
                self.stdout.write(
                    f"{version.bank.title}, {path.name}: already loaded as version {version.number} "
                    f"({version.get_status_display().lower()}, {questions} questions)."
                )
