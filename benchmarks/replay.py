"""``replay``: rebuild the projection from position 0 of the large store.

The timed part is ``service.replay.replay_store``'s rebuild (every event of the log read, decoded
and folded into a fresh ``CurrentState``), on the store opened read-only in this process. The
check: the rebuilt state equals what a start-up loads (checkpoint + tail of the log), so a fast
but wrong fold fails. ``verify_chain_s`` times ``ledgerflow audit verify``'s walk of the same log
(shown without a target).
"""

from __future__ import annotations

import time

from benchmarks.bigstore import store_file
from benchmarks.worker import Context, Figures


def run_replay(ctx: Context) -> Figures:
    """events_per_s of a rebuild from position 0; the chain verification time for reference."""
    from ledgerflow.service.audit.replay import replay_store
    from ledgerflow.storage.eventstore import EventStore

    if ctx.store is None:
        raise RuntimeError("replay needs the large store: the harness did not provide it")
    with EventStore.open(store_file(ctx.store), create=False) as store:
        with ctx.timed("replay"):
            report = replay_store(store, verify=True)
        ctx.check(report.ok, f"replay: the rebuilt state differs from the checkpointed one: {report.differences[:3]}")
        ctx.check(
            not ctx.store_info.get("capped"),
            f"replay: the large store holds {report.events:,} events, not {ctx.store_info.get('wanted', 0):,}",
        )
        start = time.perf_counter()
        chain = store.verify_chain()
        verify_s = time.perf_counter() - start
        ctx.check(chain.ok, f"replay: the hash chain does not verify: {chain.finding}")
    return {
        "events_per_s": report.events_per_second,
        "events": report.events,
        "rebuild_s": report.seconds,
        "verify_chain_s": verify_s,
    }
