"""The content-addressed blob store on a real folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ledgerflow.storage import BlobCorrupted, BlobNotFound, BlobRef, BlobStore, BlobStoreError


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_put_and_get(blobs: BlobStore) -> None:
    data = b"some value" * 1000
    digest = hashlib.sha256(data).hexdigest()
    ref = blobs.put(data)
    assert ref == BlobRef(digest, len(data), f"{digest[:2]}/{digest[2:]}")
    assert blobs.exists(digest)
    assert blobs.path(digest) == blobs.folder / ref.location
    assert blobs.get(digest) == data


def test_the_same_value_is_stored_once(blobs: BlobStore) -> None:
    first = blobs.put(b"same")
    mtime = blobs.path(first.hash).stat().st_mtime_ns
    assert blobs.put(b"same") == first
    assert blobs.path(first.hash).stat().st_mtime_ns == mtime
    assert files_under(blobs.folder) == [blobs.path(first.hash)]


def test_empty_value(blobs: BlobStore) -> None:
    ref = blobs.put(b"")
    assert blobs.get(ref.hash) == b""


def test_put_file_archives_a_file_by_content(blobs: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "sales.csv"
    data = os.urandom(3 * (1 << 20) + 17)  # several read chunks
    source.write_bytes(data)
    ref = blobs.put_file(source)
    assert ref.hash == hashlib.sha256(data).hexdigest()
    assert ref.size == len(data)
    assert blobs.get(ref.hash) == data
    assert source.read_bytes() == data
    assert blobs.put(data) == ref
    assert blobs.put_file(source) == ref
    assert files_under(blobs.folder) == [blobs.path(ref.hash)]


def test_archiving_a_missing_file_names_it(blobs: BlobStore, tmp_path: Path) -> None:
    with pytest.raises(BlobStoreError, match=r"nothing\.csv"):
        blobs.put_file(tmp_path / "nothing.csv")


def test_a_missing_blob(blobs: BlobStore) -> None:
    digest = hashlib.sha256(b"never stored").hexdigest()
    assert not blobs.exists(digest)
    with pytest.raises(BlobNotFound, match=digest):
        blobs.get(digest)


def test_a_corrupted_blob_is_detected(blobs: BlobStore) -> None:
    ref = blobs.put(b"original content")
    blobs.path(ref.hash).write_bytes(b"original c0ntent")
    with pytest.raises(BlobCorrupted, match=ref.hash):
        blobs.get(ref.hash)


def test_a_truncated_blob_is_rewritten_by_put(blobs: BlobStore) -> None:
    ref = blobs.put(b"full value")
    blobs.path(ref.hash).write_bytes(b"full")
    reopened = BlobStore(blobs.folder)  # a process that did not write it checks the file
    reopened.put(b"full value")
    assert reopened.get(ref.hash) == b"full value"


def test_a_failing_write_leaves_no_partial_file(blobs: BlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(BlobStoreError, match="No space left"):
        blobs.put(b"x" * 100_000)
    assert files_under(blobs.folder) == []
    monkeypatch.undo()
    assert blobs.get(blobs.put(b"x" * 100_000).hash) == b"x" * 100_000


def test_a_failing_rename_leaves_no_partial_file(
    blobs: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3 << 20))

    def crash(*args: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(BlobStoreError, match="Input/output error"):
        blobs.put_file(source)
    assert files_under(blobs.folder) == []


def test_a_bad_hash_is_refused(blobs: BlobStore) -> None:
    with pytest.raises(BlobStoreError, match="not a sha256"):
        blobs.path("../../etc/passwd")
    with pytest.raises(BlobStoreError):
        blobs.get("ABC")
