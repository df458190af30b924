"""Which process runs which submission: a lock on one byte of a shared file per submission.

An orchestrator holds a POSIX record lock on the byte of ``<storage folder>/claims.lock`` at an
offset derived from the submission id while it runs that submission. The operating system drops
the locks of a process when it ends — kill -9 included — so a starting orchestrator resumes exactly
the unfinished submissions that no live process holds, and no submission is ever run by two
processes at once. Taking or releasing a claim is one ``fcntl`` call: no file is created.

POSIX record locks belong to the process and vanish when it closes any descriptor of the file, so
each process keeps one descriptor per claims file, closed once every ``Claims`` of it is closed.
Within a process, ``Claims.holds`` says which submissions it claimed. On a PostgreSQL store the
claims are the server's session advisory locks instead (``ServerClaims``), which every machine
sharing the store sees, and which the server drops with the process's connection. Without
``fcntl`` (Windows) every file claim succeeds, which is right for one process per store.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from ledgerflow.runtime.runtime import Runtime
from ledgerflow.storage.pg_locks import AdvisoryLocks

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_lock = threading.Lock()
_files: dict[Path, int] = {}
_held: dict[Path, set[str]] = {}
_users: dict[Path, int] = {}


def _offset(submission_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(submission_id.encode(), digest_size=7).digest(), "big")


class Claims:
    """The claims of this process on the submissions of one storage folder."""

    def __init__(self, storage_folder: str | os.PathLike[str]) -> None:
        self.path = Path(storage_folder).absolute() / "claims.lock"
        self.closed = False
        with _lock:
            _users[self.path] = _users.get(self.path, 0) + 1

    def _descriptor(self) -> int:
        fd = _files.get(self.path)
        if fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = _files[self.path] = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            _held[self.path] = set()
        return fd

    def holds(self, submission_id: str) -> bool:
        """Whether this process holds the claim."""
        return submission_id in _held.get(self.path, ())

    def take(self, submission_id: str) -> bool:
        """Claim a submission; False when another process holds it."""
        with _lock:
            if self.holds(submission_id):
                return True
            fd = self._descriptor()
            if fcntl is not None:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _offset(submission_id))
                except OSError:
                    return False
            _held[self.path].add(submission_id)
            return True

    def release(self, submission_id: str) -> None:
        """Let go of a claim (the descriptor is closed once no claim is left)."""
        with _lock:
            held = _held.get(self.path)
            if held is None or submission_id not in held:
                return
            held.discard(submission_id)
            if fcntl is not None:
                fcntl.lockf(_files[self.path], fcntl.LOCK_UN, 1, _offset(submission_id))

    def release_all(self, submission_ids: list[str]) -> None:
        """Let go of several claims."""
        for submission_id in submission_ids:
            self.release(submission_id)

    def close(self) -> None:
        """Done with this ``Claims``; the file is closed when no other one uses it and no claim is held."""
        with _lock:
            if self.closed:
                return
            self.closed = True
            _users[self.path] -= 1
            if _users[self.path] == 0 and not _held.get(self.path):
                del _users[self.path]
                _held.pop(self.path, None)
                fd = _files.pop(self.path, None)
                if fd is not None:
                    os.close(fd)


class ServerClaims:
    """The claims of this process on the submissions of a PostgreSQL store (seen from every machine)."""

    def __init__(self, url: str) -> None:
        self._locks = AdvisoryLocks.shared(url, "ledgerflow submission claims")
        self.closed = False

    def holds(self, submission_id: str) -> bool:
        """Whether this process holds the claim."""
        return self._locks.holds(submission_id)

    def take(self, submission_id: str) -> bool:
        """Claim a submission; False when another process holds it."""
        return self._locks.try_take(submission_id)

    def release(self, submission_id: str) -> None:
        """Let go of a claim."""
        self._locks.release(submission_id)

    def release_all(self, submission_ids: list[str]) -> None:
        """Let go of several claims."""
        for submission_id in submission_ids:
            self.release(submission_id)

    def close(self) -> None:
        """Done with this ``ServerClaims`` (the connection goes with the process's last one)."""
        if not self.closed:
            self.closed = True
            self._locks.close()


SubmissionClaims = Claims | ServerClaims


def claims_of(runtime: Runtime) -> SubmissionClaims:
    """The claims fitting the runtime's store: server locks on PostgreSQL, file locks on SQLite."""
    if runtime.url.startswith(("postgresql://", "postgres://")):
        return ServerClaims(runtime.url)
    return Claims(runtime.storage_folder)
