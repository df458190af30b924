"""Standalone mode: jobs run in 2 worker processes; submit() returns at once.

python main.py            # submit 4 scenarios, cancel one, wait for the others
python main.py resume     # after a crash: the next start resumes what was left unfinished
"""

import sys

from pipeline import describe, slow_square

import ledgerflow as lf
from ledgerflow import Config

Config.configure_core(mode="experiment", version_number="demo")
Config.configure_job_executions(mode="standalone", max_nb_of_workers=2)
x = Config.configure_data_node("x", default_data=3)
y = Config.configure_data_node("y")
text = Config.configure_data_node("text")
square = Config.configure_task("square", slow_square, x, y, retries=1)
sentence = Config.configure_task("sentence", describe, y, text)
config = Config.configure_scenario("squares", [square, sentence])


def show(submission: lf.Submission) -> None:
    """Each job's statuses, and why it was retried, canceled, failed or abandoned."""
    for job in submission.jobs:
        records = job.status_change_records
        print(f"  {job.task.config_id}: {' > '.join(status.name for status, _, _ in records)}")
        for status, _, why in records[1:]:
            if why and (why.startswith("retry") or (status.is_finished and status.name != "COMPLETED")):
                print(f"    {status.name}: {why}")


if __name__ == "__main__":
    lf.Orchestrator().run()  # starts the workers and resumes unfinished submissions
    if sys.argv[1:] != ["resume"]:
        submissions = [lf.submit(lf.create_scenario(config)) for _ in range(4)]
        print("submitted:", [s.status.name for s in submissions])
        lf.cancel_job(submissions[3].jobs[0], reason="not needed any more")
    for submission in lf.get_submissions():
        submission.wait()
        print(submission.id, submission.status.name)
        show(submission)
    lf.Orchestrator().stop()
