import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from benchmarks.services import peer_pool_rebuild
from responses.models import QuestionBank
from responses.rescore import responses_rescore, responses_to_rescore
from responses.selectors import bank_current


class Command(BaseCommand):
    help = (
        "Rescore completed responses against a bank version (default: the published one) and "
        "report how many changed and the largest change per pillar."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bank", type=int, metavar="VERSION", help="Bank version to use.")
        parser.add_argument("--key", default="cspi", help="Bank key (default: cspi).")
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, bank: int | None, key: str, dry_run: bool, **options: Any) -> None:
        target = (
            QuestionBank.objects.filter(key=key, version=bank).first()
            if bank is not None
            else bank_current(key=key)
        )
        if target is None:
            raise CommandError(f"No bank '{key}' version {bank or '(published)'} to score against.")
        if target.is_editable:
            raise CommandError(f"{target} is a draft: publish it before scoring against it.")
        total = responses_to_rescore(bank=target)
        with tqdm(total=total, unit="responses", disable=not sys.stderr.isatty()) as progress:
            report = responses_rescore(
                bank=target,
                dry_run=dry_run,
                batch_size=options["batch_size"],
                on_batch=progress.update,
            )
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            f"Scored {report.examined} responses against {report.bank}: {report.changed} {verb}."
        )
        for name, change in sorted(report.largest_change.items()):
            self.stdout.write(f"  largest change, {name}: {change}")
        for failure in report.failed:
            self.stderr.write(f"  not scored: {failure}")
        if report.changed and not dry_run:
            entries = peer_pool_rebuild()
            self.stdout.write(f"Peer pool rebuilt from the new scores: {entries} peers.")
