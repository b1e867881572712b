"""A test seam for the class service (as ``structlog.testing``): a hub that knows a few tokens, and the
service running in a thread of this process, so tests and benchmarks call it over real HTTP without a hub.

The real thing, a JupyterHub with its proxy and the service as a hub-managed service, is tested in
``tests/classroom/test_hub.py``; this seam tests the service's own rules quickly.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from jupyterhub.services.auth import HubOAuth

from casekit.classroom.service.app import ClassService, make_app

__all__ = ["FakeHubAuth", "free_port", "running", "user_model"]


def user_model(name: str, groups: list[str] | tuple[str, ...] = (), scopes: list[str] | None = None, *,
               service: str = "casekit-class") -> dict[str, Any]:  # fmt: skip
    """The model the hub's ``/hub/api/user`` gives for a user's token (with the service's access scope)."""
    scopes = [f"access:services!service={service}"] if scopes is None else scopes
    return {"kind": "user", "name": name, "groups": list(groups), "scopes": list(scopes), "admin": False}


class FakeHubAuth(HubOAuth):
    """``HubOAuth`` that identifies tokens from a mapping, instead of asking a hub.

    Parameters
    ----------
    tokens : Mapping[str, dict]
        Token → the hub's model of its owner (:func:`user_model`); a token it does not hold (``KeyError``)
        is unknown. Kept as given, so a mapping that makes models on demand works too.
    service : str
        The service's name: its access scope is the one required, as in a hub-managed service.
    """

    def __init__(
        self, tokens: Mapping[str, dict[str, Any]], service: str = "casekit-class", **kwargs: Any
    ) -> None:
        super().__init__(
            api_token="service-token",
            api_url="http://127.0.0.1:9/hub/api",
            oauth_client_id=f"service-{service}",
            access_scopes={f"access:services!service={service}"},
            base_url=f"/services/{service}/",
            **kwargs,
        )
        self.tokens = tokens
        self.calls = 0

    def user_for_token(
        self, token: str, use_cache: bool = True, session_id: str = "", *, sync: bool = True
    ) -> Any:
        self.calls += 1
        try:
            model: dict[str, Any] | None = dict(self.tokens[token])
        except KeyError:
            model = None
        if sync:
            return model

        async def answer() -> dict[str, Any] | None:
            return model

        return answer()


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(service: ClassService) -> Iterator[str]:
    """Run ``service`` on 127.0.0.1 in a thread of its own; yields its URL (``http://…/services/<name>/``)."""
    port = free_port()
    ready = threading.Event()
    state: dict[str, Any] = {}

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = make_app(service).listen(
            port, address="127.0.0.1", max_body_size=service.config.max_bytes * 2
        )
        state["loop"], state["stop"] = loop, asyncio.Event()
        ready.set()
        try:
            loop.run_until_complete(state["stop"].wait())
        finally:
            server.stop()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    thread = threading.Thread(target=serve, name="casekit-class-service", daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{port}{service.config.prefix}"
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)
