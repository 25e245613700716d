"""`python manage.py rundev`: the web server, one Celery worker and the beat scheduler, together.

One supervising process starts the three in their own process groups. Ctrl-C (or SIGTERM) stops
all three cleanly; if one of them dies, the others are stopped too and the command fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

STOP_TIMEOUT = 15


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat under one supervisor (Ctrl-C stops all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", options["addrport"], "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={options['concurrency']}",
                "--hostname=worker@%h",
            ],
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"],
        }
        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for name, command in commands.items():
            children[name] = subprocess.Popen(command, start_new_session=True)  # noqa: S603 - our own commands
        self.stdout.write(self.style.SUCCESS(f"Portal at http://{options['addrport']}/ (Ctrl-C stops all three)"))
        failed = None
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    failed, stopping = name, True
                    break
            time.sleep(0.5)
        self.stdout.write("Stopping web, worker and beat...")
        for child in children.values():
            if child.poll() is None:
                child.terminate()  # each one shuts its own children down (Celery: warm shutdown)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        if failed:
            self.stderr.write(f"{failed} exited with code {children[failed].returncode}; stopped the others.")
            sys.exit(1)
        self.stdout.write("Stopped.")
