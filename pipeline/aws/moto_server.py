"""An embedded moto server on loopback that stands in for DynamoDB, Streams, SQS, SNS and S3.

Server mode (rather than moto's decorators) is used because botocore sends DynamoDB Streams
calls to account-based endpoints the decorators do not route, and because the handler runs
in another process that must reach the same fake AWS over HTTP (``AWS_ENDPOINT_URL``).
"""

from __future__ import annotations

import logging
from types import TracebackType


class MotoServer:
    """``with MotoServer() as server: server.endpoint_url`` - a moto server on 127.0.0.1:<free port>."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 - moto is heavy; only the demo and tests need it

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint_url = ""

    def start(self) -> str:
        """Start serving and return the endpoint URL."""
        # werkzeug logs every request line to stderr; that would drown the demo's output.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self.endpoint_url

    def stop(self) -> None:
        """Stop the server (its in-memory state is lost)."""
        self._server.stop()

    def __enter__(self) -> MotoServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
