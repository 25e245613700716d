"""What the Docker image holds: the build context filtered by .dockerignore, then the Dockerfile's build
steps. No secret, `.env`, `var/` or `.git` may enter it, and no build step may write a secret."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PLANTED = [  # what a developer's or an operator's checkout holds beside the code
    ".env",
    ".env.production",
    "var/secret_key",
    "var/field_encryption_key",
    "var/hmac_key",
    "var/backup_encryption_key",
    "var/portal.sqlite3",
    "var/private/exports/a.csv",
    ".git/config",
    "portal/local.sqlite3",
    "deploy/tls.key",
]


def dockerignore_rules() -> list[tuple[bool, str]]:
    """(exclude?, pattern) in file order; the last matching rule decides, as Docker does."""
    rules = []
    for line in (BASE_DIR / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            exclude = not line.startswith("!")
            rules.append((exclude, line.lstrip("!").strip("/")))
    return rules


def _matches(pattern: str, path: str) -> bool:
    """Docker's rule: the pattern matches the path or one of its parent folders; `**` spans folders."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    regex = regex.replace(r"\?", "[^/]")
    return any(re.fullmatch(regex, prefix) for prefix in prefixes) or fnmatch.fnmatch(path, pattern)


def in_context(path: str, rules: list[tuple[bool, str]]) -> bool:
    included = True
    for exclude, pattern in rules:
        if _matches(pattern, path):
            included = not exclude
    return included


def image_files(root: Path) -> list[str]:
    """Every file of `root` that `COPY . .` puts into the image."""
    rules = dockerignore_rules()
    files = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = (Path(folder) / name).relative_to(root).as_posix()
            if in_context(path, rules):
                files.append(path)
    return sorted(files)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The repository's tracked files plus the secrets and local state a real checkout has."""
    root = tmp_path / "checkout"
    tracked = subprocess.run(["git", "ls-files"], cwd=BASE_DIR, capture_output=True, text=True, check=True)
    for name in tracked.stdout.splitlines():
        if (BASE_DIR / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(BASE_DIR / name, root / name)
    for name in PLANTED:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("secret\n")
    return root


def test_the_dockerfile_copies_only_the_filtered_context():
    lines = (BASE_DIR / "Dockerfile").read_text().splitlines()
    copies = [line.split()[1:] for line in lines if line.startswith("COPY")]
    assert copies, "the Dockerfile copies nothing?"
    for source, *_dest in copies:
        assert source == "." or (BASE_DIR / source).is_file(), f"COPY {source} is neither the context nor a file"


def test_no_secret_env_file_local_state_or_git_enters_the_image(checkout: Path):
    files = image_files(checkout)
    assert "manage.py" in files and "portal/wsgi.py" in files and ".env.example" in files
    leaked = [name for name in files if name in PLANTED or name.startswith(("var/", ".git/"))]
    assert leaked == []


def test_the_matcher_follows_dockerignore_semantics():
    rules = [(True, "var"), (True, "**/*.key"), (True, ".env.*"), (False, ".env.example")]
    assert not in_context("var/private/a.pdf", rules)
    assert not in_context("deep/er/tls.key", rules)
    assert not in_context(".env.local", rules)
    assert in_context(".env.example", rules)
    assert in_context("variables.py", rules)


@pytest.mark.slow
def test_the_build_steps_write_no_secret(checkout: Path, tmp_path: Path):
    """Run the Dockerfile's RUN step that calls manage.py on the image's files: var/ stays empty."""
    app = tmp_path / "app"
    for name in image_files(checkout):
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(checkout / name, app / name)
    dockerfile = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    step = next(line for line in dockerfile.splitlines() if line.startswith("RUN") and "manage.py" in line)
    script = step[len("RUN") :].split("&& useradd")[0].replace("/app/", f"{app}/")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    result = subprocess.run(["sh", "-c", script], cwd=app, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    written = [p.relative_to(app).as_posix() for p in (app / "var").rglob("*") if p.is_file()]
    assert written == []
    assert any((app / "locale").rglob("*.mo")), "the build step compiled no translation"
