"""CSV and Excel exports of an assessment's answers and scores.

Cells that a spreadsheet would treat as a formula (starting with =, +, -, @, or a tab or carriage return)
are prefixed with an apostrophe, so evidence text such as "=HYPERLINK(...)" stays text.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from assessment.services.reports import Results

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

ANSWER_COLUMNS = [
    "Theme", "Question key", "Question", "Level", "Descriptor", "Evidence", "Answered by", "Answered at",
]  # fmt: skip
SCORE_COLUMNS = ["Group", "Name", "Score", "Level", "Target", "Gap", "Answered", "Applicable", "Unverified"]


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def answer_rows(results: Results) -> list[list[object]]:
    rows: list[list[object]] = []
    for theme in results.themes:
        for question, answer in theme.items:
            level: object
            if answer is None or not answer.is_answered:
                level, descriptor = "Not answered", ""
            elif answer.is_not_applicable:
                level, descriptor = "Not applicable", ""
            else:
                level = answer.level
                descriptor = next((d.descriptor for d in question.levels.all() if d.level == answer.level), "")
            rows.append(
                [
                    theme.progress.theme.title,
                    question.key,
                    question.text,
                    level,
                    descriptor,
                    answer.evidence if answer else "",
                    answer.answered_by.get_full_name() if answer and answer.answered_by else "",
                    answer.answered_at.strftime("%Y-%m-%d %H:%M") if answer else "",
                ]
            )
    return rows


def _rounded(value: float | None) -> float | str:
    return round(value, 2) if value is not None else "Not scored"


def score_rows(results: Results) -> list[list[object]]:
    scores = results.scores
    overall = scores.overall
    rows: list[list[object]] = [
        ["Overall", "Overall", _rounded(overall.value), overall.band or "", "", "", overall.answered,
         overall.applicable, scores.unverified],
    ]  # fmt: skip
    for t in scores.themes:
        rows.append(
            ["Theme", t.title, _rounded(t.score.value), t.score.band or "", t.target or "",
             _rounded(t.gap) if t.gap is not None else "", t.score.answered, t.score.applicable, t.unverified]
        )  # fmt: skip
    for group_name, groups in (("Socitm pillar", scores.pillars), ("Framework", scores.frameworks)):
        for g in groups:
            rows.append(
                [group_name, g.label, _rounded(g.score.value), g.score.band or "", "", "", g.score.answered,
                 g.score.applicable, ""]
            )  # fmt: skip
    return rows


def table_for(results: Results, kind: str) -> tuple[list[str], list[list[object]]]:
    if kind == "answers":
        return ANSWER_COLUMNS, answer_rows(results)
    if kind == "scores":
        return SCORE_COLUMNS, score_rows(results)
    raise ValueError(f"Unknown export {kind!r}")


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
