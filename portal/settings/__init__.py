"""The portal's settings: `DJANGO_SETTINGS_MODULE=portal.settings` everywhere.

base.py reads the environment (and requires every secret in production), integrations.py adds what
the portal talks to outside itself (storage, email, rates, carriers, payment providers, the CSP), and
production.py, selected by `DJANGO_ENV=production`, turns on HTTPS and secure cookies.
"""

from portal.settings.base import *  # noqa: F403
from portal.settings.integrations import *  # noqa: F403

if PRODUCTION:  # noqa: F405
    from portal.settings.production import *  # noqa: F403
