"""Simulated residents chatting with the cluster through nginx, and the books that check every reply.

Each resident (a thread; the crowd is bounded) writes to the REST channel one message at a time,
with 1–3 s to type the next. Most ask policy questions from the dev set; some verify as the demo
member 张德厚 (signed link → /bind → SMS code from the development outbox) and then ask for a check
of their own record, in one sentence or through the form. A resident told "please try again
shortly" waits and sends the same message again, as a person would.

Every HTTP attempt is recorded; afterwards :func:`tracker_check` reads Rasa's tracker in PostgreSQL
and confirms each answered message is in the conversation exactly once (none lost, none twice).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml
from sqlalchemy import Engine, text

from bench.rest_latency import questions
from storage.db import session_scope
from tests.unit.verification.conftest import ID_NUMBER, NAME, PHONE_MASKED
from verification.sms import code_in, latest_outbox
from webhook.texts import load_texts

FALLBACK_DOMAIN = Path(__file__).resolve().parent.parent / "bot" / "domain" / "fallback.yml"
THINK_S = (1.0, 3.0)
RETRY_PAUSE_S = 3.0
RETRIES = 15  # with the pause: a resident keeps trying for about 45 s (Redis is stopped for 30 s)
HTTP_TIMEOUT_S = 35.0
CHECKER_SHARE = 0.3
_LINK = re.compile(r"https?://\S+/bind\?t=[A-Za-z0-9_.\-]+")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def busy_texts() -> tuple[str, str]:
    """The two polite "try again shortly": nginx's and the channel's (no turn ran), and the bot's own
    outage reply (a turn ran and is stored, but an action could not reach the app)."""
    domain = yaml.safe_load(FALLBACK_DOMAIN.read_text(encoding="utf-8"))
    return load_texts().busy, domain["responses"]["utter_service_unavailable"][0]["text"]


@dataclass(frozen=True)
class Attempt:
    """One HTTP request of a resident and what came back."""

    sender: str
    text: str
    kind: str  # chat | web
    started_s: float  # since the run began
    ms: float
    status: int  # 0: no HTTP response at all
    outcome: str  # answered | busy (no turn ran) | outage (the bot's outage reply) | error


@dataclass
class Books:
    """Every attempt and every finished or failed verification flow, from all residents."""

    prefix: str = "load"  # senders are <prefix>-<random>, so the tracker check finds this run's only
    started: float = field(default_factory=time.monotonic)
    attempts: list[Attempt] = field(default_factory=list)
    flows: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts.append(attempt)

    def flow(self, result: str) -> None:
        with self.lock:
            self.flows[result] += 1

    def note(self, text: str) -> None:
        with self.lock:
            self.notes.append(text)

    def save(self, path: Path) -> None:
        """Every attempt as one JSON line, then the notes (for reading a run afterwards)."""
        with path.open("w", encoding="utf-8") as out:
            for attempt in self.attempts:
                out.write(json.dumps(attempt.__dict__, ensure_ascii=False) + "\n")
            for text in self.notes:
                out.write(json.dumps({"note": text}, ensure_ascii=False) + "\n")


class GaveUp(RuntimeError):
    """A message still had no answer after every retry."""


class Resident:
    """One person: ``number`` decides whether they only ask or also verify and check their record."""

    def __init__(self, number: int, url: str, db: Engine, member_lock: threading.Lock, books: Books,
                 until: float, stop: threading.Event) -> None:
        self.rng = random.Random(number)
        self.checker = self.rng.random() < CHECKER_SHARE
        self.url, self.db, self.member_lock, self.books = url, db, member_lock, books
        self.until, self.stop = until, stop
        self.http = requests.Session()
        self.busy = busy_texts()
        self.pool = questions()
        self.sender = self._new_sender()

    def _new_sender(self) -> str:
        return f"{self.books.prefix}-{uuid.uuid4().hex[:12]}"

    def _done(self) -> bool:
        return self.stop.is_set() or time.monotonic() >= self.until

    def _record(self, text: str, kind: str, started: float, status: int, outcome: str) -> None:
        self.books.add(Attempt(self.sender, text, kind, started - self.books.started,
                               (time.monotonic() - started) * 1000, status, outcome))

    def say(self, message: str) -> str:
        """Send ``message`` until it is answered (retrying after "please try again"); the reply text."""
        for _ in range(RETRIES):
            started = time.monotonic()
            try:
                response = self.http.post(f"{self.url}/webhooks/rest/webhook",
                                          json={"sender": self.sender, "message": message}, timeout=HTTP_TIMEOUT_S)
                reply = "\n".join(m.get("text", "") for m in response.json() if isinstance(m, dict))
            except (requests.RequestException, ValueError):
                self._record(message, "chat", started, 0, "error")
                reply, response = "", None
            if response is not None:
                channel_busy, bot_outage = self.busy
                outcome = ("busy" if channel_busy in reply else "outage" if bot_outage in reply
                           else "answered" if response.status_code == 200 and reply else "error")
                self._record(message, "chat", started, response.status_code, outcome)
                if outcome == "answered":
                    return reply
            time.sleep(RETRY_PAUSE_S)
        raise GaveUp(message)

    def page(self, method: str, url: str, expect: str, **kwargs) -> requests.Response:  # noqa: ANN003
        """A /bind page step, retried while the cluster says it is busy."""
        for _ in range(RETRIES):
            started = time.monotonic()
            try:
                response = self.http.request(method, url, timeout=HTTP_TIMEOUT_S, **kwargs)
            except requests.RequestException:
                self._record(f"{method} /bind", "web", started, 0, "error")
                time.sleep(RETRY_PAUSE_S)
                continue
            polite = response.status_code == 503 and self.busy[0] in response.text
            outcome = "answered" if expect in response.text else "busy" if polite else "error"
            self._record(f"{method} /bind", "web", started, response.status_code, outcome)
            if outcome == "answered":
                return response
            time.sleep(RETRY_PAUSE_S)
        raise GaveUp(f"{method} {url}")

    def latest_code(self) -> str:
        for _ in range(RETRIES):
            try:
                with session_scope(self.db) as session:
                    return code_in(latest_outbox(session, PHONE_MASKED, limit=1)[0].text)
            except Exception:  # noqa: BLE001 - PostgreSQL restarting: try again
                time.sleep(RETRY_PAUSE_S)
        raise GaveUp("outbox")

    def verify_and_check(self) -> None:
        """Card problem → link → /bind → code → the check from the own record (one sentence or the form)."""
        self.sender = self._new_sender()
        link = _LINK.search(self.say("我的慢病卡刷不了"))
        if not link:
            self.books.flow("no link")
            return
        with self.member_lock:  # one code at a time for the one demo phone, so each reads its own
            form = self.page("GET", link.group(0), "csrf_token")
            code_page = self.page("POST", link.group(0), PHONE_MASKED, data={
                "csrf_token": _CSRF.search(form.text).group(1), "name": NAME, "id_number": ID_NUMBER})
            code = self.latest_code()
            token = _CSRF.search(code_page.text).group(1)
            self.page("POST", code_page.url, "核验成功", data={"csrf_token": token, "code": code})
        if self.rng.random() < 0.5:
            reply = self.say("在嘉鱼某药店买降压药")
        else:
            for step in ("核验好了", "药店", "不知道"):
                self.say(step)
            reply = self.say("降压药")
        if "78%" in reply:
            self.books.flow("checked")
        else:
            self.books.flow("wrong check")
            self.books.note(f"{self.sender}: check answered {reply[:120]!r}")

    def live(self) -> None:
        """Ask and check until the run ends."""
        while not self._done():
            time.sleep(self.rng.uniform(*THINK_S))
            try:
                if self.checker and self.rng.random() < 0.35:
                    self.verify_and_check()
                else:
                    self.say(self.rng.choice(self.pool))
            except GaveUp:
                self.books.flow("gave up")


def crowd(url: str, db: Engine, residents: int, seconds: float, stop: threading.Event | None = None,
          books: Books | None = None) -> Books:
    """``residents`` people for ``seconds`` (or until ``stop``); their books (``books`` if given)."""
    books, stop = books or Books(), stop or threading.Event()
    member_lock = threading.Lock()
    until = time.monotonic() + seconds
    people = [Resident(n, url, db, member_lock, books, until, stop) for n in range(residents)]
    threads = [threading.Thread(target=p.live, name=f"resident-{n}", daemon=True) for n, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return books


def tracker_check(db: Engine, books: Books) -> dict[str, int]:
    """Each message a turn ran for (an answer, or the bot's outage reply) is in its conversation once,
    and none of those the channel or nginx called busy: lost = stored fewer times than turns ran,
    doubled = stored more often (a message the resident was told to send again had been handled).
    """
    processed: Counter = Counter()
    for attempt in books.attempts:
        if attempt.kind == "chat":
            processed[(attempt.sender, attempt.text)] += attempt.outcome in ("answered", "outage")
    stored: Counter = Counter()
    with db.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, data FROM events WHERE type_name = 'user' "
                                       "AND sender_id LIKE :senders"), {"senders": f"{books.prefix}-%"})
        for sender, data in rows:
            stored[(sender, json.loads(data).get("text", ""))] += 1
    return {
        "messages_in_tracker": sum(stored.values()),
        "lost": sum(max(0, processed[key] - stored[key]) for key in processed),
        "doubled": sum(max(0, stored[key] - processed[key]) for key in stored),
    }
