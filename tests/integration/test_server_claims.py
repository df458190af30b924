"""Submission claims on a PostgreSQL store are the server's: processes on other machines see them."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledgerflow.executor.claims import ServerClaims

pytestmark = pytest.mark.postgres

HOLDER = """
import sys, time
from ledgerflow.executor.claims import ServerClaims
claims = ServerClaims(sys.argv[1])
assert claims.take("SUBMISSION_a")
print("held", flush=True)
time.sleep(600)
"""


def test_a_claim_is_refused_while_another_process_holds_it_and_free_once_that_process_is_killed(
    postgres_url: str, tmp_path: Path
) -> None:
    # The holder runs in another folder: on another machine, a file lock there would not be seen here.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, postgres_url], cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        claims = ServerClaims(postgres_url)
        try:
            assert not claims.take("SUBMISSION_a")  # held by the other process
            assert claims.take("SUBMISSION_b") and claims.holds("SUBMISSION_b")
            holder.send_signal(signal.SIGKILL)
            holder.wait(10)
            deadline = time.monotonic() + 10
            while not claims.take("SUBMISSION_a"):  # the server drops the killed session's locks
                assert time.monotonic() < deadline, "the killed process's claim was never released"
                time.sleep(0.05)
            claims.release("SUBMISSION_a")
            other = ServerClaims(postgres_url)  # the same process: its claims are the process's
            assert other.holds("SUBMISSION_b") and other.take("SUBMISSION_b")
            other.close()
        finally:
            claims.close()
    finally:
        holder.kill()
        holder.wait()


def test_claims_of_one_schema_do_not_block_another_schema(postgres_url: str) -> None:
    claims = ServerClaims(postgres_url)
    elsewhere = ServerClaims(postgres_url.replace("?schema=", "?schema=other_"))
    try:
        assert claims.take("SUBMISSION_a")
        assert elsewhere.take("SUBMISSION_a")  # another store on the same server
    finally:
        claims.close()
        elsewhere.close()
