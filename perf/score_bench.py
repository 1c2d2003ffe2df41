"""Scoring speed: one response, the vectorised path at 1,000,000 responses, and `rescore`.

Run from the repository root:

    .venv/bin/python perf/score_bench.py [--database-url postgres://postgres@127.0.0.1:5432/cspi_score_perf]

It prints, in one run:
1. one-response scoring time (`response_score`, exact arithmetic) for SCORING.md's examples;
2. `scores_many` on 1,000,000 synthetic responses next to a bare numpy floor doing the same
   integer arithmetic (the same lookup tables and rounding, no checks, no wrappers), interleaved
   so machine load hits both alike; target within 2x of the floor;
3. `rescore` on 100,000 stored responses in PostgreSQL (recreates the database named in the
   URL; loads them with COPY, then ANALYZE): onto a new bank version, which moves every
   response to it and changes the Alignment score of those who chose Q15's first option, then
   again with nothing to change; three rounds (v2, back to v1, v2 again), medians reported;
   target at least 5,000 responses/s.

``--smoke`` runs the same steps at a tiny size (2,000 and 300 responses, few repetitions) so that
CI notices a script that no longer runs; its figures mean nothing. Exit status: 0 when it
measured (whether or not targets were met), 1 when the vectorised path disagrees with the floor
(or anything else fails), 2 when setup failed (the database, or a load that leaves out a column).
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from perf.survey_load import SetupError, arguments_parsed, database_recreate  # noqa: E402

BANK_FILE = REPO / "fixtures" / "cspi-v1.yaml"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cspi_score_perf"
SMOKE = {"responses": 2_000, "stored": 300, "one_runs": 20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument(
        "--one-runs", type=int, default=2000, help="response_score calls per timing"
    )
    args = arguments_parsed(parser, SMOKE)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspi.settings")
    try:
        database_recreate(args.database_url)
        import django

        django.setup()
        from responses.bank_file import bank_file_read

        spec = bank_file_read(BANK_FILE)
        one_response(spec, args.one_runs)
        many_responses(spec, args.responses)
        rescore_throughput(spec, args.stored)
    except SetupError as error:
        print(f"\nSetup failed: {error}", file=sys.stderr)
        return 2
    return 0


def one_response(spec, runs: int) -> None:
    from scoring.scores import response_score
    from tests.scoring import EXAMPLE_A, EXAMPLE_B, stored_answers

    print("1. One response, exact arithmetic (response_score)")
    for name, example in (("A", EXAMPLE_A), ("B", EXAMPLE_B)):
        answers = stored_answers(spec, example)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(runs):
                response_score(spec=spec, answers=answers)
            times.append((time.perf_counter() - start) / runs)
        print(f"   example {name}: {statistics.median(times) * 1e6:8.1f} µs per response")


def many_responses(spec, count: int) -> None:
    from perf.synthetic import floor_scores, random_codes
    from scoring.vectorised import encode_codes, scores_many

    print(f"2. Vectorised path on {count:,} synthetic responses")
    codes = random_codes(spec, count, seed=42)
    start = time.perf_counter()
    encoded = encode_codes(spec=spec, codes=codes)
    print(f"   checking the encoded answers: {time.perf_counter() - start:.3f} s")
    ours, floor = [], []
    for _ in range(9):
        start = time.perf_counter()
        matrix = scores_many(spec=spec, encoded=encoded)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare = floor_scores(spec, encoded.codes)
        floor.append(time.perf_counter() - start)
    assert np.array_equal(matrix.pillar_hundredths, bare[0].T), "floor and path disagree"
    assert np.array_equal(matrix.overall_hundredths, bare[1]), "floor and path disagree"
    ours_ms, floor_ms = statistics.median(ours) * 1000, statistics.median(floor) * 1000
    ratio = ours_ms / floor_ms
    rate = count / statistics.median(ours)
    print(f"   scores_many:      {ours_ms:8.1f} ms  ({rate:,.0f} responses/s)")
    print(f"   bare numpy floor: {floor_ms:8.1f} ms")
    print(f"   ratio {ratio:.2f}x (target at most 2x): {'PASS' if ratio <= 2 else 'FAIL'}")


def rescore_throughput(spec, count: int) -> None:
    from django.core.management import call_command

    from perf.synthetic import store_completed_responses
    from responses.models import QuestionBank

    print(f"3. rescore on {count:,} stored responses in PostgreSQL")
    call_command("migrate", verbosity=0)
    call_command("load_bank", str(BANK_FILE), publish=True, verbosity=0)
    v1 = QuestionBank.objects.get(key=spec.key, version=spec.version)
    start = time.perf_counter()
    store_completed_responses(spec, v1, count, seed=7)
    print(f"   stored {count:,} scored responses in {time.perf_counter() - start:.1f} s")
    v2 = publish_changed_version(spec)
    rates: dict[str, list[float]] = {"scores change": [], "nothing to change": []}
    # Back and forth between the versions, so every other run changes every response.
    for bank in (v2, v1, v2):
        for label, runs in rates.items():
            runs.append(timed_rescore(bank, label))
    for label, runs in rates.items():
        median = statistics.median(runs)
        print(
            f"   median of {len(runs)}, {label}: {median:,.0f} responses/s (target 5,000): "
            f"{'PASS' if median >= 5000 else 'FAIL'}"
        )


def publish_changed_version(spec):
    """The next version, where Q15's first option earns a point (an Alignment question)."""
    import yaml
    from django.core.management import call_command

    from responses.models import QuestionBank

    document = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    changed["version"] = spec.version + 1
    q15 = next(q for q in changed["questions"] if q.get("pillar") == "alignment")
    q15["options"][0]["points"] = 1
    path = Path(os.environ.get("TMPDIR", "/tmp")) / "cspi-score-bench-v2.yaml"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), "utf-8")
    call_command("load_bank", str(path), publish=True, verbosity=0)
    return QuestionBank.objects.get(key=spec.key, version=spec.version + 1)


def timed_rescore(bank, label: str) -> float:
    from responses.rescore import responses_rescore

    start = time.perf_counter()
    report = responses_rescore(bank=bank)
    elapsed = time.perf_counter() - start
    rate = report.examined / elapsed
    print(
        f"   onto v{bank.version}, {label}: {report.examined:,} examined, "
        f"{report.changed:,} changed in {elapsed:.1f} s = {rate:,.0f} responses/s"
    )
    return rate


if __name__ == "__main__":
    sys.exit(main())
