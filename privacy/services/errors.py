"""Moved to `privacy.errors`; kept so that the modules not yet moved keep importing from here."""

from privacy.errors import *  # noqa: F403
