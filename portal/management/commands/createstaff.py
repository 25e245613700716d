"""`python manage.py createstaff EMAIL --role ROLE`: a staff user with TOTP and backup codes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.roles import ROLES
from portal.staff import UnknownRole, create_staff_member


class Command(BaseCommand):
    help = "Create (or reset) a staff user with a role, a TOTP device and single-use backup codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--role", action="append", required=True, choices=ROLES, help="Repeat for several roles.")
        parser.add_argument("--password", help="Defaults to a random password, printed once.")
        parser.add_argument("--name", default="", help="Full name.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            creds = create_staff_member(
                email=options["email"], roles=options["role"], password=options["password"], full_name=options["name"]
            )
        except UnknownRole as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Staff user {creds.email} ({', '.join(options['role'])})"))
        if not options["password"]:
            self.stdout.write(f"Password: {creds.password}")
        self.stdout.write(f"TOTP (add to an authenticator app): {creds.otpauth_uri}")
        self.stdout.write("Backup codes (each works once): " + " ".join(creds.backup_codes))
