"""A whole district in one file, and back: the database (SQLite's online backup, or pg_dump),
the uploaded files, and a manifest of every table's row count and checksum against which a
restore is checked.

The archive is a tar: manifest.json, database.sqlite3 or database.pgdump, media/…"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(Exception):
    pass


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _plain(value: Any) -> Any:
    # A PostgreSQL bytea arrives as a memoryview, whose repr is its address.
    return bytes(value) if isinstance(value, memoryview) else value


def _sums(cursor: Any, tables: list[str], quote: Any) -> dict[str, dict[str, Any]]:
    sums: dict[str, dict[str, Any]] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")
        digest, rows = hashlib.sha256(), 0
        while batch := cursor.fetchmany(5000):
            for row in batch:
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
            rows += len(batch)
        sums[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return sums


def _sqlite_sums(path: str | Path) -> dict[str, dict[str, Any]]:
    # Through the plain driver, at the backup and after the restore alike: the same values read
    # the same way, whatever converters Django's own connection adds.
    db = sqlite3.connect(path)
    try:
        cursor = db.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [name for (name,) in cursor.fetchall()]
        return _sums(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
    finally:
        db.close()


def table_checksums() -> dict[str, dict[str, Any]]:
    """Each table's rows, in key order, hashed: equal sums mean equal contents."""
    if _engine() == "sqlite":
        return _sqlite_sums(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        return _sums(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def _media_files(root: Path) -> Iterator[Path]:
    if root.exists():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def media_checksum(root: Path) -> dict[str, Any]:
    digest, count = hashlib.sha256(), 0
    for path in _media_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
        count += 1
    return {"files": count, "sha256": digest.hexdigest()}


def _pg_args(tool: str) -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = [tool, "--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return [*args, "--dbname", db["NAME"]], env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} 失败：{done.stderr.strip()[:2000]}")


def backup_write(out: Path) -> dict[str, Any]:
    """Writes the archive to `out` (through a temporary name: a broken run leaves no archive)."""
    media = Path(settings.MEDIA_ROOT)
    manifest: dict[str, Any] = {
        "format": FORMAT, "engine": _engine(), "created_at": timezone.now().isoformat(),
        "tables": {}, "media": {},
    }  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        dump = Path(work) / (SQLITE_MEMBER if manifest["engine"] == "sqlite" else PG_MEMBER)
        if manifest["engine"] == "sqlite":
            # SQLite's online backup copies a consistent snapshot while the server keeps writing.
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)
            target.close()
            manifest["tables"] = _sqlite_sums(dump)  # the snapshot's, not the live file's
        else:
            # pg_dump reads the snapshot the sums are read in: the manifest describes the dump exactly.
            manifest["tables"] = _pg_dump_with_sums(dump)
        staged = Path(work) / "archive.tar"
        with tarfile.open(staged, "w") as tar:
            tar.add(dump, arcname=dump.name)
            # The files' sum is taken from the very bytes put in the archive: an upload meanwhile
            # is either in both or in neither.
            digest, count = hashlib.sha256(), 0
            for path in _media_files(media):
                try:
                    data = path.read_bytes()
                except FileNotFoundError:  # deleted since it was listed
                    continue
                name = str(path.relative_to(media))
                digest.update(name.encode() + b"\0")
                digest.update(hashlib.sha256(data).digest())
                count += 1
                info = tarfile.TarInfo(f"media/{name}")
                info.size, info.mtime = len(data), int(path.stat().st_mtime)
                tar.addfile(info, io.BytesIO(data))
            manifest["media"] = {"files": count, "sha256": digest.hexdigest()}
            member = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(member)
            tar.addfile(info, io.BytesIO(member))
        os.replace(staged, out)
    return manifest


def _pg_dump_with_sums(dump: Path) -> dict[str, dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            args, env = _pg_args("pg_dump")
            _run(
                [*args, "--format", "custom", "--no-owner", "--snapshot", snapshot, "--file", str(dump)], env
            )
            sums = table_checksums()
        finally:
            cursor.execute("ROLLBACK")
    return sums


def backup_read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError
            manifest: dict[str, Any] = json.loads(member.read())
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError) as exc:
        raise BackupError(f"不是三服务平台的备份文件：{archive}（{exc}）") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持")
    return manifest


def backup_restore(archive: Path) -> dict[str, Any]:
    """Replaces the database and the uploaded files with the archive's, then checks every table
    against the manifest. Returns the manifest; raises BackupError on any difference."""
    manifest = backup_read_manifest(archive)
    if manifest["engine"] != _engine():
        raise BackupError(f"备份来自 {manifest['engine']}，当前数据库是 {_engine()}，不能直接恢复")
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=media.parent) as work, tarfile.open(archive, "r") as tar:
        links = [m.name for m in tar.getmembers() if m.issym() or m.islnk()]
        if links:  # a link in media/ could later serve the secret key as an attachment
            raise BackupError(f"备份文件中有链接，没有恢复任何数据：{'、'.join(links[:5])}")
        try:
            tar.extractall(work, filter="data")  # no member may land outside `work`
        except tarfile.TarError as exc:
            raise BackupError(f"备份文件中有不安全或损坏的内容，没有恢复任何数据：{exc}") from exc
        dump = Path(work) / (SQLITE_MEMBER if manifest["engine"] == "sqlite" else PG_MEMBER)
        restored_media = Path(work) / "media"
        # Checked before anything live is touched: a damaged archive replaces nothing.
        if media_checksum(restored_media) != manifest["media"]:
            raise BackupError("备份中的上传文件与清单不一致，没有恢复任何数据")
        if manifest["engine"] == "sqlite" and _sqlite_sums(dump) != manifest["tables"]:
            raise BackupError("备份中的数据库与清单不一致，没有恢复任何数据")
        if manifest["engine"] == "sqlite":
            connections.close_all()
            source = sqlite3.connect(dump)
            target = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
            with source, target:
                # Page by page into the live file, under SQLite's own lock: other connections then
                # read the restored database, never a half-copied file.
                source.backup(target)
            source.close()
            target.close()
        else:
            connections.close_all()
            args, env = _pg_args("pg_restore")
            _run([*args, "--clean", "--if-exists", "--no-owner", "--single-transaction", str(dump)], env)
        old = Path(work) / "media-before"
        if media.exists():
            os.replace(media, old)
        if restored_media.exists():
            os.replace(restored_media, media)
        else:
            media.mkdir(parents=True)
        shutil.rmtree(old, ignore_errors=True)
    problems = backup_differences(manifest)
    if problems:
        raise BackupError("恢复后的数据与备份清单不一致：" + "；".join(problems))
    return manifest


def backup_differences(manifest: dict[str, Any]) -> list[str]:
    now = table_checksums()
    problems = [
        f"{table}（备份 {want['rows']} 行，现有 {now.get(table, {}).get('rows', '无此表')}）"
        for table, want in manifest["tables"].items()
        if now.get(table) != want
    ]
    problems += [f"多出的表 {table}" for table in now if table not in manifest["tables"]]
    if media_checksum(Path(settings.MEDIA_ROOT)) != manifest["media"]:
        problems.append("上传的文件与备份不一致")
    return problems
