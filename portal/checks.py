"""Start-up checks of our own (`manage.py check --deploy`): a deployment with demo logins does not pass.

The demo staff and merchants of `seed_demo` have published passwords and TOTP secrets derived from public
source, so any of them in a real database is an open door. Their emails all end in `.demo`, a top-level
domain that does not exist, so no real account can be mistaken for one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import checks
from django.db import DatabaseError

DEMO_EMAIL_SUFFIX = ".demo"


@checks.register(checks.Tags.security, deploy=True)
def no_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """An error for every account `seed_demo` created, as long as one is left in the database."""
    try:
        emails = list(
            get_user_model()
            .objects.filter(email__iendswith=DEMO_EMAIL_SUFFIX, is_active=True)
            .order_by("email")
            .values_list("email", flat=True)[:10]
        )
    except DatabaseError:  # not migrated yet (an image build, a first start): no account to find
        return []
    if not emails:
        return []
    return [
        checks.Error(
            f"Demo accounts with published passwords exist: {', '.join(emails)}.",
            hint="They come from `manage.py seed_demo`, which is for development only. Delete or deactivate them "
            "(and create real staff with `manage.py createstaff`) before serving this database.",
            id="portal.E001",
        )
    ]
