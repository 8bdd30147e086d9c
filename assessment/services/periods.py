"""Assessment periods are UK local-government financial years, 1 April to 31 March, written "2026/27"."""

import datetime
import re

PERIOD_PATTERN = re.compile(r"^(\d{4})/(\d{2})$")


def period_for_date(day: datetime.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return period_from_start_year(start)


def period_from_start_year(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def period_is_valid(period: str) -> bool:
    match = PERIOD_PATTERN.match(period)
    if match is None:
        return False
    return (int(match.group(1)) + 1) % 100 == int(match.group(2))


def period_choices(today: datetime.date) -> list[str]:
    """Last, this and next financial year, newest first."""
    start = int(period_for_date(today)[:4])
    return [period_from_start_year(year) for year in (start + 1, start, start - 1)]
