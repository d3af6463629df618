from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken
from people.models import Department


class Command(BaseCommand):
    help = "Create an API token (creating the user if missing) and print it alone on stdout."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=["read", "write"], default="read")
        parser.add_argument(
            "--department",
            type=int,
            action="append",
            default=[],
            metavar="ID",
            help="restrict the token to this department and its descendants (repeatable)",
        )
        parser.add_argument("--name", default="", help="a label for the token")

    def handle(self, *args, username: str, scope: str, department: list[int], name: str, **kw):
        departments = list(Department.objects.filter(pk__in=department))
        missing = sorted(set(department) - {d.pk for d in departments})
        if missing:
            raise CommandError(f"unknown department id(s): {', '.join(map(str, missing))}")
        user, _ = get_user_model().objects.get_or_create(username=username)
        _, raw = ApiToken.issue(user, scope=scope, departments=departments, name=name)
        self.stdout.write(raw)
