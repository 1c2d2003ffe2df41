"""The impact of publishing a draft bank on a large peer pool, next to the plain rescore.

Run from the repository root:

    .venv/bin/python perf/impact_bench.py [--database-url postgres://postgres@127.0.0.1:5432/cspi_impact_perf]

It recreates the database named in the URL, publishes fixtures/cspi-v1.yaml, stores
--responses completed and scored responses with COPY (perf/synthetic.py) and puts every one in
the peer pool (one organisation each). A draft copy then gives Q15's first option a point (an
Alignment question), and it prints:
1. the impact as the worker computes it (`benchmarks.impact.bank_impact_compute`: the pool
   rescored onto the draft, bucket moves, quartiles, largest changes, progress noted on the
   row); target within a minute at 1,000,000 pool responses;
2. the plain rescore of the same responses onto the draft (`responses_rescore`, dry run: it
   writes nothing), for its throughput.

It prints figures and asserts nothing. ``--smoke`` runs the same steps on 2,000 responses.
Exit status: 0 when it measured, 2 when setup failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from perf.survey_load import SetupError, arguments_parsed, database_recreate  # noqa: E402

BANK_FILE = REPO / "fixtures" / "cspi-v1.yaml"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cspi_impact_perf"
SMOKE = {"responses": 2_000}
TARGET_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--responses", type=int, default=1_000_000)
    args = arguments_parsed(parser, SMOKE)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspi.settings")
    try:
        database_recreate(args.database_url)
        import django

        django.setup()
        draft = fill(args.responses)
        impact_measured(draft)
        rescore_measured(draft)
    except SetupError as error:
        print(f"\nSetup failed: {error}", file=sys.stderr)
        return 2
    return 0


def fill(count: int):
    from django.core.management import call_command

    from perf.synthetic import store_completed_responses
    from responses.bank_file import bank_file_read
    from responses.models import Option, QuestionBank
    from responses.services import bank_new_version

    call_command("migrate", verbosity=0)
    call_command("load_bank", str(BANK_FILE), publish=True, verbosity=0)
    spec = bank_file_read(BANK_FILE)
    published = QuestionBank.objects.get(key=spec.key, version=spec.version)
    print(f"0. Fill: {count:,} completed responses, all in the peer pool")
    start = time.perf_counter()
    store_completed_responses(spec, published, count, seed=7)
    stored = time.perf_counter() - start
    start = time.perf_counter()
    pool_fill(spec)
    print(
        f"   responses and scores (COPY): {stored:.1f} s; pool entries: "
        f"{time.perf_counter() - start:.1f} s"
    )
    draft = bank_new_version(bank=published)
    q15 = next(q for q in spec.questions if q.pillar == "alignment")
    Option.objects.filter(question__bank=draft, question__number=q15.number, position=0).update(
        points=1
    )
    return draft


def pool_fill(spec) -> None:
    """Every stored response in the pool, an organisation of its own, its kept hundredths."""
    from django.db import connection, transaction

    from benchmarks.models import PoolEntry, PoolState
    from responses.models import PillarScore, Response, ResponseScore

    entry, score = PoolEntry._meta.db_table, ResponseScore._meta.db_table
    pillar, response = PillarScore._meta.db_table, Response._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {entry} (response_id, organisation_key, industry, arr_band, region,
                                 overall, pillars, completed_at, added_seq)
            SELECT s.response_id, 'perf-' || s.response_id, '', '', '',
                   CAST(ROUND(s.overall * 100) AS integer), p.pillars, r.completed_at, 1
            FROM {score} AS s
            JOIN {response} AS r ON r.id = s.response_id
            JOIN (SELECT response_score_id,
                         jsonb_agg(CAST(ROUND(score * 100) AS integer) ORDER BY position)
                           AS pillars
                  FROM {pillar} GROUP BY response_score_id) AS p
              ON p.response_score_id = s.id
            """
        )
        PoolState.objects.update_or_create(
            pk=1, defaults={"seq": 1, "pillar_keys": [p.key for p in spec.pillars]}
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {entry}")


def impact_measured(draft) -> None:
    from benchmarks.impact import bank_fingerprint, bank_impact_compute, pool_responses_count
    from benchmarks.models import BankImpact

    total = pool_responses_count()
    impact = BankImpact.objects.create(
        bank=draft, fingerprint=bank_fingerprint(bank=draft), total=total
    )
    print(f"1. Impact of the draft on {total:,} pool responses (as the worker computes it)")
    start = time.perf_counter()
    bank_impact_compute(impact_id=impact.pk)
    elapsed = time.perf_counter() - start
    impact.refresh_from_db()
    result = impact.result
    verdict = "PASS" if elapsed <= TARGET_S else "FAIL"
    print(
        f"   {elapsed:.1f} s = {total / elapsed:,.0f} responses/s "
        f"(target within {TARGET_S:.0f} s): {verdict}"
    )
    overall = result["overall"]
    print(
        f"   {result['score_changed']:,} overall scores change; overall bucket: "
        f"{overall['up']:,} up, {overall['down']:,} down"
    )
    for row in result["pillars"]:
        if row.get("changed_bucket"):
            print(
                f"   {row['name']}: {row['changed_bucket']:,} change bucket; median "
                f"{row['old']['median']} → {row['new']['median']}"
            )


def rescore_measured(draft) -> None:
    from responses.rescore import responses_rescore

    print("2. Plain rescore of the same responses onto the draft (dry run, writes nothing)")
    start = time.perf_counter()
    report = responses_rescore(bank=draft, dry_run=True)
    elapsed = time.perf_counter() - start
    print(
        f"   {report.examined:,} examined, {report.changed:,} changed in {elapsed:.1f} s = "
        f"{report.examined / elapsed:,.0f} responses/s"
    )


if __name__ == "__main__":
    sys.exit(main())
