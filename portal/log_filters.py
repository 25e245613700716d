"""Logging filters: expected refusals on one line, and no access token in any logged path.

`ExpectedRefusals` sits on the `django.request` and `django.security` loggers. A 404, a 403 or a 400
(a missing or forbidden object, a bad input) is the portal working as designed, not a fault: it is
logged as one line (no traceback) at WARNING at most, so that ERROR means "someone must look at this".
`ScrubbedPaths` takes the access tokens and query strings out of the paths those records carry
(`portal.access_log.scrub`), as the access log does.
"""

from __future__ import annotations

import logging

from portal.access_log import scrub


class ExpectedRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        refusal = (status is not None and 400 <= status < 500) or record.name.startswith("django.security")
        if refusal:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class ScrubbedPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                scrub(arg) if isinstance(arg, str) and arg.startswith("/") else arg for arg in record.args
            )
        if isinstance(record.msg, str) and record.msg.startswith("/"):
            record.msg = scrub(record.msg)
        return True
