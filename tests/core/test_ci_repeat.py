"""`.ci/repeat` fails CI on any failing run, and on a run that collected nothing."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPEAT = ROOT / ".ci" / "repeat"


def _repeat(tmp_path, *targets, runs=3):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    # The fake suites below are plain pytest: no Django, no project conftest.
    args = [str(REPEAT), "--runs", str(runs), *map(str, targets), "--", "-p", "no:django", "-p", "no:cacheprovider",
            "--rootdir", str(tmp_path), "-c", str(tmp_path / "pytest.ini")]
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_it_passes_when_every_run_passes(tmp_path):
    (tmp_path / "test_fine.py").write_text("def test_fine():\n    assert True\n")
    done = _repeat(tmp_path, tmp_path / "test_fine.py", runs=2)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("1 passed") == 2
    assert "all 2 runs passed" in done.stdout


def test_it_fails_when_one_run_of_three_fails(tmp_path):
    # Fails on its second run only: the kind of test a single run lets through.
    counter = tmp_path / "runs"
    (tmp_path / "test_flaky.py").write_text(
        "from pathlib import Path\n"
        f"COUNTER = Path({str(counter)!r})\n"
        "def test_flaky():\n"
        "    n = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1\n"
        "    COUNTER.write_text(str(n))\n"
        "    assert n != 2\n")
    done = _repeat(tmp_path, tmp_path / "test_flaky.py")
    assert counter.read_text() == "3", "it stopped early: every run should happen"
    assert done.returncode == 1, done.stdout + done.stderr
    assert "repeat run 2 failed" in done.stderr and "1 of 3 runs failed" in done.stderr


def test_it_fails_when_no_test_is_collected(tmp_path):
    (tmp_path / "empty").mkdir()
    done = _repeat(tmp_path, tmp_path / "empty", runs=2)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no tests were collected" in done.stderr


def test_it_fails_on_a_missing_target(tmp_path):
    done = _repeat(tmp_path, tmp_path / "no-such-folder", runs=1)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "pytest exit 4" in done.stderr


def test_it_refuses_to_run_nothing(tmp_path):
    done = _repeat(tmp_path, runs=1)
    assert done.returncode == 2 and "no test targets" in done.stderr


def test_ci_repeats_the_live_channel_and_concurrency_tests():
    ci = (ROOT / ".ci" / "run").read_text()
    assert '.ci/repeat --runs "${REPEAT_RUNS:-3}"' in ci
    for target in ("tests/ieps/test_live_channel.py", "tests/evaluations/test_live.py",
                   "tests/evaluations/test_concurrency.py"):
        assert target in ci and (ROOT / target).exists(), target
    assert "[ -d tests/concurrency ] && repeat_targets+=(tests/concurrency)" in ci
