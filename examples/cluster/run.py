"""Run the cluster example end to end on localhost: `python run.py`.

Needs RabbitMQ on 127.0.0.1:5672 (guest/guest) and PostgreSQL on 127.0.0.1:5432; set
LEDGERFLOW_BROKER / LEDGERFLOW_EVENT_STORE to use others. Starts two workers
(`ledgerflow run-worker --application-path app.py`), runs app.py, lists the live workers, stops them.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("LEDGERFLOW_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
os.environ.setdefault("LEDGERFLOW_EVENT_STORE", "postgresql://postgres@127.0.0.1:5432/test?schema=ledgerflow_example")
WORKER = [sys.executable, "-m", "ledgerflow.cli", "run-worker", "--application-path", str(HERE / "app.py")]


LOGS = HERE / ".ledgerflow"


def main() -> int:
    LOGS.mkdir(exist_ok=True)
    logs = [(LOGS / f"worker-{i}.log").open("wb") for i in range(2)]
    workers = [subprocess.Popen(WORKER, cwd=HERE, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    try:
        deadline = time.monotonic() + 60
        while not all(b" ready." in (LOGS / f"worker-{i}.log").read_bytes() for i in range(2)):
            if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                print((LOGS / "worker-0.log").read_text()[-2000:], file=sys.stderr)
                return 1
            time.sleep(0.2)
        subprocess.run([sys.executable, "-m", "ledgerflow.cli", "workers", "--application-path", "app.py"], cwd=HERE)
        return subprocess.run([sys.executable, "app.py"], cwd=HERE).returncode
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)  # finish the running job, then stop
        for worker in workers:
            worker.wait(30)


if __name__ == "__main__":
    sys.exit(main())
