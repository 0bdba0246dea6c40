"""bench/faults is wired (its help runs, its modules import, its figures are computed as documented) without
starting any service: the run itself (throwaway PostgreSQL and Redis, gunicorn, Celery, faults) is a bench."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import _faults_report as report  # noqa: E402
import faults  # noqa: E402


def test_the_wrapper_prints_its_help():
    done = subprocess.run([str(BENCH / "faults"), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--batch" in done.stdout and "--time-limit" in done.stdout


def test_defaults_are_the_issue_s_run():
    args = faults.parse_args([])
    assert (args.batch, args.time_limit) == (200, 900) and args.scale >= 1000


def _probe(path, events):
    path.write_text("".join(json.dumps(event) + "\n" for event in events))
    return str(path)


def test_a_re_send_counts_against_the_portal_only_while_the_earlier_message_is_still_there(tmp_path):
    probe = _probe(tmp_path / "probe.jsonl", [
        # job 1: sent, its message lost with Redis, sent again and run once: a re-send after loss
        {"event": "send", "job": 1, "task": "a", "at": 1}, {"event": "send", "job": 1, "task": "b", "at": 5},
        {"event": "run", "job": 1, "task": "b", "at": 6}, {"event": "end", "job": 1, "task": "b", "at": 7,
                                                           "result": "done"},
        # job 2: re-sent while its first message waited; that one ran later and found the job done
        {"event": "send", "job": 2, "task": "c", "at": 1}, {"event": "send", "job": 2, "task": "d", "at": 3},
        {"event": "run", "job": 2, "task": "d", "at": 4}, {"event": "run", "job": 2, "task": "c", "at": 8},
        {"event": "end", "job": 2, "task": "c", "at": 9, "result": "skipped"},
        # job 3: re-sent while its first message is still held at the end
        {"event": "send", "job": 3, "task": "e", "at": 1}, {"event": "send", "job": 3, "task": "f", "at": 2},
    ])
    sends = report._sends(probe, still_held={"e"})
    assert sends == {"jobs sent": 3, "sends": 6, "re-sent while queued": 2, "re-sent after loss": 1,
                     "runs of a job already done": 1}


def test_the_last_line_sums_the_phases_after_recovery():
    figures = {"requests": 10, "errors": 3, "before": 0, "still held": 0,
               "phases": [{"name": "postgres", "fault": 0, "back": 2, "during": 2, "after": 1},
                          {"name": "redis", "fault": 5, "back": 15, "during": 0, "after": 0}],
               "documents": {"expected": 5, "produced": 5, "lost": 0, "extra documents": 0, "extra editions": 0,
                             "numbers twice": 1, "stray files": 0},
               "sends": {"jobs sent": 5, "sends": 6, "re-sent while queued": 0, "re-sent after loss": 1,
                         "runs of a job already done": 0}}
    assert report.lines(figures)[-1] == "errors after recovery 1, lost 0, duplicated 1, re-sent while queued 0"
