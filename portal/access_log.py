"""Access logs without capability tokens: the path is logged, never its query string nor the secret part
of a link that grants access by itself (email confirmation and password-reset keys, invitation, export and
file links, tracking pages).

gunicorn uses `TokenlessLogger` through `portal/gunicorn_conf.py`; the production proxy's access log
(deploy/Caddyfile) rewrites the same paths, and the README says how any other proxy should.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

#: Path prefixes whose next segment is a token that grants access on its own.
TOKEN_PREFIXES = (
    "/accounts/confirm-email/",
    "/accounts/password/reset/key/",
    "/portal/invitations/",
    "/portal/branding/files/",
    "/privacy/exports/",
    "/t/",
)
_TOKEN = re.compile("^(" + "|".join(re.escape(prefix) for prefix in TOKEN_PREFIXES) + r")[^/?#\s]+")
REDACTED = "{token}"


def scrub(url: str) -> str:
    """`url` (a path, or a full URL as in a Referer) without its query, fragment or access token."""
    scheme_host, path = "", url
    if "://" in url:
        scheme, _, rest = url.partition("://")
        host, slash, path = rest.partition("/")
        scheme_host, path = f"{scheme}://{host}", slash + path
    path = path.split("?", 1)[0].split("#", 1)[0]
    return scheme_host + _TOKEN.sub(lambda match: match.group(1) + REDACTED, path)


class TokenlessLogger(Logger):
    """gunicorn's logger with the request line, path, query and referer atoms scrubbed of tokens."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        path = scrub(environ.get("RAW_URI") or environ.get("PATH_INFO") or "")
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
        atoms["U"] = scrub(environ.get("PATH_INFO") or "")
        atoms["q"] = ""
        atoms["f"] = scrub(environ.get("HTTP_REFERER", "-"))
        for key in ("{referer}i", "{raw_uri}e", "{query_string}e", "{path_info}e", "{request_uri}e"):
            if key in atoms:
                atoms[key] = scrub(str(atoms[key])) if key != "{query_string}e" else ""
        atoms.pop("{cookie}i", None)
        atoms.pop("{authorization}i", None)
        return atoms
