"""Project-level Celery tasks."""

from celery import shared_task
from django.db import connection


@shared_task(name="portal.ping", ignore_result=False)  # its answer proves the round trip
def ping(token: str) -> dict:
    """Answer with the token and the database the worker reached: proves the round trip."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"token": token, "database": connection.vendor, "name": str(connection.settings_dict["NAME"])}
