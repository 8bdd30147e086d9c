from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.services.bank_files import bank_file_parse
from assessment.services.question_banks import BankVersionStateError, QuestionBankInvalid, question_bank_import


class Command(BaseCommand):
    help = "Import a question bank file (JSON or YAML, in the export shape) as a new draft version."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            version = question_bank_import(data=bank_file_parse(content=content, filename=file.name))
        except QuestionBankInvalid as invalid:
            raise CommandError(
                f"{file} was not imported. {len(invalid.problems)} problem(s):\n"
                + "\n".join(f"  - {problem}" for problem in invalid.problems)
            ) from invalid
        except BankVersionStateError as error:
            raise CommandError(f"{file} was not imported: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file} as draft version {version.number} of {version.bank.title} "
                f"({version.questions.count()} questions). Review and publish it in the admin."
            )
        )
