"""`sanfuwu backup` and `sanfuwu restore`: a round trip gives back every table and every uploaded
file exactly, on SQLite and on PostgreSQL alike (the suite runs on both)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanfuwu.core.backup import backup_write, media_checksum, table_checksums
from sanfuwu.orgs.models import Category
from sanfuwu.targets.models import Target
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path: Path, settings) -> Path:
    root = tmp_path / "media"
    (root / "issues" / "2026").mkdir(parents=True)
    (root / "issues" / "2026" / "现场照片.jpg").write_bytes(b"\xff\xd8\xff" + b"photo" * 100)
    settings.MEDIA_ROOT = root
    return root


def test_a_round_trip_gives_back_every_table_and_file(world: World, media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "backup" / "sanfuwu.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = table_checksums()
    files_before = media_checksum(media)
    assert before["targets_target"]["rows"] == 3 and files_before["files"] == 1

    Target.objects.filter(pk=world.park_firm.pk).delete()
    Category.objects.create(code="later", name="备份之后", default_department=world.jianshe)
    (media / "issues" / "2026" / "现场照片.jpg").unlink()
    (media / "stray.txt").write_text("备份之后上传")
    assert table_checksums() != before

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "逐表核对一致" in out.getvalue()
    assert table_checksums() == before
    assert media_checksum(media) == files_before
    assert Target.objects.filter(pk=world.park_firm.pk).exists()
    assert not Category.objects.filter(code="later").exists()


def test_the_manifest_holds_each_tables_rows_and_sum(world: World, media: Path, tmp_path: Path) -> None:
    manifest = backup_write(tmp_path / "b.tar")
    assert manifest["tables"]["targets_target"]["rows"] == 3
    assert manifest["tables"]["orgs_region"]["rows"] == 9
    with tarfile.open(tmp_path / "b.tar") as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "media/issues/2026/现场照片.jpg" in names


def test_it_refuses_to_restore_without_confirmation(world: World, media: Path, tmp_path: Path) -> None:
    backup_write(tmp_path / "b.tar")
    Category.objects.create(code="kept", name="保留", default_department=world.jianshe)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "b.tar"))
    assert Category.objects.filter(code="kept").exists()


def test_it_refuses_a_file_that_is_not_a_backup(world: World, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.tar"
    bogus.write_bytes(b"not a tar at all")
    with pytest.raises(CommandError, match="不是三服务平台的备份文件"):
        call_command("restore", str(bogus), "--yes")


def test_it_refuses_a_backup_of_the_other_database_engine(world: World, media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar"
    manifest = backup_write(archive)
    other = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
    forged = tmp_path / "other.tar"
    data = json.dumps({**manifest, "engine": other}).encode()
    with tarfile.open(forged, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="不能直接恢复"):
        call_command("restore", str(forged), "--yes")
    assert Target.objects.count() == 3


def test_it_never_writes_outside_its_folders_from_a_crafted_archive(
    world: World, media: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "b.tar"
    manifest = backup_write(archive)
    crafted = tmp_path / "crafted.tar"
    with tarfile.open(archive) as source, tarfile.open(crafted, "w") as tar:
        for member in source.getmembers():
            tar.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    with pytest.raises(CommandError, match="没有恢复任何数据"):
        call_command("restore", str(crafted), "--yes")
    assert not (tmp_path / "escaped.txt").exists() and not (media.parent.parent / "escaped.txt").exists()
    assert manifest["tables"]["targets_target"]["rows"] == Target.objects.count()


def _rebuilt(
    archive: Path, out: Path, *, change: dict[str, bytes] | None = None, link: str | None = None
) -> Path:
    with tarfile.open(archive) as source, tarfile.open(out, "w") as tar:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            data = (change or {}).get(member.name, data)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type, info.linkname = tarfile.SYMTYPE, "../secret_key"
            tar.addfile(info)
    return out


def test_it_refuses_an_archive_holding_a_link(world: World, media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar"
    backup_write(archive)
    crafted = _rebuilt(archive, tmp_path / "link.tar", link="media/issues/2026/照片.png")
    with pytest.raises(CommandError, match="备份文件中有链接"):
        call_command("restore", str(crafted), "--yes")


def test_a_damaged_archive_replaces_nothing(world: World, media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar"
    backup_write(archive)
    damaged = _rebuilt(
        archive, tmp_path / "damaged.tar", change={"media/issues/2026/现场照片.jpg": b"\xff\xd8\xff"}
    )
    Category.objects.create(code="after", name="备份之后", default_department=world.jianshe)
    (media / "later.txt").write_text("之后上传")
    with pytest.raises(CommandError, match="没有恢复任何数据"):
        call_command("restore", str(damaged), "--yes")
    assert Category.objects.filter(code="after").exists() and (media / "later.txt").exists()
