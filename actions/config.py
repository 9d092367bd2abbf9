"""The action server's configuration, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionsConfig:
    app_url: str
    internal_token: str
    timeout_s: float


def load_config() -> ActionsConfig:
    """Read YIBAO_APP_URL, YIBAO_INTERNAL_TOKEN and YIBAO_APP_TIMEOUT_S."""
    return ActionsConfig(
        app_url=os.environ.get("YIBAO_APP_URL", "http://127.0.0.1:8000").rstrip("/"),
        internal_token=os.environ.get("YIBAO_INTERNAL_TOKEN", ""),
        timeout_s=float(os.environ.get("YIBAO_APP_TIMEOUT_S", "3")),
    )
