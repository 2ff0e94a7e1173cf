"""Khmer numerals, Khmer Gregorian dates and the Khmer lunisolar calendar (Chhankitek).

Cambodian sources date events twice: in the Gregorian calendar written in Khmer
("ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០") and in the traditional lunisolar calendar
("ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤": Monday, 2nd waning day of Kattik, year of
the Rat, Dosak, Buddhist Era 2564). This module reads and writes both, converts between them,
and checks that the two dates a source gives agree.

>>> from datetime import date
>>> str(lunar_date(date(2020, 11, 2)))
'ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤'
>>> parse_khmer_date("ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០")
datetime.date(2020, 11, 2)

The calendar
------------

The Chhankitek is arithmetic, not astronomical: a few integer formulas, applied to the Buddhist
Era (BE) year, decide whether a lunar year is normal (354 days), has a leap day (ចន្ទ្រាធិមាស,
355 days, Jesth gets 30 days) or a leap month (អធិកមាស, 384 days, Asadh is doubled into
បឋមាសាឍ Pathamasath and ទុតិយាសាឍ Tutiyasath). Months otherwise alternate 29 and 30 days,
from Mikasar (29) to Kattik (30); each has 15 waxing days (កើត) and 14 or 15 waning days (រោច).

For a BE year *b*:

* Aharkun ``a = (b * 292207 + 499) // 800 + 4``;
  Kromthupul ``k = 800 - (b * 292207 + 499) % 800``; the solar year has 366 days if ``k <= 207``;
* Avoman ``(11 * a + 25) % 692``; Bodithey ``((11 * a + 25) // 692 + a + 29) % 30``;
* leap month if Bodithey is over 24 or under 6, except that of two consecutive years with
  Bodithey 25 then 5 only the second is a leap-month year, and of 24 then 6 the first is;
* leap day if Avoman is under 127 (366-day solar year) or under 138 (365-day solar year),
  except that of Avoman 137 followed by 0 only the second is a leap-day year;
* a year that would have both keeps the leap month, and its leap day moves to the next year.

The leap rules of BE year ``y + 544`` apply to the Jesth and Asadh of Gregorian year ``y``.
Counting starts from the epoch 1900-01-01 = 1st waxing day (១កើត) of Bos, and this module
covers Gregorian 1900-01-01 to 2100-12-31.

Year labels change at three different moments:

* the Buddhist Era changes at 00:00 on the 1st waning day of Pisakh, the day after Visak
  Bochea (from then on BE = AD + 544; before it, AD + 543);
* the animal year changes at the moment of Moha Songkran (Khmer New Year, mid-April);
* the era (ស័ក, the last digit of the Chula Sakarat year, AD - 638 after New Year) changes at
  00:00 of Lerng Sak (ថ្ងៃឡើងស័ក), the last day of the New Year holiday.

A :class:`LunarDate` gives the labels in force at 00:00 of its day, so on the day of Moha
Songkran it still shows the old animal year.

The day of Lerng Sak is the lunar day given by the Bodithey of the new Chula Sakarat year (in
Chetr, or in Pisakh when Bodithey is under 6; one day later after a year whose leap day was
deferred because it also had a leap month); Moha Songkran is two or three days before it,
three when the sun enters Aries early enough to leave two Vonabat days. The moment the sun
enters Aries comes from the traditional mean-sun and equation-of-centre tables ("Sotin").

Sources of the rules (read for this module; no code was copied):

* Roath Kim Soeun, *Pratitin Soryakkatik-Chankatik 1900-1999* and *2000-2099*
  (ប្រតិទិនសុរិយគតិ-ចន្ទគតិ), and *អត្តាឡើងស័កនិងមហាសង្ក្រាន្ត* (Lerng Sak and Moha Songkran),
  as presented by Phylypo Tum, "Khmer Chhankitek Calendar":
  https://khmer-calendar.tovnah.com/calendar/algorithm.php (the leap rules above),
  https://www.cam-cc.org/calendar/computer-method.php (the Bodithey/Protetin leap procedure),
  https://khmer-calendar.tovnah.com/calendar/newyear_april.php (Lerng Sak, Vonabat, Songkran),
  https://sangham.net/en/calender/khmer_chhankitek (the same work, version 2.0);
* the MIT-licensed ThyrithSor/momentkh (``momentkh.ts``, v3), read to cross-check the epoch,
  the month sequence and the Sotin computation of the New Year time; it credits the same
  book, a ``khmer_calendar.cpp`` and http://www.dahlina.com/education/khmer_new_year_time.html.

Published Cambodian calendars (public holidays set by sub-decree) are checked against this
module in ``tests/resources/khmer/known-dates.csv``.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Final, Literal, TypeVar

from .errors import KhmerDateError, KhmerDateMismatchError, KhmerNumeralError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "AnimalYear",
    "Era",
    "KhmerDateError",
    "KhmerDateMismatchError",
    "KhmerNumeralError",
    "LunarDate",
    "LunarDateParts",
    "LunarMonth",
    "MoonPhase",
    "check_lunar_date",
    "format_khmer_date",
    "from_khmer_digits",
    "khmer_new_year",
    "khmer_new_year_datetime",
    "lunar_date",
    "lunar_to_gregorian",
    "normalise",
    "parse_khmer_date",
    "parse_lunar_date",
    "to_gregorian",
    "to_khmer_digits",
]

FIRST_DATE: Final = date(1900, 1, 1)
"""The first Gregorian date the lunar calendar covers (the epoch, ១កើត ខែបុស្ស)."""

LAST_DATE: Final = date(2100, 12, 31)
"""The last Gregorian date the lunar calendar covers."""

MoonPhase = Literal["waxing", "waning"]
"""The half of a lunar month: waxing (កើត, days 1-15) or waning (រោច, days 1-14 or 15)."""


# ---------------------------------------------------------------------------------------------
# Numerals
# ---------------------------------------------------------------------------------------------

_KHMER_DIGITS: Final = "០១២៣៤៥៦៧៨៩"
_TO_KHMER: Final = str.maketrans("0123456789", _KHMER_DIGITS)
_TO_ASCII: Final = str.maketrans(_KHMER_DIGITS, "0123456789")


def to_khmer_digits(n: int | str) -> str:
    """Write an integer, or a string of digits, with Khmer digits.

    A string keeps its leading zeros; it may already hold Khmer digits.

    :param n: an integer (possibly negative) or a non-empty string of ASCII or Khmer digits
    :returns: the same number written with ០១២៣៤៥៦៧៨៩
    :raises KhmerNumeralError: for a bool, a float, or a string with anything but digits

    >>> to_khmer_digits(2564)
    '២៥៦៤'
    >>> to_khmer_digits("08")
    '០៨'
    """
    if isinstance(n, bool) or not isinstance(n, int | str):
        raise KhmerNumeralError(f"expected an int or a string of digits, got {n!r}")
    if isinstance(n, int):
        return str(n).translate(_TO_KHMER)
    if not n or any(c not in "0123456789" and c not in _KHMER_DIGITS for c in n):
        raise KhmerNumeralError(f"not a string of digits: {n!r} (use only 0-9 or ០-៩)")
    return n.translate(_TO_KHMER)


def from_khmer_digits(s: str) -> int:
    """Read a number written with Khmer digits.

    Surrounding white space is ignored and a leading ``-`` is allowed.

    :param s: Khmer digits such as ``"២០២០"``
    :returns: the integer they write
    :raises KhmerNumeralError: if anything but Khmer digits is there (ASCII digits included)

    >>> from_khmer_digits("២០២០")
    2020
    >>> from_khmer_digits("០៨")
    8
    """
    if not isinstance(s, str):
        raise KhmerNumeralError(f"expected a string of Khmer digits, got {s!r}")
    body = s.strip()
    sign = 1
    if body.startswith("-"):
        sign, body = -1, body[1:]
    if not body or any(c not in _KHMER_DIGITS for c in body):
        raise KhmerNumeralError(f"not a Khmer numeral: {s!r} (use only the digits ០-៩)")
    return sign * int(body.translate(_TO_ASCII))


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_WEEKDAYS: Final = ("ចន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ")
"""Khmer weekday names, Monday first as in :meth:`datetime.date.weekday`."""

_WEEKDAYS_EN: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Spellings seen in Cambodian texts for each weekday (index as in _WEEKDAYS).
_WEEKDAY_VARIANTS: Final = (
    ("ចន្ទ", "ច័ន្ទ", "ចន្ទន៍"),
    ("អង្គារ", "អង្គារ៍"),
    ("ពុធ", "ពុត"),
    ("ព្រហស្បតិ៍", "ព្រហស្បត្តិ៍", "ព្រហស្បតិ", "ព្រហស្បត្តិ", "ព្រហ"),
    ("សុក្រ",),
    ("សៅរ៍", "សៅរិ៍", "សៅរ"),
    ("អាទិត្យ",),
)

_GREGORIAN_MONTHS: Final = (
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
)

# Spellings of the Gregorian months, after normalisation (see _normalise): the final ៈ of
# កុម្ភៈ is also written ះ or ":" and is removed, and so is a final ា dropped by some writers.
_GREGORIAN_MONTH_VARIANTS: Final = (
    ("មករា",),
    ("កុម្ភៈ", "កុម្ភះ", "កុម្ភ:", "កុម្ភ"),
    ("មីនា",),
    ("មេសា",),
    ("ឧសភា", "ឧសភ"),
    ("មិថុនា",),
    ("កក្កដា", "កក្តដា"),
    ("សីហា",),
    ("កញ្ញា",),
    ("តុលា",),
    ("វិច្ឆិកា", "វិច្ចិកា"),
    ("ធ្នូ",),
)


class LunarMonth(enum.Enum):
    """A month of the Khmer lunar calendar; the value is its Khmer name.

    The twelve months run from Mikasar to Kattik; a leap-month year replaces Asadh by
    Pathamasath and Tutiyasath.

    >>> LunarMonth.KATTIK.khmer, LunarMonth.KATTIK.romanised
    ('កត្តិក', 'Kattik')
    >>> LunarMonth.PATHAMASATH.romanised
    'Pathamasath'
    """

    MIKASAR = "មិគសិរ"
    BOS = "បុស្ស"
    MEAK = "មាឃ"
    PHALGUN = "ផល្គុន"
    CHETR = "ចេត្រ"
    PISAKH = "ពិសាខ"
    JESTH = "ជេស្ឋ"
    ASADH = "អាសាឍ"
    PATHAMASATH = "បឋមាសាឍ"
    TUTIYASATH = "ទុតិយាសាឍ"
    SRAP = "ស្រាពណ៍"
    PHOTROBOT = "ភទ្របទ"
    ASSOCH = "អស្សុជ"
    KATTIK = "កត្តិក"

    @property
    def khmer(self) -> str:
        """The Khmer name, as printed in Cambodian calendars (``"កត្តិក"``)."""
        return str(self.value)

    @property
    def romanised(self) -> str:
        """A common romanisation (``"Kattik"``)."""
        return _MONTH_ROMAN[self]

    @property
    def days(self) -> int:
        """The usual length in days; Jesth has 30 in a leap-day year."""
        return _MONTH_DAYS[self]


_MONTH_ROMAN: Final = {
    LunarMonth.MIKASAR: "Mikasar",
    LunarMonth.BOS: "Bos",
    LunarMonth.MEAK: "Meak",
    LunarMonth.PHALGUN: "Phalgun",
    LunarMonth.CHETR: "Chetr",
    LunarMonth.PISAKH: "Pisakh",
    LunarMonth.JESTH: "Jesth",
    LunarMonth.ASADH: "Asadh",
    LunarMonth.PATHAMASATH: "Pathamasath",
    LunarMonth.TUTIYASATH: "Tutiyasath",
    LunarMonth.SRAP: "Srap",
    LunarMonth.PHOTROBOT: "Photrobot",
    LunarMonth.ASSOCH: "Assoch",
    LunarMonth.KATTIK: "Kattik",
}

_MONTH_DAYS: Final = {
    LunarMonth.MIKASAR: 29,
    LunarMonth.BOS: 30,
    LunarMonth.MEAK: 29,
    LunarMonth.PHALGUN: 30,
    LunarMonth.CHETR: 29,
    LunarMonth.PISAKH: 30,
    LunarMonth.JESTH: 29,
    LunarMonth.ASADH: 30,
    LunarMonth.PATHAMASATH: 30,
    LunarMonth.TUTIYASATH: 30,
    LunarMonth.SRAP: 29,
    LunarMonth.PHOTROBOT: 30,
    LunarMonth.ASSOCH: 29,
    LunarMonth.KATTIK: 30,
}

# Other spellings of the lunar months, after normalisation (្ដ is read as ្ត).
_LUNAR_MONTH_VARIANTS: Final = {
    LunarMonth.MIKASAR: ("មិគសិរ", "មិគសិរ៍", "មិគ្គសិរ"),
    LunarMonth.BOS: ("បុស្ស", "បុស្ស៍", "បុស"),
    LunarMonth.MEAK: ("មាឃ",),
    LunarMonth.PHALGUN: ("ផល្គុន", "ផល្គុណ"),
    LunarMonth.CHETR: ("ចេត្រ", "ចេត្ត"),
    LunarMonth.PISAKH: ("ពិសាខ", "វិសាខ"),
    LunarMonth.JESTH: ("ជេស្ឋ", "ជេស្ឍ", "ជេស្ដ"),
    LunarMonth.ASADH: ("អាសាឍ", "អាសាធ"),
    LunarMonth.PATHAMASATH: ("បឋមាសាឍ", "បឋមសាឍ", "បឋមាសាធ"),
    LunarMonth.TUTIYASATH: ("ទុតិយាសាឍ", "ទុតិយសាឍ", "ទុតិយាសាធ"),
    LunarMonth.SRAP: ("ស្រាពណ៍", "ស្រាពណ", "ស្រាពន៍"),
    LunarMonth.PHOTROBOT: ("ភទ្របទ", "ភទ្របទ៍"),
    LunarMonth.ASSOCH: ("អស្សុជ", "អស្សុជ៍"),
    LunarMonth.KATTIK: ("កត្តិក", "កក្តិក", "កត្តិក៍"),
}


class AnimalYear(enum.Enum):
    """An animal of the 12-year cycle; the value is its Khmer name.

    >>> AnimalYear.RAT.khmer, AnimalYear.RAT.romanised, AnimalYear.RAT.english
    ('ជូត', 'Chhut', 'Rat')
    """

    RAT = "ជូត"
    OX = "ឆ្លូវ"
    TIGER = "ខាល"
    RABBIT = "ថោះ"
    DRAGON = "រោង"
    SNAKE = "ម្សាញ់"
    HORSE = "មមី"
    GOAT = "មមែ"
    MONKEY = "វក"
    ROOSTER = "រកា"
    DOG = "ច"
    PIG = "កុរ"

    @property
    def khmer(self) -> str:
        """The Khmer name (``"ជូត"``)."""
        return str(self.value)

    @property
    def romanised(self) -> str:
        """A common romanisation of the Khmer name (``"Chhut"``)."""
        return _ANIMAL_ROMAN[self]

    @property
    def english(self) -> str:
        """The English name of the animal (``"Rat"``)."""
        return self.name.capitalize()


_ANIMALS: Final = tuple(AnimalYear)

_ANIMAL_ROMAN: Final = {
    AnimalYear.RAT: "Chhut",
    AnimalYear.OX: "Chlov",
    AnimalYear.TIGER: "Khal",
    AnimalYear.RABBIT: "Thos",
    AnimalYear.DRAGON: "Rong",
    AnimalYear.SNAKE: "Masanh",
    AnimalYear.HORSE: "Momee",
    AnimalYear.GOAT: "Momae",
    AnimalYear.MONKEY: "Vok",
    AnimalYear.ROOSTER: "Roka",
    AnimalYear.DOG: "Cho",
    AnimalYear.PIG: "Kor",
}

_ANIMAL_VARIANTS: Final = {
    AnimalYear.RAT: ("ជូត",),
    AnimalYear.OX: ("ឆ្លូវ",),
    AnimalYear.TIGER: ("ខាល",),
    AnimalYear.RABBIT: ("ថោះ", "ថោស"),
    AnimalYear.DRAGON: ("រោង",),
    AnimalYear.SNAKE: ("ម្សាញ់", "ម្សាញ"),
    AnimalYear.HORSE: ("មមី",),
    AnimalYear.GOAT: ("មមែ",),
    AnimalYear.MONKEY: ("វក",),
    AnimalYear.ROOSTER: ("រកា",),
    AnimalYear.DOG: ("ច",),
    AnimalYear.PIG: ("កុរ",),
}


class Era(enum.Enum):
    """A year of the 10-year ស័ក (sak) cycle; the value is its Khmer name.

    The sak is the last digit of the Chula Sakarat (Jolak Sakaraj) year: 1 is ឯកស័ក, ...,
    0 is សំរឹទ្ធិស័ក.

    >>> Era.DOSAK.khmer, Era.DOSAK.number, Era.DOSAK.romanised
    ('ទោស័ក', 2, 'Dosak')
    """

    EKASAK = "ឯកស័ក"
    DOSAK = "ទោស័ក"
    TREISAK = "ត្រីស័ក"
    CHATVASAK = "ចត្វាស័ក"
    PANCHASAK = "បញ្ចស័ក"
    CHHOSAK = "ឆស័ក"
    SAPTASAK = "សប្តស័ក"
    ATTHASAK = "អដ្ឋស័ក"
    NOPPASAK = "នព្វស័ក"
    SAMRITHISAK = "សំរឹទ្ធិស័ក"

    @property
    def khmer(self) -> str:
        """The Khmer name (``"ទោស័ក"``)."""
        return str(self.value)

    @property
    def number(self) -> int:
        """The last digit of the Chula Sakarat year (``0`` for សំរឹទ្ធិស័ក)."""
        return (_ERAS.index(self) + 1) % 10

    @property
    def romanised(self) -> str:
        """A common romanisation (``"Dosak"``)."""
        return self.name.capitalize()


_ERAS: Final = tuple(Era)

_ERA_VARIANTS: Final = {
    Era.EKASAK: ("ឯកស័ក",),
    Era.DOSAK: ("ទោស័ក",),
    Era.TREISAK: ("ត្រីស័ក", "ត្រីណិស័ក"),
    Era.CHATVASAK: ("ចត្វាស័ក",),
    Era.PANCHASAK: ("បញ្ចស័ក",),
    Era.CHHOSAK: ("ឆស័ក",),
    Era.SAPTASAK: ("សប្តស័ក",),
    Era.ATTHASAK: ("អដ្ឋស័ក",),
    Era.NOPPASAK: ("នព្វស័ក",),
    Era.SAMRITHISAK: ("សំរឹទ្ធិស័ក", "សម្រឹទ្ធិស័ក"),
}

_PHASE_KHMER: Final[dict[MoonPhase, str]] = {"waxing": "កើត", "waning": "រោច"}


# ---------------------------------------------------------------------------------------------
# Text normalisation
# ---------------------------------------------------------------------------------------------

_K = TypeVar("_K")

_INVISIBLE: Final = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


#: A subscript ro (coeng ro) typed before another subscript: ស្រ្តី for ស្ត្រី.
_RO_FIRST: Final = re.compile("\u17d2\u179a(\u17d2[\u1780-\u17a2])")


def normalise(text: str) -> str:
    """Return ``text`` in one spelling: NFC, no zero-width characters, ASCII digits, ្ត for ្ដ.

    The subscript ta (្ត) and subscript da (្ដ) look alike and are used interchangeably, as in
    កត្តិក / កត្ដិក and សប្តស័ក / សប្ដស័ក; so are the colon-like signs ៈ (U+17C8) and ":". A
    cluster with two subscripts, one of them ro, looks the same whichever is typed first
    (ស្ត្រី, ស្រ្តី): the subscript ro is put last, as Unicode recommends. Runs of white space
    become one space.

    >>> normalise("ស្រ្តី") == normalise("ស្ត្រី") == "ស្ត្រី"
    True
    >>> normalise("ឆ្នាំ\u200b២០២០")
    'ឆ្នាំ2020'
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.translate(_TO_ASCII).replace("\u17d2\u178a", "\u17d2\u178f")
    text = _RO_FIRST.sub("\\1\u17d2\u179a", text)
    text = text.replace("\u00a0", " ").replace("\u17c8", ":")
    return re.sub(r"\s+", " ", text).strip()


_normalise = normalise  # the name the readers of dates below use


def _alternation(names: Iterable[str], special: Mapping[str, str] | None = None) -> str:
    """Build a regular-expression alternation of ``names``, longest first.

    ``special`` replaces the escaped form of some names (to add a lookahead, say).
    """
    special = special or {}
    ordered = sorted(names, key=len, reverse=True)
    return "|".join(special.get(n, re.escape(n)) for n in ordered)


def _lookup(variants: Mapping[_K, tuple[str, ...]]) -> dict[str, _K]:
    return {_normalise(v): key for key, spellings in variants.items() for v in spellings}


_WEEKDAY_BY_NAME: Final = _lookup({i: names for i, names in enumerate(_WEEKDAY_VARIANTS)})
_GMONTH_BY_NAME: Final = _lookup(
    {i + 1: names for i, names in enumerate(_GREGORIAN_MONTH_VARIANTS)}
)
_LMONTH_BY_NAME: Final = _lookup(_LUNAR_MONTH_VARIANTS)
_ANIMAL_BY_NAME: Final = _lookup(_ANIMAL_VARIANTS)
_ERA_BY_NAME: Final = _lookup(_ERA_VARIANTS)

_WEEKDAY_RE: Final = _alternation(_WEEKDAY_BY_NAME)
_GMONTH_RE: Final = _alternation(_GMONTH_BY_NAME)
_LMONTH_RE: Final = _alternation(_LMONTH_BY_NAME)
# ច (Dog) must not swallow the start of the era name ចត្វាស័ក.
_ANIMAL_RE: Final = _alternation(_ANIMAL_BY_NAME, {"ច": "ច(?!ត្វា)"})
_ERA_RE: Final = _alternation(_ERA_BY_NAME)


# ---------------------------------------------------------------------------------------------
# Khmer Gregorian dates
# ---------------------------------------------------------------------------------------------

#: An ISO date, year first (after :func:`_normalise`, so Khmer digits too).
_ISO_RE: Final = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")

_GREGORIAN_RE: Final = re.compile(
    rf"""
    (?:ថ្ងៃ\s?(?P<weekday>{_WEEKDAY_RE})\s?,?\s?)?
    (?:ថ្ងៃ\s?)?(?:ទី\s?)?
    (?P<day>\d{{1,2}})
    [\s/.,-]*(?:ខែ\s?)?
    (?:(?P<month_name>{_GMONTH_RE})|(?P<month_number>\d{{1,2}}))
    [\s/.,-]*(?:ឆ្នាំ\s?)?(?:គ\.?\s?ស\.?\s?)?
    (?P<year>\d{{4}})
    \s?[.។]?
    """,
    re.VERBOSE,
)


def parse_khmer_date(text: str) -> date:
    """Read a Gregorian date written in Khmer.

    Khmer or ASCII digits, an optional weekday (checked), the usual spellings of the month
    names, and the optional words ថ្ងៃ (day), ទី (ordinal), ខែ (month) and ឆ្នាំ (year) are all
    accepted; so are zero-width spaces. The day comes first, then the month, then the year, as
    Cambodian texts write them: ``11/02/2020`` is 11 February 2020, never November 2.

    :param text: e.g. ``"ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០"`` or ``"ថ្ងៃចន្ទ ទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០"``
    :returns: the date
    :raises KhmerDateError: if the text is not such a date, or names a day that does not exist
    :raises KhmerDateMismatchError: if the weekday given is not the weekday of the date

    >>> parse_khmer_date("ថ្ងៃចន្ទ ទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០")
    datetime.date(2020, 11, 2)
    >>> parse_khmer_date("14 កុម្ភះ 2021")
    datetime.date(2021, 2, 14)
    """
    if not isinstance(text, str):
        raise KhmerDateError(f"expected text, got {text!r}")
    match = _GREGORIAN_RE.fullmatch(_normalise(text))
    if match is None:
        raise KhmerDateError(
            f"not a Khmer Gregorian date: {text!r} "
            "(expected something like 'ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០')"
        )
    if match["month_name"] is not None:
        month = _GMONTH_BY_NAME[match["month_name"]]
    else:
        month = int(match["month_number"])
    try:
        result = date(int(match["year"]), month, int(match["day"]))
    except ValueError as error:
        hint = "; the day comes first: DD/MM/YYYY" if month > 12 else ""
        raise KhmerDateError(f"no such date: {text!r} ({error}{hint})") from None
    if match["weekday"] is not None:
        _check_weekday(_WEEKDAY_BY_NAME[match["weekday"]], result, text)
    return result


def _check_weekday(found: int, day: date, text: str) -> None:
    expected = day.weekday()
    if found != expected:
        raise KhmerDateMismatchError(
            f"{text!r}: the weekday says {_WEEKDAYS[found]} ({_WEEKDAYS_EN[found]}) but "
            f"{day.isoformat()} is a {_WEEKDAYS_EN[expected]} ({_WEEKDAYS[expected]})",
            part="weekday",
            expected=_WEEKDAYS[expected],
            found=_WEEKDAYS[found],
        )


def format_khmer_date(d: date, *, weekday: bool = False) -> str:
    """Write a Gregorian date in Khmer, with a two-digit day as in official texts.

    :param d: the date
    :param weekday: also name the weekday (``"ថ្ងៃចន្ទ ទី០២ ..."``)
    :returns: e.g. ``"ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០"``

    >>> format_khmer_date(date(2020, 11, 2))
    'ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០'
    >>> format_khmer_date(date(2020, 11, 2), weekday=True)
    'ថ្ងៃចន្ទ ទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០'
    """
    day = to_khmer_digits(f"{d.day:02d}")
    rest = f"ខែ{_GREGORIAN_MONTHS[d.month - 1]} ឆ្នាំ{to_khmer_digits(d.year)}"
    if weekday:
        return f"ថ្ងៃ{_WEEKDAYS[d.weekday()]} ទី{day} {rest}"
    return f"ថ្ងៃទី{day} {rest}"


# ---------------------------------------------------------------------------------------------
# The Chhankitek arithmetic
# ---------------------------------------------------------------------------------------------

_NORMAL: Final = 0
_LEAP_MONTH: Final = 1  # អធិកមាស
_LEAP_DAY: Final = 2  # ចន្ទ្រាធិមាស


def _aharkun(be_year: int) -> int:
    return (be_year * 292207 + 499) // 800 + 4


def _kromthupul(be_year: int) -> int:
    return 800 - (be_year * 292207 + 499) % 800


def _avoman(be_year: int) -> int:
    return (_aharkun(be_year) * 11 + 25) % 692


def _bodithey(be_year: int) -> int:
    aharkun = _aharkun(be_year)
    return ((aharkun * 11 + 25) // 692 + aharkun + 29) % 30


def _has_leap_month(be_year: int) -> bool:
    """Whether Bodithey makes ``be_year`` an Adhikameas (leap-month) year."""
    bodithey, following = _bodithey(be_year), _bodithey(be_year + 1)
    if bodithey == 25 and following == 5:
        return False
    if bodithey == 24 and following == 6:
        return True
    return bodithey > 24 or bodithey < 6


def _has_leap_day(be_year: int) -> bool:
    """Whether Avoman makes ``be_year`` a Chantrathimeas (leap-day) year, before deferral."""
    avoman = _avoman(be_year)
    if _kromthupul(be_year) <= 207:
        return avoman < 127
    if avoman == 137 and _avoman(be_year + 1) == 0:
        return False
    return avoman < 138


@functools.cache
def _leap_type(be_year: int) -> int:
    """Return the kind of lunar year (Protetin leap): normal, leap month, or leap day.

    A year with both a leap month and a leap day keeps the month; its day goes to the next
    year that has no leap month.
    """
    if _has_leap_month(be_year):
        return _LEAP_MONTH
    if _has_leap_day(be_year):
        return _LEAP_DAY
    previous = be_year - 1
    while _has_leap_month(previous):
        if _has_leap_day(previous):
            return _LEAP_DAY
        previous -= 1
    return _NORMAL


def _cycle_months(cycle: int) -> list[tuple[LunarMonth, int]]:
    """List the months, with lengths, of the lunar year whose Jesth is in Gregorian ``cycle``."""
    kind = _leap_type(cycle + 544)
    months: list[tuple[LunarMonth, int]] = []
    for month in LunarMonth:
        if month in (LunarMonth.PATHAMASATH, LunarMonth.TUTIYASATH, LunarMonth.ASADH):
            leap_months = month is not LunarMonth.ASADH
            if leap_months != (kind == _LEAP_MONTH):
                continue
        days = month.days + (month is LunarMonth.JESTH and kind == _LEAP_DAY)
        months.append((month, days))
    return months


@dataclass(frozen=True)
class _Month:
    start: int  # proleptic Gregorian ordinal of its 1st waxing day
    cycle: int  # the Gregorian year of its lunar year's Jesth
    month: LunarMonth
    days: int


@functools.cache
def _month_table() -> tuple[list[int], list[_Month]]:
    """Every lunar month from the epoch (១កើត ខែបុស្ស = 1900-01-01) past LAST_DATE."""
    starts: list[int] = []
    months: list[_Month] = []
    ordinal = FIRST_DATE.toordinal()
    cycle = FIRST_DATE.year
    # One lunar year past LAST_DATE, so that every month starting in range is complete.
    end = LAST_DATE.toordinal() + 400
    while ordinal <= end:
        for month, days in _cycle_months(cycle):
            if cycle == FIRST_DATE.year and month is LunarMonth.MIKASAR:
                continue  # the epoch is the 1st of Bos
            starts.append(ordinal)
            months.append(_Month(ordinal, cycle, month, days))
            ordinal += days
        cycle += 1
    return starts, months


def _find_month(cycle: int, month: LunarMonth) -> _Month | None:
    starts, months = _month_table()
    # Jesth of a cycle starts in May or June of that year; its months lie around it.
    guess = bisect.bisect_right(starts, date(cycle, 6, 1).toordinal())
    for candidate in months[max(guess - 8, 0) : guess + 10]:
        if candidate.cycle == cycle and candidate.month is month:
            return candidate
    return None


def _check_range(d: date) -> None:
    if not FIRST_DATE <= d <= LAST_DATE:
        raise KhmerDateError(
            f"{d.isoformat()} is outside the range of the Khmer lunar calendar here "
            f"({FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()})"
        )


def _be_year(cycle: int, month: LunarMonth, day_number: int) -> int:
    """Return the Buddhist Era of a lunar day; it changes on ១រោច ខែពិសាខ (day number 15)."""
    before_pisakh = list(LunarMonth).index(month) < list(LunarMonth).index(LunarMonth.PISAKH)
    if before_pisakh or (month is LunarMonth.PISAKH and day_number < 15):
        return cycle + 543
    return cycle + 544


# ---------------------------------------------------------------------------------------------
# Khmer New Year (Moha Songkran) and Lerng Sak
# ---------------------------------------------------------------------------------------------

# Angles are counted in libda (arc minutes): 60 libda = 1 angsar (degree), 30 angsar = 1 reasey
# (sign of the zodiac).
_LIBDA_PER_REASEY: Final = 30 * 60

# The equation of centre, read by khan (half-sign steps): (multiplier, chhaya in libda).
_CHHAYA: Final = ((35, 0), (32, 35), (27, 67), (22, 94), (13, 116), (5, 129))


def _sun_longitude(js_year: int, sotin: int) -> int:
    """Return the true sun's longitude in libda, ``sotin`` days into Chula Sakarat ``js_year``.

    The mean sun comes from the day count and the previous year's Kromthupul; the equation of
    centre is taken from its anomaly (the apogee is at 2 signs 20 degrees).
    """
    kromthupul = _kromthupul(js_year - 1 + 1182)
    mean = 800 * sotin + kromthupul
    reasey, rest = divmod(mean, 24350)
    angsar, rest = divmod(rest, 811)
    mean_libda = reasey * _LIBDA_PER_REASEY + angsar * 60 + rest // 14 - 3
    anomaly = (mean_libda - (2 * _LIBDA_PER_REASEY + 20 * 60)) % (12 * _LIBDA_PER_REASEY)
    quadrant = anomaly // _LIBDA_PER_REASEY
    if quadrant <= 2:
        reduced = anomaly
    elif quadrant <= 5:
        reduced = 6 * _LIBDA_PER_REASEY - anomaly
    elif quadrant <= 8:
        reduced = anomaly - 6 * _LIBDA_PER_REASEY
    else:
        reduced = 12 * _LIBDA_PER_REASEY - anomaly
    reduced_reasey, reduced_libda = divmod(reduced, _LIBDA_PER_REASEY)
    khan = 2 * reduced_reasey + (reduced_libda >= 15 * 60)
    into_khan = reduced_libda % (15 * 60)
    multiplier, chhaya = _CHHAYA[khan] if khan <= 5 else (0, 134)
    correction = into_khan * multiplier // 900 + chhaya
    return mean_libda - correction if quadrant <= 5 else mean_libda + correction


@dataclass(frozen=True)
class _NewYear:
    songkran: datetime  # the moment of Moha Songkran
    lerng_sak: date  # the last day of the holiday, when the era changes


@functools.cache
def _new_year(year: int) -> _NewYear:
    """Moha Songkran and Lerng Sak of Gregorian ``year`` (Chula Sakarat ``year - 638``)."""
    js_year = year - 638
    be_year = js_year + 1182
    solar_leap_before = _kromthupul(be_year - 1) <= 207
    first_sotin = 363 if solar_leap_before else 362
    longitudes = [_sun_longitude(js_year, s) for s in range(first_sotin, first_sotin + 4)]
    # The day on which the true sun is in the first degree of Aries is the day of Songkran.
    entered = next((lon for lon in longitudes if 0 <= lon % _LIBDA_PER_REASEY < 60), None)
    assert entered is not None, f"no Songkran day found for {year}"
    minutes = 24 * 60 - (entered % 60) * 24
    two_vonabat = 0 <= longitudes[0] % _LIBDA_PER_REASEY < 60
    holiday_days = 4 if two_vonabat else 3

    bodithey = _bodithey(be_year)
    if _has_leap_month(be_year - 1) and _has_leap_day(be_year - 1):
        bodithey = (bodithey + 1) % 30
    if bodithey >= 6:
        month, day_number = LunarMonth.CHETR, bodithey - 1
    else:
        month, day_number = LunarMonth.PISAKH, bodithey
    found = _find_month(year, month)
    assert found is not None
    lerng_sak = date.fromordinal(found.start + day_number)
    songkran_day = lerng_sak - timedelta(days=holiday_days - 1)
    hour, minute = divmod(minutes % (24 * 60), 60)
    return _NewYear(datetime.combine(songkran_day, time(hour, minute)), lerng_sak)


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise KhmerDateError(f"expected a Gregorian year as an int, got {year!r}")
    if not FIRST_DATE.year <= year <= LAST_DATE.year:
        raise KhmerDateError(
            f"Khmer New Year is computed here for {FIRST_DATE.year} to {LAST_DATE.year}, not {year}"
        )


def khmer_new_year(year: int) -> date:
    """Return the day of Moha Songkran, the first day of Khmer New Year, in Gregorian ``year``.

    :param year: a Gregorian year from 1900 to 2100
    :returns: the date (in April)
    :raises KhmerDateError: for a year outside 1900-2100

    >>> khmer_new_year(2020)
    datetime.date(2020, 4, 13)
    """
    _check_year(year)
    return _new_year(year).songkran.date()


def khmer_new_year_datetime(year: int) -> datetime:
    """Return the moment of Moha Songkran in Gregorian ``year``, in Cambodian local time.

    :param year: a Gregorian year from 1900 to 2100
    :returns: the date and time (naive, Cambodian local time) the sun enters Aries by the
        traditional reckoning. Published times may differ by a few minutes (e.g. 02:12 rather
        than 02:24 on 2013-04-14); a moment at midnight is given as 00:00 of the Songkran day.
    :raises KhmerDateError: for a year outside 1900-2100

    >>> khmer_new_year_datetime(2020)
    datetime.datetime(2020, 4, 13, 20, 48)
    """
    _check_year(year)
    return _new_year(year).songkran


# ---------------------------------------------------------------------------------------------
# Lunar dates
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LunarDate:
    """A day in the Khmer lunar calendar, with the labels of its year.

    ``buddhist_era``, ``animal_year`` and ``era`` are those in force at 00:00 of the day.

    >>> d = lunar_date(date(2020, 11, 2))
    >>> d.day, d.phase, d.phase_khmer, d.month.romanised, d.animal_year.english
    (2, 'waning', 'រោច', 'Kattik', 'Rat')
    """

    gregorian: date
    weekday: str
    day: int
    phase: MoonPhase
    month: LunarMonth
    animal_year: AnimalYear
    era: Era
    buddhist_era: int
    jolak_sakaraj: int

    @property
    def phase_khmer(self) -> str:
        """កើត (waxing) or រោច (waning)."""
        return _PHASE_KHMER[self.phase]

    def __str__(self) -> str:
        """Write the usual Khmer form, ``ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤``."""
        return (
            f"ថ្ងៃ{self.weekday} {to_khmer_digits(self.day)}{self.phase_khmer} "
            f"ខែ{self.month.khmer} ឆ្នាំ{self.animal_year.khmer} {self.era.khmer} "
            f"ព.ស {to_khmer_digits(self.buddhist_era)}"
        )


def lunar_date(d: date) -> LunarDate:
    """Convert a Gregorian date to the Khmer lunar calendar.

    :param d: a date from 1900-01-01 to 2100-12-31
    :returns: its lunar day, month and year labels
    :raises KhmerDateError: for a date outside that range

    >>> str(lunar_date(date(2020, 10, 31)))
    'ថ្ងៃសៅរ៍ ១៥កើត ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤'
    """
    if isinstance(d, datetime) or not isinstance(d, date):
        raise KhmerDateError(f"expected a datetime.date, got {d!r}")
    _check_range(d)
    starts, months = _month_table()
    ordinal = d.toordinal()
    current = months[bisect.bisect_right(starts, ordinal) - 1]
    day_number = ordinal - current.start
    phase: MoonPhase = "waxing" if day_number < 15 else "waning"
    be_year = _be_year(current.cycle, current.month, day_number)

    new_year = _new_year(d.year)
    js_year = d.year - 638 if d >= new_year.lerng_sak else d.year - 639
    # At 00:00 the animal year has changed only if Songkran was on an earlier day.
    animal_base = d.year if d > new_year.songkran.date() else d.year - 1
    return LunarDate(
        gregorian=d,
        weekday=_WEEKDAYS[d.weekday()],
        day=day_number % 15 + 1,
        phase=phase,
        month=current.month,
        animal_year=_ANIMALS[(animal_base - 4) % 12],
        era=_ERAS[(js_year - 1) % 10],
        buddhist_era=be_year,
        jolak_sakaraj=js_year,
    )


@dataclass(frozen=True)
class LunarDateParts:
    """What a Khmer lunar date text states; parts it leaves out are ``None``.

    ``weekday`` is the Khmer weekday name in its usual spelling (``"ចន្ទ"``).
    """

    day: int
    phase: MoonPhase
    month: LunarMonth
    weekday: str | None = None
    animal_year: AnimalYear | None = None
    era: Era | None = None
    buddhist_era: int | None = None

    @property
    def phase_khmer(self) -> str:
        """កើត (waxing) or រោច (waning)."""
        return _PHASE_KHMER[self.phase]

    def describe(self) -> str:
        """Describe the date briefly in English: ``"waning day 2 of Kattik BE 2564"``."""
        text = f"{self.phase} day {self.day} of {self.month.romanised}"
        return text if self.buddhist_era is None else f"{text} BE {self.buddhist_era}"


_LUNAR_DAY_RE: Final = re.compile(r"(?:ថ្ងៃ\s?)?(?:ទី\s?)?(\d{1,2})\s?(កើត|រោច)")
_LUNAR_WEEKDAY_RE: Final = re.compile(rf"ថ្ងៃ\s?({_WEEKDAY_RE})")
_LUNAR_MONTH_RE: Final = re.compile(rf"(?:ខែ\s?)?({_LMONTH_RE})")
_ANIMAL_YEAR_RE: Final = re.compile(rf"ឆ្នាំ\s?({_ANIMAL_RE})")
_ERA_YEAR_RE: Final = re.compile(rf"({_ERA_RE})")
_BE_RE: Final = re.compile(r"(?:ព\s?\.\s?ស\s?\.?|ពុទ្ធសករាជ|ព\.ស)\s?(\d{4})")


def parse_lunar_date(text: str) -> LunarDateParts:
    """Read a Khmer lunar date such as ``"ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤"``.

    The lunar day, its phase and the month are required; the weekday, animal year, era and
    Buddhist Era (``ព.ស``, ``ព.ស.`` or ``ពុទ្ធសករាជ``) may be left out. Khmer or ASCII digits,
    ្ត or ្ដ (កត្តិក / កត្ដិក) and zero-width spaces are all accepted.

    :param text: the lunar date
    :returns: the parts it states
    :raises KhmerDateError: if the day, phase or month is missing or impossible

    >>> parts = parse_lunar_date("ថ្ងៃចន្ទ ២រោច ខែកត្ដិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤")
    >>> parts.day, parts.phase, parts.month, parts.era, parts.buddhist_era
    (2, 'waning', <LunarMonth.KATTIK: 'កត្តិក'>, <Era.DOSAK: 'ទោស័ក'>, 2564)
    """
    if not isinstance(text, str):
        raise KhmerDateError(f"expected text, got {text!r}")
    norm = _normalise(text)
    day_match = _LUNAR_DAY_RE.search(norm)
    if day_match is None:
        raise KhmerDateError(
            f"no lunar day in {text!r} (expected a day and phase such as '២រោច' or '១៥កើត')"
        )
    day = int(day_match[1])
    phase: MoonPhase = "waxing" if day_match[2] == "កើត" else "waning"
    if not 1 <= day <= 15:
        raise KhmerDateError(f"{text!r}: a lunar day is 1 to 15, not {day}")
    month_match = _LUNAR_MONTH_RE.search(norm)
    if month_match is None:
        raise KhmerDateError(f"no lunar month in {text!r} (expected e.g. 'ខែកត្តិក')")
    month = _LMONTH_BY_NAME[month_match[1]]
    # Only Jesth varies (30 days in a leap-day year); the other 29-day months never have ១៥រោច.
    if day == 15 and phase == "waning" and month.days == 29 and month is not LunarMonth.JESTH:
        raise KhmerDateError(f"{text!r}: {month.romanised} has no 15th waning day (29 days)")

    weekday_match = _LUNAR_WEEKDAY_RE.search(norm)
    weekday = None
    if weekday_match is not None:
        weekday = _WEEKDAYS[_WEEKDAY_BY_NAME[weekday_match[1]]]
    animal_match = _ANIMAL_YEAR_RE.search(norm)
    animal = None if animal_match is None else _ANIMAL_BY_NAME[animal_match[1]]
    era_match = _ERA_YEAR_RE.search(norm)
    era = None if era_match is None else _ERA_BY_NAME[era_match[1]]
    be_match = _BE_RE.search(norm)
    return LunarDateParts(
        day=day,
        phase=phase,
        month=month,
        weekday=weekday,
        animal_year=animal,
        era=era,
        buddhist_era=None if be_match is None else int(be_match[1]),
    )


def lunar_to_gregorian(parts: LunarDateParts) -> date:
    """Find the Gregorian date of a lunar day of a given Buddhist Era year.

    Only the day, phase, month and Buddhist Era are used; they determine the date.

    :param parts: e.g. from :func:`parse_lunar_date`; ``buddhist_era`` is required
    :returns: the Gregorian date
    :raises KhmerDateError: without a Buddhist Era, for a day the month or year does not
        have (a 15th waning day of a 29-day month, a leap month in a normal year), or outside
        1900-2100

    >>> lunar_to_gregorian(parse_lunar_date("២រោច ខែកត្តិក ព.ស ២៥៦៤"))
    datetime.date(2020, 11, 2)
    """
    if parts.buddhist_era is None:
        raise KhmerDateError(
            f"{parts.describe()}: the Buddhist Era (ព.ស) is needed to find the Gregorian date"
        )
    day_number = parts.day - 1 + (15 if parts.phase == "waning" else 0)
    be_year = parts.buddhist_era
    # Months up to the 15th waxing day of Pisakh carry the BE of the next Gregorian cycle.
    cycle = be_year - 543 if _be_year(0, parts.month, day_number) == 543 else be_year - 544
    if not FIRST_DATE.year <= cycle <= LAST_DATE.year + 1:
        raise KhmerDateError(f"{parts.describe()} is outside the calendar's range (1900-2100)")
    found = _find_month(cycle, parts.month)
    leap_months = (LunarMonth.ASADH, LunarMonth.PATHAMASATH, LunarMonth.TUTIYASATH)
    if found is None and parts.month in leap_months:
        kind = "a leap month" if parts.month is LunarMonth.ASADH else "no leap month"
        raise KhmerDateError(
            f"{parts.describe()}: that year has {kind}, so no month {parts.month.romanised}"
        )
    if found is None:
        raise KhmerDateError(f"{parts.describe()} is outside the calendar's range (1900-2100)")
    if day_number >= found.days:
        raise KhmerDateError(
            f"{parts.describe()}: {parts.month.romanised} has {found.days} days that year"
        )
    result = date.fromordinal(found.start + day_number)
    _check_range(result)
    return result


def check_lunar_date(lunar_text: str, gregorian: date) -> None:
    """Check that a source's lunar date and Gregorian date name the same day.

    Every part the lunar text states is compared with :func:`lunar_date` of ``gregorian``.

    :param lunar_text: e.g. ``"ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤"``
    :param gregorian: the Gregorian date the source gives
    :raises KhmerDateMismatchError: naming the part that disagrees, what the calendar expects
        and what the text says
    :raises KhmerDateError: if the text cannot be read or the date is out of range

    >>> check_lunar_date("ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤", date(2020, 11, 2))
    >>> try:
    ...     check_lunar_date("ថ្ងៃចន្ទ ៣រោច ខែកត្តិក ព.ស ២៥៦៤", date(2020, 11, 2))
    ... except KhmerDateMismatchError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    waning day 3 of Kattik BE 2564 is 2020-11-03, not 2020-11-02 ...
    """
    parts = parse_lunar_date(lunar_text)
    actual = lunar_date(gregorian)
    given = gregorian.isoformat()

    stated = (parts.day, parts.phase, parts.month)
    if stated != (actual.day, actual.phase, actual.month) or parts.buddhist_era not in (
        None,
        actual.buddhist_era,
    ):
        located = parts
        if parts.buddhist_era is None:
            located = LunarDateParts(
                parts.day, parts.phase, parts.month, buddhist_era=actual.buddhist_era
            )
        expected = (
            f"{actual.phase} day {actual.day} of {actual.month.romanised} BE {actual.buddhist_era}"
        )
        try:
            where = f"is {lunar_to_gregorian(located).isoformat()}, not {given}"
        except KhmerDateError as error:
            where = f"does not fit {given} ({error})"
        raise KhmerDateMismatchError(
            f"{located.describe()} {where} (which is {expected})",
            part="lunar day",
            expected=expected,
            found=located.describe(),
        )
    if parts.weekday is not None and parts.weekday != actual.weekday:
        index = _WEEKDAYS.index(parts.weekday)
        raise KhmerDateMismatchError(
            f"weekday: {given} is a {_WEEKDAYS_EN[gregorian.weekday()]} ({actual.weekday}), "
            f"not a {_WEEKDAYS_EN[index]} ({parts.weekday})",
            part="weekday",
            expected=actual.weekday,
            found=parts.weekday,
        )
    if parts.animal_year is not None and parts.animal_year is not actual.animal_year:
        raise KhmerDateMismatchError(
            f"animal year: {given} is in the year of the {actual.animal_year.english} "
            f"({actual.animal_year.khmer}), not the {parts.animal_year.english} "
            f"({parts.animal_year.khmer})",
            part="animal year",
            expected=actual.animal_year.khmer,
            found=parts.animal_year.khmer,
        )
    if parts.era is not None and parts.era is not actual.era:
        raise KhmerDateMismatchError(
            f"era: {given} is in {actual.era.khmer} ({actual.era.romanised}), "
            f"not {parts.era.khmer} ({parts.era.romanised})",
            part="era",
            expected=actual.era.khmer,
            found=parts.era.khmer,
        )


def to_gregorian(text: str) -> date:
    """Return the Gregorian date of a Khmer date, lunar or Gregorian, or of an ISO date.

    A lunar date needs its Buddhist Era year; its other parts, where given, are checked. A
    Gregorian date is either ISO, year first (``2020-11-02``), or day first as in Cambodia:
    ``02/11/2020`` is 2 November, never February 11 (see :func:`parse_khmer_date`).

    >>> to_gregorian("ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤")
    datetime.date(2020, 11, 2)
    >>> to_gregorian("ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០")
    datetime.date(2020, 11, 2)
    >>> to_gregorian("2020-11-02")
    datetime.date(2020, 11, 2)
    >>> to_gregorian("2020-02-30")
    Traceback (most recent call last):
    ...
    accsm_kg.errors.KhmerDateError: 2020-02-30: day is out of range for month

    :raises KhmerDateError: the text is no date of these forms, or names a day that does not
        exist (``2020-02-30``: the message says which part is out of range).
    """
    if not isinstance(text, str):
        raise KhmerDateError(f"expected text, got {text!r}")
    iso = _ISO_RE.fullmatch(_normalise(text))
    if iso is not None:
        try:
            return date(int(iso["year"]), int(iso["month"]), int(iso["day"]))
        except ValueError as error:
            raise KhmerDateError(f"{text.strip()}: {error}") from None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    if re.search("កើត|រោច", text):
        day = lunar_to_gregorian(parse_lunar_date(text))
        check_lunar_date(text, day)
        return day
    return parse_khmer_date(text)
