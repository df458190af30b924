"""Fingerprints and the cache-validity fold, on plain values and hand-made records."""

from __future__ import annotations

from datetime import UTC, datetime

from ledgerflow.domain.fingerprint import Fingerprint, changes, code_digest, config_digest, normalized_source
from ledgerflow.projections.cache_validity import CacheValidity
from ledgerflow.storage.codec import Record as Rec

NOW = datetime(2026, 1, 1, tzinfo=UTC)

PLAIN = """
def predict(model, month):
    return model * FACTORS[month]
"""
DECORATED = '''
    def predict(model,
                month):
        """Predict one month."""
        # seasonality comes from FACTORS
        return model * FACTORS[month]   # no rounding
'''
CHANGED = """
def predict(model, month):
    return round(model * FACTORS[month])
"""


def test_docstrings_comments_indentation_and_layout_do_not_change_the_code_digest() -> None:
    assert normalized_source(PLAIN) == normalized_source(DECORATED)
    assert code_digest(PLAIN, None, "m.predict") == code_digest(DECORATED, None, "other.predict")
    assert code_digest(PLAIN, None, "m.predict") != code_digest(CHANGED, None, "m.predict")


def test_a_code_version_replaces_the_source_and_a_missing_source_falls_back_to_the_name() -> None:
    assert code_digest(PLAIN, "2", "m.predict") == code_digest(CHANGED, "2", "m.predict")
    assert code_digest(PLAIN, "2", "m.predict") != code_digest(PLAIN, "3", "m.predict")
    assert code_digest(None, None, "m.predict") != code_digest(None, None, "m.plan")
    assert normalized_source("lambda x: x + 1)") == "lambda x: x + 1)"  # a fragment: kept as it is


def test_the_config_digest_ignores_key_order() -> None:
    assert config_digest({"id": "t", "properties": {"a": 1, "b": 2}}) == config_digest(
        {"properties": {"b": 2, "a": 1}, "id": "t"}
    )


def test_the_recorded_form_round_trips_and_explains_what_changed() -> None:
    before = Fingerprint.of("c1", "k1", ["a" * 64, "b" * 64])
    assert Fingerprint.parse(str(before)) == before
    assert Fingerprint.parse("not a fingerprint") is None and Fingerprint.parse("v1;c=1;k=2") is None
    after = Fingerprint.of("c1", "k2", ["a" * 64, "c" * 64])
    assert changes(before, after, "predict", ["model", "month"]) == ["code of predict changed", "input month changed"]
    assert changes(before, Fingerprint.of("c2", "k1", ["a" * 64]), "t", ["x"]) == [
        "config of t changed",
        "inputs of t changed",
    ]


def job(position: int, job_id: str, version: int, status: str | None, fingerprint: str | None = None) -> Rec:
    if status is None:
        return Rec(
            position, job_id, 1, "ledgerflow.job.created", NOW, {"task_id": "TASK_t", "status": 1, "reason": None}, {}
        )
    payload = {"status": {"RUNNING": 4, "COMPLETED": 7, "SKIPPED": 8, "FAILED": 6}[status], "fingerprint": fingerprint}
    return Rec(position, job_id, version, "ledgerflow.job.status_changed", NOW, payload, {})


def test_the_fold_keeps_the_fingerprint_of_the_last_completion_until_a_reset() -> None:
    cache = CacheValidity()
    for record in (job(1, "J1", 1, None), job(2, "J1", 2, "RUNNING"), job(3, "J1", 3, "COMPLETED", "fp1")):
        cache.apply(record)
    assert cache.produced["TASK_t"].fingerprint == "fp1" and cache.unfinished_jobs == {}
    for record in (job(4, "J2", 1, None), job(5, "J2", 2, "SKIPPED")):
        cache.apply(record)
    for record in (job(6, "J3", 1, None), job(7, "J3", 2, "RUNNING"), job(8, "J3", 3, "FAILED")):
        cache.apply(record)
    assert cache.produced["TASK_t"].job_id == "J1"  # neither a skip nor a failure changes what the outputs hold
    cache.apply(Rec(9, "TASK_t", 2, "ledgerflow.task.reset", NOW, {"requested": "upstream"}, {}))
    assert "TASK_t" not in cache.produced and cache.reset == {"TASK_t": "upstream"}
    for record in (job(10, "J4", 1, None), job(11, "J4", 2, "RUNNING"), job(12, "J4", 3, "COMPLETED", "fp2")):
        cache.apply(record)
    assert cache.produced["TASK_t"].fingerprint == "fp2" and cache.reset == {}
    cache.apply(Rec(13, "TASK_t", 3, "ledgerflow.task.deleted", NOW, {}, {}))
    assert cache.produced == {} and cache.reset == {}
