"""A small process supervisor: start named processes, prefix their output, restart any that exits.

honcho (the single stack's supervisor) stops everything when one process ends; a cluster must
instead replace the replica that died and keep serving. Each process runs in its own process group
(so a replica's children go with it); its current pid is written to ``<pid_dir>/<name>.pid``.
Ctrl-C or SIGTERM stops every process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from service.stack import Process

#: Pauses before restarting a process that keeps failing (reset once it has run for a while).
BACKOFF_S = (1.0, 2.0, 5.0, 10.0)
STABLE_AFTER_S = 30.0
STOP_TIMEOUT_S = 20.0


@dataclass
class Child:
    """One supervised process and its restart bookkeeping."""

    spec: Process
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    failures: int = 0
    restarts: int = 0
    due_at: float = 0.0
    reader: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    """Runs ``specs`` from ``cwd`` until stopped; ``out`` receives every line as ``name | text``."""

    def __init__(self, specs: list[Process], cwd: Path, pid_dir: Path, out: TextIO = sys.stdout) -> None:
        self.children = {spec.name: Child(spec) for spec in specs}
        self.cwd, self.pid_dir, self.out = cwd, pid_dir, out
        self.width = max(len(name) for name in self.children)
        self._stopping = threading.Event()
        self._write = threading.Lock()

    def say(self, name: str, text: str) -> None:
        with self._write:
            self.out.write(f"{name:<{self.width}} | {text}\n")
            self.out.flush()

    def _start(self, child: Child) -> None:
        popen = subprocess.Popen(
            child.spec.argv, cwd=self.cwd, env={**os.environ, **child.spec.env}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        child.popen, child.started_at = popen, time.monotonic()
        (self.pid_dir / f"{child.spec.name}.pid").write_text(str(popen.pid))
        child.reader = threading.Thread(target=self._pump, args=(child.spec.name, popen), daemon=True)
        child.reader.start()
        self.say(child.spec.name, f"started (pid {popen.pid})")

    def _pump(self, name: str, popen: subprocess.Popen) -> None:
        assert popen.stdout is not None
        for raw in popen.stdout:
            self.say(name, raw.decode("utf-8", "replace").rstrip())

    def _check(self, child: Child, now: float) -> None:
        """Restart ``child`` when it has exited and its pause is over."""
        popen = child.popen
        if popen is not None and popen.poll() is None:
            if child.failures and now - child.started_at > STABLE_AFTER_S:
                child.failures = 0
            return
        if popen is not None:  # it just exited: schedule the restart
            self.say(child.spec.name, f"exited with {popen.returncode}; restarting")
            child.popen = None
            child.due_at = now + BACKOFF_S[min(child.failures, len(BACKOFF_S) - 1)]
            child.failures += 1
            return
        if now >= child.due_at:
            child.restarts += 1
            self._start(child)

    def request_stop(self) -> None:
        """Make :meth:`run` stop everything and return (from another thread)."""
        self._stopping.set()

    def pid(self, name: str) -> int | None:
        """The current pid of process ``name`` (None while it waits to be restarted)."""
        popen = self.children[name].popen
        return popen.pid if popen is not None and popen.poll() is None else None

    def run(self) -> int:
        """Start everything, keep it running until SIGINT/SIGTERM (or :meth:`request_stop`), stop everything; 0."""
        self.pid_dir.mkdir(parents=True, exist_ok=True)
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {sig: signal.signal(sig, lambda *_: self._stopping.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for child in self.children.values():
                self._start(child)
            while not self._stopping.wait(0.5):
                now = time.monotonic()
                for child in self.children.values():
                    self._check(child, now)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def stop(self) -> None:
        """SIGTERM every process group, SIGKILL what is left after the timeout."""
        running = [child for child in self.children.values() if child.popen and child.popen.poll() is None]
        for child in running:
            _signal_group(child.popen, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for child in running:
            try:
                child.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.popen, signal.SIGKILL)
                child.popen.wait()
            self.say(child.spec.name, "stopped")
        for child in self.children.values():
            (self.pid_dir / f"{child.spec.name}.pid").unlink(missing_ok=True)


def _signal_group(popen: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(popen.pid, sig)
