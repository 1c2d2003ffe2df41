"""KPIs to start tracking follow the answers: nothing already measured, each KPI with its
journey stage, leading or lagging, and review cadence."""

from decimal import Decimal

from scoring.kpis import BENCHMARKED_KPIS, KPIS, TRACKING_KPIS
from scoring.tracking import kpis_measured, kpis_to_track
from tests.examples import EXAMPLE_A, EXAMPLE_B
from tests.scoring import default_bank, stored_answers


def test_every_kpi_advised_has_a_stage_an_indicator_and_a_cadence() -> None:
    for kpi in (*TRACKING_KPIS, *(k for k in BENCHMARKED_KPIS if k.stage)):
        assert kpi.stage and kpi.indicator and kpi.cadence, kpi.key


def test_what_the_answers_and_the_figures_given_say_is_measured() -> None:
    spec = default_bank()
    values = {"nrr": Decimal(112), "retention": Decimal(91), "nps": None, "customers_per_csm": None}
    measured = kpis_measured(spec=spec, answers=stored_answers(spec, EXAMPLE_B), kpi_values=values)
    # NRR and retention given; NPS, feature usage and struggling-customer playbooks chosen.
    assert {"nrr", "retention", "nps", "feature_adoption_rate", "customer_health_score"} <= measured
    assert "churn_risk_score" not in measured  # no predictive renewal model chosen


def test_nothing_measured_is_advised_and_unknown_figures_come_first() -> None:
    spec = default_bank()
    values = {"nrr": Decimal(96), "retention": None, "nps": None, "customers_per_csm": None}
    measured = kpis_measured(spec=spec, answers=stored_answers(spec, EXAMPLE_A), kpi_values=values)
    advice = kpis_to_track(weakest_first=["segmentation", "alignment", "roi"], measured=measured)

    assert advice[0].pillar_key is None
    assert [kpi.key for kpi in advice[0].kpis] == ["retention"]  # NPS: Q33 says it is measured
    advised = [kpi.key for item in advice for kpi in item.kpis]
    assert not set(advised) & measured
    assert len(advised) == len(set(advised))
    assert [item.pillar_key for item in advice[1:]] == ["segmentation", "alignment", "roi"]
    assert KPIS["cohort_retention_analysis"] in advice[1].kpis
