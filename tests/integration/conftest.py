"""One real stack for the whole integration session (Rasa takes ~30 s to start)."""

from __future__ import annotations

import pytest

from tests.integration.stack import running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("var")) as running:
        yield running
