import datetime

import pytest
from django.core.exceptions import ValidationError

from thrasos.core.validators import DateRange, age_on, years_after


def test_date_range_reads_today_at_each_check_not_at_import(monkeypatch):
    from django.utils import timezone

    check = DateRange(earliest=datetime.date(2000, 1, 1), years_ahead=2)
    # The migration keeps the arguments, never a computed date.
    assert check.deconstruct()[2] == {"earliest": datetime.date(2000, 1, 1), "years_ahead": 2}
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2027, 1, 1))
    check(datetime.date(2028, 6, 1))  # within two years of that day…
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        check(datetime.date(2028, 6, 1))  # …not of this one
    assert error.value.code == "too_late"
    with pytest.raises(ValidationError) as error:
        check(datetime.date(1999, 12, 31))
    assert error.value.code == "too_early"
    with pytest.raises(ValidationError) as error:
        DateRange()(datetime.date(2027, 1, 2))
    assert error.value.code == "future"
    DateRange(years_ahead=None)(datetime.date(2999, 1, 1))  # no upper bound


def test_years_and_ages_around_29_february():
    assert years_after(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert years_after(datetime.date(2024, 2, 29), -18) == datetime.date(2006, 2, 28)
    assert age_on(datetime.date(2006, 3, 1), datetime.date(2024, 2, 29)) == 17
    assert age_on(datetime.date(2006, 2, 28), datetime.date(2024, 2, 28)) == 18
