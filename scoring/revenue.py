"""Revenue at stake: what the gap between the respondent's revenue retention and the peers'
median compounds to over three years, on the midpoint of their ARR band.

An illustration, not a forecast: it assumes the rate stays as it is and no new customers, and
it takes one ARR figure for a whole band. The formula is printed with it
(`REVENUE_FORMULA`). Arithmetic is exact (Decimal, no binary floats); figures are rounded only
for display (`money_text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.kpis import KPIS
from scoring.words import gettext, gettext_noop, number_text, profile_text

YEARS = 3
# Both marked for the catalogues, in English: whoever prints them reads them with `gettext`.
REVENUE_FORMULA = gettext_noop(
    "ARR × (rate ÷ 100)^t for t = 1, 2, 3; the gap in year t is "
    "ARR × (median ÷ 100)^t − ARR × (yours ÷ 100)^t"
)
ILLUSTRATION = gettext_noop("An illustration, not a forecast")
# The KPIs it can start from, in order of preference: revenue kept, else customers kept.
RATE_KPIS = ("nrr", "retention")

_UNITS = {"": Decimal(1), "K": Decimal(10) ** 3, "M": Decimal(10) ** 6, "B": Decimal(10) ** 9}
_AMOUNT = re.compile(r"\$\s*(\d[\d,]*(?:\.\d+)?)\s*(K|M|B|BN)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArrBand:
    """An ARR band as the bank words it ("$1M – $5M"), and the one figure the illustration uses:
    its midpoint, or for an open-ended band ("Less than $1M", "More than $1B") its bound."""

    label: str
    low: Decimal | None
    high: Decimal | None
    figure: Decimal

    @property
    def open_ended(self) -> bool:
        return self.low is None or self.high is None

    @property
    def figure_note(self) -> str:
        """How the figure was taken from the band, in words."""
        band = {"band": profile_text("arr_band", self.label)}  # as the reader's bank words it
        if self.low is not None and self.high is not None:
            # Translators: %(band)s is an ARR band such as "$1M – $5M".
            return gettext("the midpoint of your band, %(band)s") % band
        if self.high is None:
            # Translators: %(band)s is an ARR band such as "More than $1B".
            return gettext("the bound of your band, %(band)s, which has no upper end") % band
        # Translators: %(band)s is an ARR band such as "Less than $1M".
        return gettext("the bound of your band, %(band)s, which has no lower end") % band


def arr_band_parsed(label: str) -> ArrBand | None:
    """ "$1M – $5M" → midpoint $3M; "Less than $1M" → $1M; "More than $1B" → $1B; None for a
    label that names no dollar amount."""
    amounts = [_amount(number, unit) for number, unit in _AMOUNT.findall(label)]
    if not amounts:
        return None
    words = label.casefold()
    if len(amounts) >= 2:
        low, high = min(amounts[:2]), max(amounts[:2])
        return ArrBand(label, low, high, (low + high) / 2)
    if any(word in words for word in ("less than", "under", "below", "up to")):
        return ArrBand(label, None, amounts[0], amounts[0])
    return ArrBand(label, amounts[0], None, amounts[0])


def _amount(number: str, unit: str) -> Decimal:
    return Decimal(number.replace(",", "")) * _UNITS[unit.upper()[:1]]


@dataclass(frozen=True, slots=True)
class RevenueYear:
    year: int
    at_yours: Decimal  # ARR × (yours ÷ 100)^t
    at_median: Decimal  # ARR × (median ÷ 100)^t

    @property
    def gap(self) -> Decimal:
        """What the median keeps that yours does not (negative when yours is higher)."""
        return self.at_median - self.at_yours


@dataclass(frozen=True, slots=True)
class RevenueAtStake:
    kpi_key: str  # "nrr" or "retention"
    yours: Decimal
    median: Decimal
    band: ArrBand
    years: tuple[RevenueYear, ...]

    @property
    def behind(self) -> bool:
        """Below the peers' median: the gap is revenue at stake."""
        return self.yours < self.median

    @property
    def total_gap(self) -> Decimal:
        """The gaps of every year added up (what falling to the median would give up, negated,
        when at or above it)."""
        return sum((year.gap for year in self.years), Decimal(0))

    @property
    def kpi_label(self) -> str:
        return KPIS[self.kpi_key].label

    @property
    def yours_text(self) -> str:
        return KPIS[self.kpi_key].shown(self.yours) or ""

    @property
    def median_text(self) -> str:
        return KPIS[self.kpi_key].shown(self.median) or ""


def revenue_at_stake(
    *, band: ArrBand, kpi_key: str, yours: Decimal, median: Decimal, years: int = YEARS
) -> RevenueAtStake:
    """The compounding illustration: year by year, the band's figure kept at your rate and at
    the median's."""
    return RevenueAtStake(
        kpi_key=kpi_key,
        yours=yours,
        median=median,
        band=band,
        years=tuple(
            RevenueYear(t, band.figure * (yours / 100) ** t, band.figure * (median / 100) ** t)
            for t in range(1, years + 1)
        ),
    )


def money_text(amount: Decimal) -> str:
    """ "$3.00M", "$412K", "$1.25B", "−$85K": three significant figures are plenty for an
    illustration."""
    sign = "−" if amount < 0 else ""
    size = abs(amount)
    for unit, scale in (("B", _UNITS["B"]), ("M", _UNITS["M"]), ("K", _UNITS["K"])):
        if size >= scale:
            value = size / scale
            places = 2 if value < 10 else 1 if value < 100 else 0
            return f"{sign}${number_text(_rounded(value, places))}{unit}"
    return f"{sign}${number_text(_rounded(size, 0))}"


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
