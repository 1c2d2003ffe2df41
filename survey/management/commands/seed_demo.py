"""Fill the database with plausible demo responses, so every peer group shows statistics."""

from __future__ import annotations

import random
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from benchmarks.selectors import benchmark_k
from benchmarks.services import peer_pool_rebuild
from benchmarks.snapshots import pool_snapshot_refresh
from responses.demo import demo_responses_create
from responses.selectors import bank_current


class Command(BaseCommand):
    help = (
        "Create N synthetic completed responses (flagged as demo data) on the published bank, "
        "with their scores, then rebuild the peer pool and its snapshot. The same --seed gives the "
        "same answers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--responses", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, help="Default: a random one, printed.")
        parser.add_argument("--key", default="cspi", help="Bank key (default: cspi).")

    def handle(
        self, *args: Any, responses: int, seed: int | None, key: str, **options: Any
    ) -> None:
        if responses < 1:
            raise CommandError("--responses must be at least 1.")
        bank = bank_current(key=key)
        if bank is None:
            raise CommandError(
                f"No question bank '{key}' is published. Load and publish one first: "
                "manage.py load_bank fixtures/cspi-v1.yaml --publish"
            )
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        started = time.perf_counter()
        with tqdm(total=responses, unit="responses", disable=not sys.stderr.isatty()) as progress:
            created = demo_responses_create(
                bank=bank,
                count=responses,
                seed=seed,
                min_group=benchmark_k(),
                on_batch=progress.update,
            )
        pooled = peer_pool_rebuild()
        pool_snapshot_refresh()  # the outcome lens and peers' choices, at once
        self.stdout.write(
            f"Created {created} demo responses on {bank.key} v{bank.version} (seed {seed}) in "
            f"{time.perf_counter() - started:.1f} s; the peer pool has {pooled} entries."
        )
