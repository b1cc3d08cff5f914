"""Fixtures every suite shares: the one moto server of a test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.aws.clients import use_fake_credentials
from pipeline.aws.moto_server import MotoServer


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    """A moto server on loopback for the whole session, with moto's fake credentials.

    Every test creates uniquely named resources on it, so tests never see each other's tables,
    queues or topics; one server instead of one per suite keeps the session's start-up short.
    """
    use_fake_credentials()
    with MotoServer() as server:
        yield server.endpoint_url
