"""The one representation of a maturity level, and of "not applicable".

Forms, views, templates, the scoring service and the page's data attributes all use `MaturityLevel` and the
encode/decode pair below, so a level means the same thing everywhere.
"""

from django.db import models


class MaturityLevel(models.IntegerChoices):
    INITIAL = 1, "Initial"
    DEVELOPING = 2, "Developing"
    DEFINED = 3, "Defined"
    EMBEDDED = 4, "Embedded"
    LEADING = 5, "Leading"


NOT_APPLICABLE = "na"  # how a form or the autosave endpoint says "not applicable"
LEVELS = tuple(MaturityLevel.values)


def level_encode(*, level: int | None, not_applicable: bool) -> str:
    """An answer as a form value: "1" … "5", "na", or "" when unanswered."""
    if not_applicable:
        return NOT_APPLICABLE
    return str(level) if level is not None else ""


def level_decode(value: str) -> tuple[int | None, bool]:
    """(level, not applicable) from a form value; raises ValueError for anything but "", "na" and "1" … "5"."""
    if value == "":
        return None, False
    if value == NOT_APPLICABLE:
        return None, True
    if value in {str(level) for level in LEVELS}:
        return int(value), False
    raise ValueError(f"Not a maturity level: {value!r}")
