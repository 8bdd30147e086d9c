from django import template

from assessment.services.scoring import BANDS, EFFORT_LABELS, Score, change_text, maturity_band, score_text, shown

register = template.Library()


@register.filter
def band_name(level: int | None) -> str:
    """ "Initial" for 1 … "Leading" for 5."""
    return BANDS.get(level, "") if level is not None else ""


@register.filter
def score(value: float | None, none: str = "Not scored") -> str:
    """A score to one decimal place, or `none` ("Not scored") when nothing was answered at a level."""
    return score_text(value, none=none)


@register.filter
def basis(score: Score) -> str:
    """A score with what it rests on: "3.1 from 7 of 8", or "Not scored (0 of 8 answered)"."""
    if score.value is None:
        return f"Not scored ({score.answered} of {score.applicable} answered)"
    return f"{score_text(score.value)} from {score.answered} of {score.applicable}"


STATUS_COLOURS = {
    "Critical alert": "red",
    "Below target": "orange",
    "Just below target": "yellow",
    "At or above target": "green",
    "Not enough answers": "grey",
}


@register.filter
def status_colour(status: str) -> str:
    """The GOV.UK tag colour for a theme's status against its target (the words are always shown too)."""
    return STATUS_COLOURS.get(status, "grey")


@register.filter
def effort_label(effort: str) -> str:
    return EFFORT_LABELS.get(effort, effort).lower()


@register.filter
def percent(fraction: float) -> str:
    return f"{round(fraction * 100)}%"


@register.filter
def descriptor_for(question, level: int | None) -> str:
    """The descriptor of the level an answer chose. Uses the prefetched levels, so no extra query."""
    if level is None:
        return ""
    return next((d.descriptor for d in question.levels.all() if d.level == level), "")


@register.filter
def recommendation_for(question, level: int | None):
    if level is None:
        return None
    return next((r for r in question.recommendations.all() if r.level == level), None)


@register.filter
def any_taken_on(items) -> bool:
    """Whether any item of an action plan (PlannedAction) has been taken on as an action, with an owner."""
    return any(planned.action for planned in items)


@register.filter
def any_unverified(themes) -> bool:
    """Whether any of these theme scores rests partly on unverified claims."""
    return any(theme.unverified for theme in themes)


@register.filter
def get_answer(answers: dict, question_id: int):
    """Look up a question's answer in the selector's {question id: answer} map."""
    return answers.get(question_id)


@register.filter
def split_at(items: list, limit: int | None) -> tuple[list, list]:
    """(first `limit` items, the rest); everything first when there is no limit."""
    if not limit:
        return list(items), []
    limit = int(limit)
    return list(items[:limit]), list(items[limit:])


@register.filter
def band_class(value: float | None) -> int:
    """The band number (1 to 5) used to shade a heat map cell."""
    return maturity_band(value) or 0


@register.filter
def signed(value: float | None) -> str:
    """A change in score with its sign: +0.4, −0.2, or "no change"."""
    if value is None:
        return "–"
    if shown(value) == 0:
        return "No change"
    return change_text(value)


@register.filter
def timeuntil_text(duration) -> str:
    """A timedelta in words: "15 minutes", "1 hour"."""
    minutes = round(duration.total_seconds() / 60) if duration else 0
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
