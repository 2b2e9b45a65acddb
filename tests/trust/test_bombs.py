"""Workbooks built to exhaust the server: a sheet whose XML inflates to gigabytes, a style part
that would be read whole, a part that lies about its size. Each is refused with its reason while
memory stays small; nothing is imported."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.workbook import FileRefused, SheetReader
from tests.imports.helpers import header_of, workbook

GIB = 1 << 30


def _with_part(data: bytes, part: str, size: int, *, claimed: int | None = None) -> bytes:
    """The workbook `data` with `part` replaced by `size` bytes of rows that deflate to almost nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for info in source.infolist():
            if info.filename != part:
                book.writestr(info, source.read(info))
        chunk = b"<row/>" * (1 << 20)
        info = zipfile.ZipInfo(part)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 1  # type: ignore[attr-defined]  # fast: the rows are all alike anyway
        with book.open(info, "w", force_zip64=True) as stream:
            for _ in range(size // len(chunk)):
                stream.write(chunk)
    packed = out.getvalue()
    if claimed is None:
        return packed
    # Rewrite the central directory's uncompressed size: the file now claims `claimed` bytes.
    with zipfile.ZipFile(io.BytesIO(packed)) as probe:
        real = probe.getinfo(part).file_size
    for width in (8, 4):  # the zip64 extra field and the central directory's own field
        packed = packed.replace(real.to_bytes(width, "little"), claimed.to_bytes(width, "little"))
    with zipfile.ZipFile(io.BytesIO(packed)) as probe:
        assert probe.getinfo(part).file_size == claimed
    return packed


@pytest.fixture(scope="module")
def plain() -> bytes:
    return workbook(header_of("targets"), [])


@pytest.fixture(scope="module")
def gigabyte_sheet(plain: bytes) -> bytes:
    return _with_part(plain, "xl/worksheets/sheet1.xml", 2 * GIB)


def _refusal_with_peak(data: bytes) -> tuple[str, int, float]:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FileRefused) as refused:
            SheetReader(data, KINDS["targets"].columns, "炸弹.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(refused.value), peak, time.monotonic() - started


def test_a_sheet_that_inflates_to_two_gigabytes_is_refused_in_little_memory(gigabyte_sheet: bytes) -> None:
    assert len(gigabyte_sheet) < 20 * 1024 * 1024
    message, peak, _seconds = _refusal_with_peak(gigabyte_sheet)
    assert "工作表解压后超过 512 MB" in message
    # The file itself is ~9 MB; the refusal must not unpack it.
    assert peak < 3 * len(gigabyte_sheet) + 32 * 1024 * 1024


def test_a_style_part_too_big_to_read_whole_is_refused(plain: bytes) -> None:
    bomb = _with_part(plain, "xl/styles.xml", 200 * 1024 * 1024)
    message, peak, _seconds = _refusal_with_peak(bomb)
    assert "解压后超过" in message and peak < 64 * 1024 * 1024


def test_a_sheet_that_claims_less_than_it_holds_is_refused_as_damaged(plain: bytes) -> None:
    liar = _with_part(plain, "xl/worksheets/sheet1.xml", 256 * 1024 * 1024, claimed=4096)
    message, peak, _seconds = _refusal_with_peak(liar)
    assert "文件可能已损坏" in message
    assert peak < 64 * 1024 * 1024
