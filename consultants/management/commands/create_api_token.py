"""Issue an API token for a user; the secret is printed once and never stored."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from consultants.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for the user with this e-mail address and print its secret once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="API token", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects.filter(email__iexact=options["email"], is_active=True)
        found = list(users[:2])
        if len(found) != 1:
            problem = "No active user has" if not found else "More than one user has"
            raise CommandError(f"{problem} the e-mail address {options['email']}.")
        token, secret = ApiToken.issue(user=found[0], name=options["name"])
        self.stderr.write(f"Token {token.prefix}… for {found[0]}; the secret is shown only now:")
        self.stdout.write(secret)
