import os

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from events.integrity import create_app_role
from events.management import arguments


class Command(BaseCommand):
    help = (
        "PostgreSQL: create or update the role the application connects as: it may read and write every table but "
        "only read and append to the ledger's, owns nothing and is no superuser. Run it as the tables' owner, after "
        "each migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role's name, e.g. scotimeline_app")
        parser.add_argument("--password-env", metavar="VARIABLE",
                            help="set the role's password from this environment variable (never on the command line)")

    def handle(self, *args, **options):
        password = None
        if options["password_env"]:
            password = os.environ.get(options["password_env"])
            if not password:
                raise arguments.usage_error(f"--password-env: {options['password_env']} is not set")
        try:
            create_app_role(options["role"], password)
        except (ValueError, DatabaseError) as exc:
            raise arguments.usage_error(str(exc).strip()) from None
        self.stdout.write(f"role {options['role']} may read and append to the ledger, and change nothing in it")
