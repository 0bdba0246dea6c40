"""bench/load's last lines: each page's ratio is taken against the trivial page measured beside it, the lowest
is the min ratio, and a run of the trivial page alone says n/a rather than a number it does not have."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import load  # noqa: E402


def test_each_ratio_is_against_the_trivial_page_beside_it_and_the_lowest_is_the_min_ratio():
    results = {10_000: {"alive": {"rps": 400.0, "errors": 0},
                        "list": {"rps": 60.0, "alive_rps": 300.0, "errors": 0},
                        "detail": {"rps": 50.0, "alive_rps": 200.0, "errors": 1}}}
    lines = load.summary(results, 10_000)
    assert lines == ["ratio list 0.200", "ratio detail 0.250", "min ratio 0.200",
                     "min ratio 0.200, growth n/a, errors 1"]


def test_the_trivial_page_alone_has_no_ratio_to_give():
    assert load.summary({10_000: {"alive": {"rps": 400.0, "errors": 0}}}, 10_000)[-2:] == [
        "min ratio n/a", "min ratio n/a, growth n/a, errors 0"]


def test_the_background_worker_is_niced_as_a_session_where_the_kernel_groups_sessions(tmp_path):
    """Linux's autogroup shares the CPUs between sessions first: the worker's session gets the worker's niceness."""
    (tmp_path / "4242").mkdir()
    (tmp_path / "4242" / "autogroup").write_text("/autogroup-7 nice 0\n")
    assert load.background_priority(4242, proc=tmp_path) is True
    assert (tmp_path / "4242" / "autogroup").read_text() == str(load.WORKER_NICE) == "10"
    assert load.background_priority(4243, proc=tmp_path) is False  # no such process, or no autogroup
