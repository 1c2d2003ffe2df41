from typing import Any

from django.core.management.base import BaseCommand

from responses.services import drafts_purge


class Command(BaseCommand):
    help = "Delete unfinished responses older than SURVEY_DRAFT_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {drafts_purge()} expired drafts.")
