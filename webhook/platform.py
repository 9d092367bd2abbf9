"""The WeChat platform's API as the channel uses it: a shared access_token and customer-service texts.

wechatpy's WeChatClient does the calls; this subclass points it at WECHAT_API_BASE_URL, keeps the
access_token in the channel's shared store (so every process uses one token, refreshed by one of
them a few minutes before it expires) and retries once after the platform says the token is
invalid or expired (40001, 40014, 42001).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import requests
from requests.adapters import HTTPAdapter
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from webhook.store import Store

log = logging.getLogger(__name__)

#: The platform's codes for a token it no longer accepts.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
#: The resident has not written for 48 hours: customer-service messages are refused.
OUT_OF_WINDOW = 45015
#: Fetch a new token this long before the old one expires (at most half its lifetime).
REFRESH_MARGIN_S = 300
#: Longest wait for another process that is fetching the token.
REFRESH_WAIT_S = 10.0


class PlatformError(RuntimeError):
    """A platform call failed; ``code`` is WeChat's errcode when it gave one."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class TokenCache:
    """The access_token in a shared store; one refresher at a time across processes."""

    def __init__(self, store: Store, key: str, fetch: Callable[[], tuple[str, int]]) -> None:
        self.store = store
        self.key = key
        self.fetch = fetch

    def get(self) -> str:
        """The current token, fetched when there is none (or it is about to expire)."""
        return self.store.get(self.key) or self.refresh(stale=None)

    def discard(self, token: str) -> None:
        """Forget ``token`` (the platform refused it), unless another process already replaced it."""
        if self.store.get(self.key) == token:
            self.store.delete(self.key)

    def refresh(self, stale: str | None) -> str:
        """A token other than ``stale``: another process's fresh one, or a newly fetched one."""
        deadline = time.monotonic() + REFRESH_WAIT_S
        while True:
            current = self.store.get(self.key)
            if current and current != stale:
                return current
            if self.store.add(f"{self.key}:lock", "1", ttl=REFRESH_WAIT_S):
                try:
                    token, expires_in = self.fetch()
                    lifetime = max(1, expires_in - min(REFRESH_MARGIN_S, expires_in // 2))
                    self.store.set(self.key, token, ttl=lifetime)
                    log.info("fetched a new access_token (kept %d s)", lifetime)
                    return token
                finally:
                    self.store.delete(f"{self.key}:lock")
            if time.monotonic() > deadline:
                raise PlatformError("timed out waiting for another process to fetch the access_token")
            time.sleep(0.05)


class PlatformClient(WeChatClient):
    """wechatpy's client on WECHAT_API_BASE_URL with the shared token cache."""

    def __init__(self, app_id: str, app_secret: str, base_url: str, store: Store, timeout_s: float = 5.0) -> None:
        super().__init__(app_id, app_secret, session=store, timeout=timeout_s, auto_retry=False)
        self.API_BASE_URL = base_url.rstrip("/") + "/cgi-bin/"
        self._http.mount("http://", HTTPAdapter(pool_maxsize=16))
        self._http.mount("https://", HTTPAdapter(pool_maxsize=16))
        self.tokens = TokenCache(store, f"token:{app_id}", self._request_token)

    def _request_token(self) -> tuple[str, int]:
        response = self._http.get(
            self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            timeout=self.timeout,
        )
        if response.status_code != 200:
            raise PlatformError(f"token endpoint answered HTTP {response.status_code}")
        result = self._handle_result(response)  # raises WeChatClientException for an errcode
        if not isinstance(result, dict) or not result.get("access_token"):
            raise PlatformError("token endpoint answered without an access_token")
        return str(result["access_token"]), int(result.get("expires_in", 7200))

    @property
    def access_token(self) -> str:
        """The shared token (wechatpy reads this for every call)."""
        return self.tokens.get()

    def fetch_access_token(self) -> dict:
        """Force a new token (wechatpy's name for it)."""
        return {"access_token": self.tokens.refresh(stale=self.session.get(self.tokens.key))}

    def send_text(self, openid: str, text: str) -> None:
        """One customer-service text message to ``openid``.

        Raises:
            PlatformError: the platform refused (``code`` = its errcode) or could not be reached.
        """
        for attempt in (1, 2):
            token = None
            try:
                token = self.tokens.get()
                self.message.send_text(openid, text)
                return
            except WeChatClientException as exc:
                code = int(exc.errcode) if exc.errcode is not None else None
                if code not in TOKEN_ERRORS or token is None or attempt == 2:
                    raise PlatformError(f"platform refused: {code} {exc.errmsg}", code) from exc
                log.info("access_token refused (%s); refreshing", code)
                self.tokens.discard(token)
            except requests.RequestException as exc:
                raise PlatformError(f"platform not reachable: {type(exc).__name__}") from exc
