"""How a figure reads against peers: the one percentage format and the wording of a rank.

Pages, the PDF and their snippets call these, so "52 %" and "higher than 52 % of peers" read the
same everywhere, and a KPI where higher is not better (customers per CSM) never reads as praise
("top quartile") or blame: only the neutral rank.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from scoring.kpis import Direction, percent_text
from scoring.words import gettext


def rank_text(percentile_rank: Decimal) -> str:
    """The rank as people say it: "higher than 52 % of peers", or from below the middle
    "lower than 70 % of peers" (a rank of 30), ties counted half as the rank counts them.

    The share is rounded to a whole percent, but never to 0 or 100 unless it is exactly that:
    a rank of 99.6 is "higher than 99 %", never a claim about every peer."""
    if percentile_rank >= 50:
        # Translators: %(share)s is a percentage such as "52 %".
        return gettext("higher than %(share)s of peers") % {"share": _share(percentile_rank)}
    # Translators: %(share)s is a percentage such as "70 %".
    return gettext("lower than %(share)s of peers") % {"share": _share(100 - percentile_rank)}


def _share(value: Decimal) -> str:
    whole = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if whole == 100 and value < 100:
        whole = Decimal(99)
    elif whole == 0 and value > 0:
        whole = Decimal(1)
    return percent_text(whole)


def quartile_words_fit(direction: Direction) -> bool:
    """Whether "top quartile" may describe a rank: only where higher is better (scores, NRR,
    retention, NPS). Elsewhere a high rank is neither praise nor blame."""
    return direction is Direction.HIGHER_IS_BETTER


def standing_text(
    *, percentile_rank: Decimal | None, direction: Direction, quartile: str | None = None
) -> str:
    """The rank in words, with its quartile ("top quartile") where higher is better; "" when the
    respondent's own figure is unknown (no rank)."""
    if percentile_rank is None:
        return ""
    text = rank_text(percentile_rank)
    if quartile and quartile_words_fit(direction):
        # Translators: a rank and its quartile: "higher than 80 % of peers, top quartile".
        return gettext("%(rank)s, %(quartile)s") % {"rank": text, "quartile": quartile}
    return text
