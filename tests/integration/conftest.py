"""One real stack for the whole integration package (Rasa takes ~30 s to start); its environment is undone after it.

Its app has the WeChat channel on, pointed at a fake platform, with a proxy in front of Rasa
that the WeChat tests slow down or break for their own senders only (tests/integration/wechat.py).
"""

from __future__ import annotations

import pytest

from tests.integration.stack import running_stack
from tests.integration.wechat import wechat_fakes


@pytest.fixture(scope="package")
def wechat():
    with wechat_fakes() as fakes:
        yield fakes


@pytest.fixture(scope="package")
def stack(tmp_path_factory, wechat):
    with running_stack(tmp_path_factory.mktemp("var"), extra_env=wechat.env) as running, wechat.only_in_children():
        yield running
