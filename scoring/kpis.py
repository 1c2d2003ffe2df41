"""The KPIs a response reports (SCORING.md §3), read through the bank's question roles.

"Unknown" is stored as null and stays `None` here, never 0 or −100, so statistics can leave it
out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.bank import BankSpec
from scoring.errors import ScoringError
from scoring.rounding import round_half_up


@dataclass(frozen=True, slots=True)
class Kpis:
    nrr: Decimal | None
    retention: Decimal | None
    nps: Decimal | None
    customers_per_csm: Decimal | None


def kpis_from_answers(*, spec: BankSpec, answers: Mapping[str, object]) -> Kpis:
    """The KPIs; one is None when its question is missing from the bank, unanswered or unknown.

    Customers per CSM is customers ÷ CSMs rounded to 2 decimals half up, and None when either
    number is unknown or there are no CSMs.
    """
    customers = _number_for_role(spec, answers, "customers")
    csms = _number_for_role(spec, answers, "csms")
    per_csm = None
    if customers is not None and csms:
        per_csm = round_half_up(Fraction(customers) / Fraction(csms))
    return Kpis(
        nrr=_number_for_role(spec, answers, "nrr"),
        retention=_number_for_role(spec, answers, "retention"),
        nps=_number_for_role(spec, answers, "nps"),
        customers_per_csm=per_csm,
    )


def _number_for_role(spec: BankSpec, answers: Mapping[str, object], role: str) -> Decimal | None:
    question = spec.question_for_role(role)
    if question is None:
        return None
    value = answers.get(str(question.number))
    if value is None:
        return None
    number = None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # str() of a float is its shortest repr, the number as typed (96.5, not 96.50000001…).
        number = Decimal(str(value))
    if number is None or not number.is_finite():
        raise ScoringError(question.number, f"expected a number, got {value!r:.40}")
    return number
