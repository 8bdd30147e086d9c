"""Reading and writing question-bank files: the shipped editions, uploads and exports.

The shipped content lives in `assessment/question_banks/<bank>/edition-<n>/`: a `bank.yaml` and one YAML file
per theme, in the import/export shape once read. Every edition of a bank ships, oldest first, so a fresh
database gets the same numbered versions as one that has been running since edition 1.
"""

import json
import re
from pathlib import Path
from typing import Any

import yaml

from assessment.services.bank_schema import QuestionBankInvalid

BANKS_DIR = Path(__file__).resolve().parent.parent / "question_banks"
IMPORT_MAX_BYTES = 2 * 1024 * 1024  # the full sector bank is about 400 KB
EDITION_PATTERN = re.compile(r"^edition-(\d+)$")


def shipped_editions() -> list[Path]:
    """Every shipped edition directory, bank by bank, oldest edition first."""
    editions = []
    for bank_dir in sorted(p for p in BANKS_DIR.iterdir() if p.is_dir()):
        numbered = [
            (int(match.group(1)), path)
            for path in bank_dir.iterdir()
            if (match := EDITION_PATTERN.match(path.name)) and (path / "bank.yaml").is_file()
        ]
        editions += [path for _, path in sorted(numbered)]
    return editions


def bank_directory_read(*, path: Path) -> dict[str, Any]:
    """Read an edition directory into the import/export shape."""
    bank = yaml.safe_load((path / "bank.yaml").read_text(encoding="utf-8"))
    themes = [
        yaml.safe_load(theme_file.read_text(encoding="utf-8"))
        for theme_file in sorted((path / "themes").glob("*.yaml"))
    ]
    return {"bank": bank, "themes": themes}


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that also refuses anchors and aliases: a bank never needs them, and a few nested aliases
    can expand a small file into billions of nodes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a question bank file", event.start_mark
            )
        return super().compose_node(parent, index)


def bank_file_parse(*, content: bytes, filename: str = "") -> Any:
    """Parse an uploaded or command-line bank file safely. Raises QuestionBankInvalid with the location."""
    if len(content) > IMPORT_MAX_BYTES:
        raise QuestionBankInvalid(
            [
                f"The file is {len(content) / 1024 / 1024:.1f} MB; the largest accepted is "
                f"{IMPORT_MAX_BYTES // 1024 // 1024} MB."
            ]
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QuestionBankInvalid([f"The file is not UTF-8 text (byte {error.start})."]) from error
    try:
        if filename.lower().endswith(".json"):
            try:
                return json.loads(text)
            except json.JSONDecodeError as error:
                raise QuestionBankInvalid([f"Line {error.lineno}, column {error.colno}: {error.msg}."]) from error
        try:
            # Builds only plain data: no Python objects can be created from the file.
            return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"Line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            raise QuestionBankInvalid([f"{where}{getattr(error, 'problem', None) or error}."]) from error
    except RecursionError as error:
        raise QuestionBankInvalid(["The file is nested too deeply to be a question bank."]) from error
    except (ValueError, OverflowError) as error:  # a 5,000-digit number, a date such as 2001-02-30
        raise QuestionBankInvalid([f"The file has a value that cannot be read: {error}."]) from error


def bank_file_serialise(*, data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    raise ValueError(f"Unknown format {fmt!r}: use json or yaml")
