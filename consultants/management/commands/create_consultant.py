"""Create a consultant's account and print a one-time link to choose a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from consultants.accounts import consultant_create, password_link
from responses.links import link_base


class Command(BaseCommand):
    help = "Create a consultant account (sign-in by e-mail) and print a link to set its password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(
        self, *args: Any, email: str, first_name: str, last_name: str, **options: Any
    ) -> None:
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        if User.objects.filter(username=email.strip().lower()).exists():
            raise CommandError(f"An account for {email.strip().lower()} already exists.")
        user = consultant_create(email=email, first_name=first_name, last_name=last_name)
        link = password_link(user=user, base_url=link_base())
        self.stdout.write(
            f"Consultant {user.email} created. Send them this one-time link to choose a password:"
        )
        self.stdout.write(link)
