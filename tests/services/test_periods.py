import datetime

import pytest

from assessment.services.periods import period_choices, period_for_date, period_is_valid


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (datetime.date(2026, 3, 31), "2025/26"),
        (datetime.date(2026, 4, 1), "2026/27"),
        (datetime.date(2099, 12, 1), "2099/00"),
    ],
)
def test_financial_year_starts_on_1_april(day, period):
    assert period_for_date(day) == period


def test_choices_offer_next_this_and_last_year():
    assert period_choices(datetime.date(2026, 11, 21)) == ["2027/28", "2026/27", "2025/26"]


@pytest.mark.parametrize(
    ("period", "valid"), [("2026/27", True), ("2026/28", False), ("2026-27", False), ("26/27", False)]
)
def test_period_format(period, valid):
    assert period_is_valid(period) is valid
