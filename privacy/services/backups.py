"""Backups: an encrypted, timestamped bundle of the database (pg_dump custom format on PostgreSQL, the
backup API on SQLite) and the private files; restore brings both back; old bundles are pruned.

A bundle is a tar (manifest.json, the database dump, private.tar.gz) encrypted in chunks with Fernet
under BACKUP_ENCRYPTION_KEY: ``MAGIC`` then, per chunk, a 4-byte big-endian length and a Fernet token.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess  # noqa: S404 - pg_dump and pg_restore, with argument lists, never a shell
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import connection

from audit.crypto import backup_crypter
from audit.security import Kind, record_event
from privacy.errors import BackupError
from privacy.services import erasure

MAGIC = b"PORTAL-BACKUP-1\n"
CHUNK = 4 * 1024 * 1024
SUFFIX = ".backup"
POSTGRES = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


def _engine() -> str:
    engine = connection.settings_dict["ENGINE"]
    if engine not in (POSTGRES, SQLITE):
        raise BackupError(f"backups support PostgreSQL and SQLite, not {engine}")
    return engine


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return [*args, "--dbname", str(db["NAME"])], env


def _run(command: list[str], env: dict[str, str]) -> None:
    binary = shutil.which(command[0])
    if binary is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client)")
    result = subprocess.run([binary, *command[1:]], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def _dump_database(folder: Path) -> str:
    if _engine() == POSTGRES:
        args, env = _pg_args()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(folder / "database.pgdump"),
                *args,
            ],
            env,
        )
        return "database.pgdump"
    connection.ensure_connection()
    target = sqlite3.connect(folder / "database.sqlite3")
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return "database.sqlite3"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _encrypt_to(source: Path, target: Path) -> None:
    crypter = backup_crypter()
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(MAGIC)
        for block in iter(lambda: plain.read(CHUNK), b""):
            token = crypter.encrypt(block)
            out.write(struct.pack(">I", len(token)))
            out.write(token)


def _decrypt_chunks(source: Path) -> Iterator[bytes]:
    crypter = backup_crypter()
    with source.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{source.name} is not a portal backup")
        while header := handle.read(4):
            (length,) = struct.unpack(">I", header)
            try:
                yield crypter.decrypt(handle.read(length))
            except InvalidToken as exc:
                raise BackupError("the backup cannot be decrypted with BACKUP_ENCRYPTION_KEY") from exc


def write_backup(*, folder: Path | None = None) -> Path:
    """Write an encrypted, timestamped backup of the database and private files; return its path."""
    folder = Path(folder or settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"portal-{stamp}{SUFFIX}"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        database = _dump_database(work)
        private_root = Path(settings.PRIVATE_MEDIA_ROOT)
        files = 0
        with tarfile.open(work / "private.tar.gz", "w:gz") as archive:
            if private_root.exists():
                for path in sorted(private_root.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=str(path.relative_to(private_root)))
                        files += 1
        manifest = {
            "format": 1,
            "created_at": stamp,
            "engine": _engine(),
            "database": database,
            "private_files": files,
            "sha256": {name: _sha256(work / name) for name in (database, "private.tar.gz")},
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        with tarfile.open(work / "bundle.tar", "w") as bundle:
            for name in ("manifest.json", database, "private.tar.gz"):
                bundle.add(work / name, arcname=name)
        partial = target.with_suffix(".part")
        _encrypt_to(work / "bundle.tar", partial)
        partial.chmod(0o600)
        partial.rename(target)
    record_event(Kind.BACKUP, file=target.name, private_files=files, size=target.stat().st_size)
    return target


def restore_backup(*, path: Path) -> dict[str, Any]:
    """Replace the database and the private files with those of a backup, then erase again every member of the
    erasure journal (erased after the backup was taken); return the manifest, with ``reerased`` user ids."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with (work / "bundle.tar").open("wb") as out:
            for block in _decrypt_chunks(Path(path)):
                out.write(block)
        with tarfile.open(work / "bundle.tar") as bundle:
            bundle.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest["engine"] != _engine():
            raise BackupError(f"this backup is of {manifest['engine']}, the portal runs on {_engine()}")
        for name, digest in manifest["sha256"].items():
            if _sha256(work / name) != digest:
                raise BackupError(f"{name} in the backup is damaged")
        _restore_database(work / manifest["database"])
        _restore_files(work / "private.tar.gz")
    reerased = erasure.reapply_journaled_erasures()
    record_event(Kind.RESTORE, file=Path(path).name, created_at=manifest["created_at"], reerased=len(reerased))
    return {**manifest, "reerased": reerased}


def _restore_database(dump: Path) -> None:
    if _engine() == POSTGRES:
        connection.close()
        args, env = _pg_args()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                *args,
                str(dump),
            ],
            env,
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_files(archive_path: Path) -> None:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    with tarfile.open(archive_path) as archive:
        archive.extractall(root, filter="data")


def backups_in(folder: Path | None = None) -> list[Path]:
    """The backups in the folder, oldest first (names carry their UTC timestamp)."""
    folder = Path(folder or settings.BACKUP_DIR)
    return sorted(folder.glob(f"portal-*{SUFFIX}")) if folder.exists() else []


def prune_backups(*, keep: int, folder: Path | None = None) -> list[Path]:
    """Delete all but the `keep` newest backups; return the deleted paths."""
    old = backups_in(folder)[: -keep or None] if keep > 0 else []
    for path in old:
        path.unlink()
    return old
