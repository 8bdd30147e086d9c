"""A check for the people who write the question bank, run by hand (it needs the source publications, which are
not part of the service): every question cites something, and every quote is word for word in a publication."""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.services.bank_files import bank_directory_read, shipped_editions
from assessment.services.bank_schema import bank_file_validate


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Command(BaseCommand):
    help = (
        "Check that every question of every shipped edition cites a source or a framework reference, and that "
        "every quote appears word for word (ignoring line breaks) in one of the publications in --seeds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=Path, required=True, help="Folder of the publications as .txt files")
        parser.add_argument("paths", nargs="*", type=Path, help="Edition directories (default: every shipped one)")

    def handle(self, *args, seeds: Path, paths: list[Path], **options):
        publications = [_words(p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
        if not publications:
            raise CommandError(f"No .txt publications found in {seeds}.")
        problems = []
        for path in paths or shipped_editions():
            bank = bank_file_validate(data=bank_directory_read(path=path))
            questions = [q for theme in bank.themes for q in theme.questions]
            quoted = 0
            for question in questions:
                if not question.sources and not question.frameworks:
                    problems.append(f"{path.name} {question.key}: cites neither a source nor a framework")
                for source in question.sources:
                    if any(_words(source.quote) in text for text in publications):
                        quoted += 1
                    else:
                        problems.append(f"{path.name} {question.key}: quote not found: {source.quote[:70]!r}")
            self.stdout.write(
                f"{path.name}: {len(questions)} questions, {quoted} quotes found word for word, "
                f"{sum(1 for q in questions if q.sources)} with a quote, "
                f"{sum(1 for q in questions if not q.sources)} citing framework references only."
            )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("Every question cites a source, and every quote is word for word."))
