"""The cluster's supervisor restarts a process that dies and stops every process on request."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from io import StringIO

from deploy.supervisor import Supervisor
from service.stack import Process

SLEEPER = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"]


def wait_for(condition, timeout: float = 10.0) -> bool:  # noqa: ANN001 - a callable
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_process_is_restarted_and_stop_ends_all(tmp_path):
    out = StringIO()
    supervisor = Supervisor([Process("one", SLEEPER, {}), Process("two", SLEEPER, {})], tmp_path, tmp_path / "pids", out)
    runner = threading.Thread(target=supervisor.run, daemon=True)
    runner.start()
    try:
        assert wait_for(lambda: supervisor.pid("one") and supervisor.pid("two"))
        first, other = supervisor.pid("one"), supervisor.pid("two")
        assert (tmp_path / "pids" / "one.pid").read_text() == str(first)
        os.killpg(first, signal.SIGKILL)
        assert wait_for(lambda: supervisor.pid("one") not in (None, first))
        assert supervisor.pid("two") == other  # the others are left alone
        assert (tmp_path / "pids" / "one.pid").read_text() == str(supervisor.pid("one"))
        pids = [supervisor.pid("one"), other]
    finally:
        supervisor.request_stop()
        runner.join(timeout=30)
    assert not runner.is_alive()
    for pid in pids:
        assert not wait_for(lambda p=pid: _alive(p), timeout=0.2)
    log = out.getvalue()
    assert "two | up" in log and "exited with -9; restarting" in log and "two | stopped" in log
    assert not list((tmp_path / "pids").iterdir())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
