"""gunicorn's settings for every deployment: `gunicorn -c python:portal.gunicorn_conf portal.wsgi`.

Command-line flags (bind, workers) still apply on top. The access log goes to standard output through
`portal.access_log.TokenlessLogger`, which never writes a query string or an access token.
"""

accesslog = "-"
logger_class = "portal.access_log.TokenlessLogger"
