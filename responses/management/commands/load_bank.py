from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from responses.bank_file import BankFileError, bank_file_read
from responses.bank_history import COMMAND_LINE
from responses.bank_texts import translations_load_beside
from responses.services import bank_import
from scoring.bank_translation import TranslationError


class Command(BaseCommand):
    help = (
        "Check a question bank file (YAML) and store it; refuse it, changing nothing, if bad. "
        "Translations beside it (translations/<name>.<language>.yaml) are loaded with it."
    )

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
        try:
            languages = translations_load_beside(bank=bank, bank_file=path)
        except TranslationError as error:
            raise CommandError(
                f"{bank.title} v{bank.version} was stored, but a translation beside it was "
                f"refused: {error}"
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{bank.title} v{bank.version}: {outcome}, {len(spec.questions)} questions, "
                f"status {bank.status}"
                + (f", translated into {', '.join(languages)}." if languages else ".")
            )
        )
