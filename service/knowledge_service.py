"""The app's one knowledge engine: built once, lazily, from the published entries in the database.

The database is the live source (seeded once from knowledge/entries/); every ~2 s a request checks
the knowledge base's change counter and rebuilds the index when another replica (or this one)
published, so all replicas converge without a restart.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from knowledge.devset import load_devset
from knowledge.encoder import Encoder, use_threads
from knowledge.entries import Entry, load_entries
from knowledge.search import KnowledgeSearch
from knowledge.store.gate import GateReport, RememberingEncoder, candidate_entries, compare, evaluate
from knowledge.store.repository import kb_version, published_entries, seed_from_files
from knowledge.vector_cache import VectorCache
from service.settings import Settings
from storage.db import session_scope

log = logging.getLogger(__name__)

#: Gate reports remembered (oldest dropped first).
GATE_REPORTS_KEPT = 16


class KnowledgeService:
    """Holds the live KnowledgeSearch; ``search`` builds it on first use and keeps it current."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session] | None = None) -> None:
        self.settings = settings
        self.sessions = sessions
        self._search: KnowledgeSearch | None = None
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._gate_lock = threading.Lock()
        self._encoder: RememberingEncoder | None = None
        self._cache: VectorCache | None = None
        self._kb_version: int | None = None
        self._checked_at = 0.0
        self._baseline: tuple[int, list] | None = None
        self._reports: dict[tuple, GateReport] = {}
        self.error: str | None = None

    @property
    def ready(self) -> bool:
        return self._search is not None

    @property
    def search(self) -> KnowledgeSearch:
        if self._search is None:
            with self._lock:
                if self._search is None:
                    self._search = self._build()
        else:
            self._maybe_refresh()
        return self._search

    def _load(self) -> tuple[list[Entry], int | None]:
        """Published entries and the change counter (seeding the database from the files once)."""
        if self.sessions is None:
            return load_entries(), None
        with session_scope(self.sessions) as session:
            if seed_from_files(session):
                log.info("knowledge base seeded from knowledge/entries")
        with session_scope(self.sessions) as session:
            return published_entries(session), kb_version(session)

    def _build(self) -> KnowledgeSearch:
        encoder = Encoder()
        self._cache = VectorCache(self.settings.index_dir, encoder) if encoder.available else None
        self._encoder = RememberingEncoder(encoder, self._cache) if encoder.available else None
        if not encoder.available:
            log.warning("embedding model missing at %s: lexical search only", encoder.path)
        entries, version = self._load()
        use_threads(2)  # batch-encode the entries with both cores
        try:
            search = KnowledgeSearch(entries, self._encoder, self._cache)
        finally:
            use_threads(1)  # one query at a time is much faster on one thread here
        self._kb_version, self._checked_at = version, time.monotonic()
        log.info("knowledge index ready: %d entries, dense=%s, kb version %s",
                 len(search.entries), search.dense_enabled, version)
        return search

    def _maybe_refresh(self) -> None:
        if time.monotonic() - self._checked_at < self.settings.kb_check_interval_s:
            return
        self._checked_at = time.monotonic()
        try:
            self.refresh()
        except Exception:  # noqa: BLE001 - the old index keeps serving; logged
            log.exception("could not refresh the knowledge index")

    def refresh(self, wait: bool = False) -> bool:
        """Rebuild the index when the database's change counter moved; True when it rebuilt.

        Other threads keep searching the previous index meanwhile; with ``wait`` False a refresh
        already running elsewhere is not waited for.
        """
        if self.sessions is None or self._search is None:
            return False
        if not self._refresh_lock.acquire(blocking=wait):
            return False
        try:
            with session_scope(self.sessions) as session:
                version = kb_version(session)
                if version == self._kb_version:
                    return False
                entries = published_entries(session)
            self._search.rebuild(entries)
            self._kb_version = version
            log.info("knowledge index rebuilt: kb version %s, %d entries", version, len(entries))
            return True
        finally:
            self._refresh_lock.release()

    def gate(self, change: Entry | None = None, remove: str | None = None) -> GateReport:
        """Run the dev set against the live index and a candidate with ``change`` in (or ``remove`` out).

        Reports are kept per live index and candidate, so publishing right after the review does
        not run the dev set again.
        """
        live = self.search
        key = (live.version, change.to_markdown() if change else None, remove, self.settings.gate_max_drop_points)
        with self._gate_lock:
            if key in self._reports:
                return self._reports[key]
            items = load_devset()
            if self._encoder is not None:
                self._encoder.remember(item.question for item in items)
            if self._baseline is None or self._baseline[0] != live.version:
                self._baseline = (live.version, evaluate(live, items))
            candidate = KnowledgeSearch(candidate_entries(live.entries.values(), change, remove),
                                        self._encoder, self._cache)
            report = compare(self._baseline[1], evaluate(candidate, items), self.settings.gate_max_drop_points)
            if len(self._reports) >= GATE_REPORTS_KEPT:
                self._reports.pop(next(iter(self._reports)))
            self._reports[key] = report
            return report

    def status(self) -> dict:
        """State for /healthz."""
        if self._search is None:
            return {"ok": False, "state": "building" if self.error is None else f"error: {self.error}"}
        return {
            "ok": True,
            "entries": len(self._search.entries),
            "dense": self._search.dense_enabled,
            "version": self._search.version,
            "kb_version": self._kb_version,
        }

    def warm_up(self) -> None:
        """Build the index now (at start-up), remembering a failure for /healthz."""
        try:
            self.search.search("慢病卡")
        except Exception as exc:  # noqa: BLE001 - reported on /healthz and in the log
            self.error = str(exc)
            log.exception("knowledge index failed to build")
