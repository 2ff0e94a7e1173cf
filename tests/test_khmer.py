"""Tests of accsm_kg.khmer: Khmer numerals, Khmer Gregorian dates and the Chhankitek."""

from __future__ import annotations

import csv
import inspect
from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accsm_kg import khmer
from accsm_kg.khmer import (
    FIRST_DATE,
    LAST_DATE,
    AnimalYear,
    Era,
    KhmerDateError,
    KhmerDateMismatchError,
    KhmerNumeralError,
    LunarDateParts,
    LunarMonth,
    check_lunar_date,
    format_khmer_date,
    from_khmer_digits,
    khmer_new_year,
    khmer_new_year_datetime,
    lunar_date,
    lunar_to_gregorian,
    parse_khmer_date,
    parse_lunar_date,
    to_khmer_digits,
)

RESOURCES = Path(__file__).parent / "resources" / "khmer"
SEED_LUNAR = "ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤"
SEED_GREGORIAN_TEXT = "ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០"
SEED_DATE = date(2020, 11, 2)
WRONG_WANING_DAY = "ថ្ងៃចន្ទ ៣រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤"

in_range = st.dates(min_value=FIRST_DATE, max_value=LAST_DATE)


def _known_dates() -> list[dict[str, str]]:
    with (RESOURCES / "known-dates.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


KNOWN = _known_dates()


# --- the seed -------------------------------------------------------------------------------


def test_seed_lunar_date_is_formatted_as_in_the_article():
    """2020-11-02 formats exactly as the seed article's lunar date."""
    assert str(lunar_date(SEED_DATE)) == SEED_LUNAR


def test_seed_lunar_date_fields():
    """The seed date is Monday, 2nd waning day of Kattik, Rat, Dosak, BE 2564."""
    seed = lunar_date(SEED_DATE)
    assert seed.gregorian == SEED_DATE
    assert seed.weekday == "ចន្ទ"
    assert (seed.day, seed.phase, seed.phase_khmer) == (2, "waning", "រោច")
    assert seed.month is LunarMonth.KATTIK
    assert (seed.month.khmer, seed.month.romanised) == ("កត្តិក", "Kattik")
    assert seed.animal_year is AnimalYear.RAT
    assert (seed.animal_year.khmer, seed.animal_year.english) == ("ជូត", "Rat")
    assert seed.era is Era.DOSAK
    assert seed.era.khmer == "ទោស័ក"
    assert seed.buddhist_era == 2564
    assert seed.jolak_sakaraj == 1382


def test_seed_lunar_text_converts_to_its_gregorian_date():
    """The seed's lunar date text parses and converts back to 2020-11-02."""
    assert lunar_to_gregorian(parse_lunar_date(SEED_LUNAR)) == SEED_DATE


def test_seed_gregorian_text_parses():
    """The seed article's Khmer Gregorian date parses to 2020-11-02."""
    assert parse_khmer_date(SEED_GREGORIAN_TEXT) == SEED_DATE


def test_seed_gregorian_date_formats_as_in_the_article():
    """format_khmer_date writes 2020-11-02 as the seed article does."""
    assert format_khmer_date(SEED_DATE) == SEED_GREGORIAN_TEXT


def test_seed_check_passes():
    """check_lunar_date accepts the seed's two dates."""
    check_lunar_date(SEED_LUNAR, SEED_DATE)


def test_check_rejects_wrong_waning_day_with_clear_message():
    """A 3rd waning day against 2020-11-02 names the day, both dates and the expected day."""
    with pytest.raises(KhmerDateMismatchError) as caught:
        check_lunar_date(WRONG_WANING_DAY, SEED_DATE)
    message = str(caught.value)
    assert "waning day 3 of Kattik BE 2564 is 2020-11-03, not 2020-11-02" in message
    assert "waning day 2 of Kattik BE 2564" in message
    assert caught.value.part == "lunar day"
    assert caught.value.found == "waning day 3 of Kattik BE 2564"
    assert caught.value.expected == "waning day 2 of Kattik BE 2564"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "part", "words"),
    [
        ("ថ្ងៃអង្គារ ២រោច ខែកត្តិក ព.ស ២៥៦៤", "weekday", ["Monday", "Tuesday"]),
        ("២រោច ខែកត្តិក ឆ្នាំឆ្លូវ ព.ស ២៥៦៤", "animal year", ["Rat", "Ox"]),
        ("២រោច ខែកត្តិក ត្រីស័ក ព.ស ២៥៦៤", "era", ["ទោស័ក", "ត្រីស័ក"]),
        ("២រោច ខែកត្តិក ព.ស ២៥៦៣", "lunar day", ["BE 2563", "2019-11-13"]),
        ("២រោច ខែអស្សុជ ព.ស ២៥៦៤", "lunar day", ["Assoch", "2020-10-04"]),
    ],
    ids=["weekday", "animal", "era", "buddhist-era", "month"],
)
def test_check_names_the_part_that_disagrees(text, part, words):
    """Each disagreeing part is named in the error, with what was expected and found."""
    with pytest.raises(KhmerDateMismatchError) as caught:
        check_lunar_date(text, SEED_DATE)
    assert caught.value.part == part
    for word in words:
        assert word in str(caught.value)


# --- published calendars --------------------------------------------------------------------


def test_known_dates_file_is_large_enough():
    """The known-dates file has at least 40 dated rows, each with a source."""
    assert len(KNOWN) >= 40
    assert all(row["source"].strip() and row["event"].strip() for row in KNOWN)


@pytest.mark.parametrize(
    "row", KNOWN, ids=[f"{row['gregorian']} {row['event'].split(' (')[0]}" for row in KNOWN]
)
def test_known_date(row):
    """A date from a published Cambodian calendar has the lunar facts its event implies."""
    day = date.fromisoformat(row["gregorian"])
    if row["kind"] == "new-year":
        assert khmer_new_year(day.year) == day
        return
    assert row["kind"] == "lunar"
    actual = lunar_date(day)
    month = LunarMonth[row["month"].upper()]
    assert (actual.day, actual.phase, actual.month) == (int(row["day"]), row["phase"], month)
    if row["buddhist_era"]:
        assert actual.buddhist_era == int(row["buddhist_era"])
    if row["animal_year"]:
        assert actual.animal_year is AnimalYear[row["animal_year"].upper()]
    if row["era"]:
        assert actual.era is Era[row["era"].upper()]
    if row["buddhist_era"]:
        parts = LunarDateParts(
            int(row["day"]), row["phase"], month, buddhist_era=int(row["buddhist_era"])
        )
        assert lunar_to_gregorian(parts) == day


def test_new_year_time_is_close_to_the_published_2013_time():
    """The computed 2013 Songkran is within 15 minutes of the published 02:12 on 14 April."""
    published = datetime(2013, 4, 14, 2, 12)  # cambodia-picturetour.com, see known-dates.csv
    assert abs(khmer_new_year_datetime(2013) - published) <= timedelta(minutes=15)


def test_new_year_time_2020():
    """Moha Songkran 2020 is at 20:48 on 13 April (regression value of the Sotin reckoning)."""
    assert khmer_new_year_datetime(2020) == datetime(2020, 4, 13, 20, 48)


def test_animal_year_changes_after_songkran_day():
    """At 00:00 of Songkran day the old animal is in force; the next day has the new one."""
    songkran = khmer_new_year(2020)
    assert lunar_date(songkran).animal_year is AnimalYear.PIG
    assert lunar_date(songkran + timedelta(days=1)).animal_year is AnimalYear.RAT


def test_era_changes_on_lerng_sak():
    """The sak changes on Lerng Sak, the last day (16 April) of the 2020 New Year holiday."""
    assert lunar_date(date(2020, 4, 15)).era is Era.EKASAK
    assert lunar_date(date(2020, 4, 16)).era is Era.DOSAK


def test_leap_month_year_has_two_asadh():
    """2023 (a leap-month year) has Pathamasath and Tutiyasath and no plain Asadh."""
    months = {lunar_date(date(2023, 6, 1) + timedelta(days=n)).month for n in range(100)}
    assert {LunarMonth.PATHAMASATH, LunarMonth.TUTIYASATH} <= months
    assert LunarMonth.ASADH not in months
    with pytest.raises(KhmerDateError, match="Asadh"):
        lunar_to_gregorian(LunarDateParts(1, "waxing", LunarMonth.ASADH, buddhist_era=2567))


def test_leap_day_year_has_a_thirty_day_jesth():
    """2020 (a leap-day year) has a 15th waning day of Jesth; 2019 has not."""
    last_of_jesth = LunarDateParts(15, "waning", LunarMonth.JESTH, buddhist_era=2564)
    assert lunar_date(lunar_to_gregorian(last_of_jesth)).month is LunarMonth.JESTH
    with pytest.raises(KhmerDateError, match="Jesth has 29 days"):
        lunar_to_gregorian(LunarDateParts(15, "waning", LunarMonth.JESTH, buddhist_era=2563))


def _every_day() -> list[date]:
    return [FIRST_DATE + timedelta(days=n) for n in range((LAST_DATE - FIRST_DATE).days + 1)]


def test_lunar_date_round_trips_on_every_day() -> None:
    """Every one of the 73,414 days 1900-2100 survives lunar_date -> str -> parse -> back."""
    days = _every_day()
    assert len(days) == 73_414
    for day in days:
        lunar = lunar_date(day)
        parts = parse_lunar_date(str(lunar))
        assert lunar_to_gregorian(parts) == day, day
        assert (parts.weekday, parts.animal_year, parts.era) == (
            lunar.weekday,
            lunar.animal_year,
            lunar.era,
        ), day
        check_lunar_date(str(lunar), day)


@pytest.mark.slow
def test_consecutive_days_are_consecutive_lunar_days() -> None:
    """Each next day, 1900-2100, is the next lunar day, or the 1st waxing day of a new month."""
    lunar = [lunar_date(day) for day in _every_day()]
    for today, tomorrow in pairwise(lunar):
        number = today.day + (15 if today.phase == "waning" else 0)
        following = tomorrow.day + (15 if tomorrow.phase == "waning" else 0)
        if tomorrow.month is today.month:
            assert following == number + 1, today
        else:
            assert (tomorrow.day, tomorrow.phase) == (1, "waxing"), today
            assert number in (29, 30), today


@pytest.mark.parametrize("day", [date(1899, 12, 31), date(2101, 1, 1)])
def test_lunar_date_outside_range_fails(day):
    """Dates outside 1900-2100 raise a KhmerDateError that states the range."""
    with pytest.raises(KhmerDateError, match="1900-01-01 to 2100-12-31"):
        lunar_date(day)


@pytest.mark.parametrize("year", [1899, 2101])
def test_new_year_outside_range_fails(year):
    """Khmer New Year is only computed for 1900-2100."""
    with pytest.raises(KhmerDateError, match="1900 to 2100"):
        khmer_new_year(year)


def test_lunar_date_is_frozen():
    """LunarDate is immutable."""
    with pytest.raises(FrozenInstanceError):
        lunar_date(SEED_DATE).day = 3  # type: ignore[misc]


# --- parsing lunar dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        SEED_LUNAR,
        "ថ្ងៃចន្ទ ២រោច ខែកត្ដិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤",
        "ថ្ងៃចន្ទ ២ រោច ខែ កត្តិក ឆ្នាំ ជូត ទោស័ក ពុទ្ធសករាជ ២៥៦៤",
        "ថ្ងៃច័ន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស.២៥៦៤",
        "ថ្ងៃចន្ទ\u200b ២រោច\u200b ខែកត្តិក\u200b ឆ្នាំជូត\u200b ទោស័ក\u200b ព.ស\u200b ២៥៦៤",
        "ថ្ងៃចន្ទ 2រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស 2564",
    ],
    ids=["seed", "kattik-da", "spaced", "chan-variant", "zero-width", "ascii-digits"],
)
def test_lunar_spellings_parse_alike(text):
    """Spelling variants of the seed's lunar date all parse to the same parts."""
    parts = parse_lunar_date(text)
    assert parts == LunarDateParts(
        day=2,
        phase="waning",
        month=LunarMonth.KATTIK,
        weekday="ចន្ទ",
        animal_year=AnimalYear.RAT,
        era=Era.DOSAK,
        buddhist_era=2564,
    )


def test_lunar_parts_may_be_missing():
    """Only the day, phase and month are required."""
    parts = parse_lunar_date("១៥កើត ខែពិសាខ")
    assert (parts.day, parts.phase, parts.month) == (15, "waxing", LunarMonth.PISAKH)
    assert (parts.weekday, parts.animal_year, parts.era, parts.buddhist_era) == (None,) * 4
    with pytest.raises(KhmerDateError, match="Buddhist Era"):
        lunar_to_gregorian(parts)


def test_dog_year_is_not_confused_with_chatvasak():
    """The one-letter animal ច (Dog) is read, and ចត្វាស័ក is an era, not a Dog year."""
    assert parse_lunar_date("១កើត ខែមាឃ ឆ្នាំច សប្តស័ក").animal_year is AnimalYear.DOG
    parts = parse_lunar_date("១កើត ខែមាឃ ឆ្នាំរោង ចត្វាស័ក")
    assert (parts.animal_year, parts.era) == (AnimalYear.DRAGON, Era.CHATVASAK)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("ខែកត្តិក ឆ្នាំជូត", "no lunar day"),
        ("២រោច ឆ្នាំជូត", "no lunar month"),
        ("១៦កើត ខែកត្តិក", "1 to 15"),
        ("១៥រោច ខែមិគសិរ", "no 15th waning day"),
        ("", "no lunar day"),
    ],
    ids=["no-day", "no-month", "day-16", "short-month", "empty"],
)
def test_bad_lunar_text_fails(text, match):
    """Lunar dates missing a required part, or impossible, raise KhmerDateError."""
    with pytest.raises(KhmerDateError, match=match):
        parse_lunar_date(text)


# --- Khmer Gregorian dates ------------------------------------------------------------------


@given(in_range, st.booleans())
def test_gregorian_format_round_trips(day, weekday):
    """format_khmer_date and parse_khmer_date are inverse for every date 1900-2100."""
    assert parse_khmer_date(format_khmer_date(day, weekday=weekday)) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ថ្ងៃចន្ទ ទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០", date(2020, 11, 2)),
        ("ថ្ងៃទី 2 ខែ វិច្ឆិកា ឆ្នាំ 2020", date(2020, 11, 2)),
        ("០២ វិច្ឆិកា ២០២០", date(2020, 11, 2)),
        ("ថ្ងៃទី\u200b០២\u200b ខែវិច្ឆិកា\u200b ឆ្នាំ២០២០", date(2020, 11, 2)),
        ("ថ្ងៃច័ន្ទ ទី២ ខែវិច្ឆិកា ឆ្នាំ២០២០", date(2020, 11, 2)),
        ("ថ្ងៃទី១៤ ខែកុម្ភៈ ឆ្នាំ២០២១", date(2021, 2, 14)),
        ("ថ្ងៃទី១៤ ខែកុម្ភះ ឆ្នាំ២០២១", date(2021, 2, 14)),
        ("ថ្ងៃទី១៤ ខែកុម្ភ: ឆ្នាំ២០២១", date(2021, 2, 14)),
        ("ថ្ងៃទី០៧ ខែមករា ឆ្នាំ១៩៧៩", date(1979, 1, 7)),
        ("ថ្ងៃទី០៩ ខែវិច្ឆិកា ឆ្នាំ១៩៥៣", date(1953, 11, 9)),
        ("ថ្ងៃទី០២ ខែ១១ ឆ្នាំ២០២០", date(2020, 11, 2)),
    ],
    ids=[
        "weekday",
        "ascii",
        "bare",
        "zero-width",
        "chan-variant",
        "kumbha-yuukaleapintu",
        "kumbha-reahmuk",
        "kumbha-colon",
        "makara",
        "vicchika",
        "month-number",
    ],
)
def test_gregorian_variants_parse(text, expected):
    """Usual spellings, digits and separators of Khmer Gregorian dates are accepted."""
    assert parse_khmer_date(text) == expected


@pytest.mark.parametrize(
    ("month", "name"),
    list(
        enumerate(
            [
                "មករា",
                "កុម្ភៈ",
                "មីនា",
                "មេសា",
                "ឧសភា",
                "មិថុនា",
                "កក្កដា",
                "សីហា",
                "កញ្ញា",
                "តុលា",
                "វិច្ឆិកា",
                "ធ្នូ",
            ],
            start=1,
        )
    ),
)
def test_every_gregorian_month_name(month, name):
    """Each Khmer Gregorian month name, with or without ខែ, is read as its month."""
    assert parse_khmer_date(f"ថ្ងៃទី០១ ខែ{name} ឆ្នាំ២០២០") == date(2020, month, 1)
    assert parse_khmer_date(f"០១ {name} ២០២០") == date(2020, month, 1)


def test_wrong_weekday_fails_and_says_so():
    """A weekday that disagrees with the date raises and names both weekdays."""
    with pytest.raises(KhmerDateMismatchError, match="weekday") as caught:
        parse_khmer_date("ថ្ងៃអង្គារ ទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០")
    assert "Monday" in str(caught.value)
    assert "Tuesday" in str(caught.value)
    assert (caught.value.expected, caught.value.found) == ("ចន្ទ", "អង្គារ")


@pytest.mark.parametrize(
    "text",
    ["", "ថ្ងៃទី០២ ខែវិច្ឆិកា", "ថ្ងៃទី៣២ ខែមករា ឆ្នាំ២០២០", "ថ្ងៃទី២៩ ខែកុម្ភៈ ឆ្នាំ២០២១", "hello"],
    ids=["empty", "no-year", "day-32", "not-a-leap-year", "latin"],
)
def test_bad_gregorian_text_fails(text):
    """Text that is not a Khmer Gregorian date, or names no real day, raises KhmerDateError."""
    with pytest.raises(KhmerDateError):
        parse_khmer_date(text)


# --- numerals -------------------------------------------------------------------------------


@given(st.integers())
def test_digits_round_trip_integers(number):
    """Any integer written in Khmer digits reads back as itself."""
    assert from_khmer_digits(to_khmer_digits(number)) == number


@given(st.text(alphabet="0123456789", min_size=1, max_size=40))
def test_digit_strings_keep_leading_zeros(text):
    """A string of ASCII digits becomes the same number of Khmer digits."""
    written = to_khmer_digits(text)
    assert len(written) == len(text)
    assert all("០" <= c <= "៩" for c in written)
    assert from_khmer_digits(written) == int(text)


def test_digits_examples():
    """Known numerals: 2564, 08 and 2020."""
    assert to_khmer_digits(2564) == "២៥៦៤"
    assert to_khmer_digits("08") == "០៨"
    assert from_khmer_digits("២០២០") == 2020


@pytest.mark.parametrize("value", ["", "12a", "១ ២", "-", True, 1.5, None])
def test_to_khmer_digits_rejects_non_digits(value):
    """Non-digit input raises KhmerNumeralError, a ValueError."""
    with pytest.raises(KhmerNumeralError):
        to_khmer_digits(value)


@pytest.mark.parametrize("value", ["", "12", "១x", "-", "១.៥"])
def test_from_khmer_digits_rejects_non_khmer_digits(value):
    """Anything but Khmer digits raises KhmerNumeralError, a ValueError and KhmerDateError."""
    with pytest.raises(KhmerNumeralError) as caught:
        from_khmer_digits(value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, KhmerDateError)


# --- names and API --------------------------------------------------------------------------


def test_month_names():
    """The 14 lunar months carry their Khmer and romanised names."""
    assert [m.romanised for m in LunarMonth] == [
        "Mikasar",
        "Bos",
        "Meak",
        "Phalgun",
        "Chetr",
        "Pisakh",
        "Jesth",
        "Asadh",
        "Pathamasath",
        "Tutiyasath",
        "Srap",
        "Photrobot",
        "Assoch",
        "Kattik",
    ]
    assert LunarMonth.PATHAMASATH.khmer == "បឋមាសាឍ"
    assert LunarMonth.TUTIYASATH.khmer == "ទុតិយាសាឍ"


def test_era_names_and_numbers():
    """The ten sak run ឯកស័ក (1) to សំរឹទ្ធិស័ក (0)."""
    assert [e.khmer for e in Era] == [
        "ឯកស័ក",
        "ទោស័ក",
        "ត្រីស័ក",
        "ចត្វាស័ក",
        "បញ្ចស័ក",
        "ឆស័ក",
        "សប្តស័ក",
        "អដ្ឋស័ក",
        "នព្វស័ក",
        "សំរឹទ្ធិស័ក",
    ]
    assert [e.number for e in Era] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]


def test_animal_order():
    """The twelve animals start with the Rat (ជូត) and end with the Pig (កុរ)."""
    assert [a.english for a in AnimalYear][:3] == ["Rat", "Ox", "Tiger"]
    assert AnimalYear.PIG.khmer == "កុរ"
    assert len(AnimalYear) == 12


def test_all_names_exist_and_public_functions_have_examples():
    """Every name in __all__ exists, and every public function has a >>> example."""
    for name in khmer.__all__:
        value = getattr(khmer, name)
        if inspect.isfunction(value):
            assert value.__doc__ is not None
            assert ">>>" in value.__doc__, name
    public = {
        name
        for name, value in vars(khmer).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == khmer.__name__
        and (inspect.isfunction(value) or inspect.isclass(value))
    }
    assert public <= set(khmer.__all__)


# --- any date to Gregorian -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-02-30", "2020-02-30: day is out of range for month"),
        ("២០២០-០២-៣០", "២០២០-០២-៣០: day is out of range for month"),
        ("2020-13-01", "2020-13-01: month must be in 1..12"),
    ],
)
def test_to_gregorian_names_the_day_that_does_not_exist(text: str, message: str) -> None:
    """An ISO-shaped date that does not exist says which part is out of range."""
    with pytest.raises(KhmerDateError) as caught:
        khmer.to_gregorian(text)
    assert str(caught.value) == message


def test_to_gregorian_reads_numeric_dates_day_first() -> None:
    """ISO dates are year first; other numeric dates day first: 11/02/2020 is 11 February."""
    assert khmer.to_gregorian("2020-11-02") == date(2020, 11, 2)
    assert khmer.to_gregorian("២០២០-១១-០២") == date(2020, 11, 2)
    assert khmer.to_gregorian("11/02/2020") == date(2020, 2, 11)
    assert khmer.to_gregorian("2.11.2020") == date(2020, 11, 2)
    with pytest.raises(KhmerDateError, match="the day comes first: DD/MM/YYYY"):
        khmer.to_gregorian("02/30/2020")
