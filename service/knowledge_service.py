"""The app's one knowledge engine: built once, lazily, from the entry files and the model."""

from __future__ import annotations

import logging
import threading

from knowledge.encoder import Encoder, use_threads
from knowledge.entries import load_entries
from knowledge.search import KnowledgeSearch
from knowledge.vector_cache import VectorCache
from service.settings import Settings

log = logging.getLogger(__name__)


class KnowledgeService:
    """Holds the live KnowledgeSearch; ``search`` builds it on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._search: KnowledgeSearch | None = None
        self._lock = threading.Lock()
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
        return self._search

    def _build(self) -> KnowledgeSearch:
        encoder = Encoder()
        cache = VectorCache(self.settings.index_dir, encoder) if encoder.available else None
        if not encoder.available:
            log.warning("embedding model missing at %s: lexical search only", encoder.path)
        use_threads(2)  # batch-encode the entries with both cores
        try:
            search = KnowledgeSearch(load_entries(), encoder, cache)
        finally:
            use_threads(1)  # one query at a time is much faster on one thread here
        log.info("knowledge index ready: %d entries, dense=%s", len(search.entries), search.dense_enabled)
        return search

    def status(self) -> dict:
        """State for /healthz."""
        if self._search is None:
            return {"ok": False, "state": "building" if self.error is None else f"error: {self.error}"}
        return {
            "ok": True,
            "entries": len(self._search.entries),
            "dense": self._search.dense_enabled,
            "version": self._search.version,
        }

    def warm_up(self) -> None:
        """Build the index now (at start-up), remembering a failure for /healthz."""
        try:
            self.search.search("慢病卡")
        except Exception as exc:  # noqa: BLE001 - reported on /healthz and in the log
            self.error = str(exc)
            log.exception("knowledge index failed to build")
