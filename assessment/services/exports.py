"""CSV and Excel exports of an assessment's answers and scores.

Cells that a spreadsheet would treat as a formula (starting with =, +, -, @, or a tab or carriage return)
are prefixed with an apostrophe, so evidence text such as "=HYPERLINK(...)" stays text.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.db.models import prefetch_related_objects
from openpyxl import Workbook

from assessment.services.reports import Results
from assessment.services.scoring import shown

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

ANSWER_COLUMNS = [
    "Theme", "Question key", "Question", "Level", "Descriptor", "Target", "Critical alert", "Evidence status",
    "Notes", "Answered by", "Answered at",
]  # fmt: skip
SCORE_COLUMNS = [
    "Group", "Name", "Score", "Level", "Target", "Status", "Answered", "Applicable", "Lowest answer",
    "Answers at level 1 or 2", "Unverified",
]  # fmt: skip
ACTION_COLUMNS = [
    "Rank", "Critical alert", "Theme", "Question key", "Question", "Level", "Target", "Action", "Effort", "Horizon",
    "Owner", "Due date", "Status",
]  # fmt: skip


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def answer_rows(results: Results) -> list[list[object]]:
    # Who answered each question is read here, in one query, as no page shows it.
    prefetch_related_objects([a for a in results.structure.answers.values() if a.answered_by_id], "answered_by")
    rows: list[list[object]] = []
    for theme in results.themes:
        for item in theme.questions:
            answer = item.answer
            level: object
            if item.score.level is not None:
                level = item.score.level
            elif item.score.not_applicable:
                level = "Not applicable"
            else:
                level = "Not answered"
            rows.append(
                [
                    theme.theme.title,
                    item.question.key,
                    item.question.text,
                    level,
                    item.descriptor,
                    item.score.target,
                    "Yes" if item.score.critical_alert else "",
                    item.evidence_status,
                    answer.evidence if answer else "",
                    answer.answered_by.get_full_name() if answer and answer.answered_by else "",
                    answer.answered_at.strftime("%Y-%m-%d %H:%M") if answer else "",
                ]
            )
    return rows


def _rounded(value: float | None) -> float | str:
    rounded = shown(value)
    return rounded if rounded is not None else "Not scored"


def score_rows(results: Results) -> list[list[object]]:
    scores = results.scores
    overall = scores.overall
    rows: list[list[object]] = [
        ["Overall", "Overall", _rounded(overall.value), scores.overall_band or "", "", "", overall.answered,
         overall.applicable, "", "", scores.unverified],
    ]  # fmt: skip
    for t in scores.themes:
        rows.append(
            ["Theme", t.title, _rounded(t.score.value), t.band or "", t.target, t.status, t.score.answered,
             t.score.applicable, t.lowest_level or "", t.low_answers, t.unverified]
        )  # fmt: skip
    for p in scores.pillars:
        rows.append(
            ["Socitm pillar", p.label, _rounded(p.score.value), p.band or "", "", "", p.score.answered,
             p.score.applicable, "", "", ""]
        )  # fmt: skip
    return rows


def action_rows(results: Results) -> list[list[object]]:
    rows: list[list[object]] = []
    for planned in results.action_plan:
        item, action = planned.item, planned.action
        rows.append(
            [item.rank, "Yes" if item.critical_alert else "", item.theme_title, item.question_key, item.question_text,
             item.level, item.target, item.text, item.effort_label, item.horizon,
             action.owner if action else "", action.due_date.isoformat() if action and action.due_date else "",
             action.get_status_display() if action else "Not taken on"]
        )  # fmt: skip
    return rows


EXPORTS = {
    "answers": (ANSWER_COLUMNS, answer_rows),
    "scores": (SCORE_COLUMNS, score_rows),
    "actions": (ACTION_COLUMNS, action_rows),
}
EXPORT_KINDS = tuple(EXPORTS)


def table_for(results: Results, kind: str) -> tuple[list[str], list[list[object]]]:
    if kind not in EXPORTS:
        raise ValueError(f"Unknown export {kind!r}")
    columns, rows = EXPORTS[kind]
    return columns, rows(results)


def to_csv(header: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8 correctly


def to_xlsx(header: list[str], rows: Iterable[Sequence[object]], sheet_title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
