from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from responses.bank_file import BankFileError, bank_file_read
from responses.bank_history import COMMAND_LINE
from responses.services import bank_import


class Command(BaseCommand):
    help = "Check a question bank file (YAML) and store it; refuse it, changing nothing, if bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--publish", action="store_true", help="Publish it (the previous version is archived)."
        )

    def handle(self, *args: Any, path: Path, publish: bool, **options: Any) -> None:
        try:
            spec = bank_file_read(path)
            bank, outcome = bank_import(spec=spec, publish=publish, actor_text=COMMAND_LINE)
        except BankFileError as error:
            count = len(error.problems)
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"{path} was refused ({count} problem{'s' if count != 1 else ''}); "
                f"nothing was changed:\n{lines}"
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{bank.title} v{bank.version}: {outcome}, {len(spec.questions)} questions, "
                f"status {bank.status}."
            )
        )
