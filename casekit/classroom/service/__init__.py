"""The class's JupyterHub service: the learners share into it, the instructors read the class from it.

JupyterHub's answer to "a shared thing several users talk to" is a *service*: a process the hub starts
(``c.JupyterHub.services``), routes to (``/services/casekit-class/``), and tells who is calling (its OAuth in
the browser, the hub's tokens from a kernel). This one keeps the class's rounds and one anonymous entry per
learner and round in a database of its own (:mod:`.store`), keyed by an HMAC of the hub user name
(:mod:`.identity`); members of a hub group (``casekit-instructors``) open rounds and read the class
(:mod:`.app`). The learners' and the instructor's side is :class:`casekit.classroom.hub.HubTransport`
(``CASEKIT_CLASS=hub``). The recipe for ``jupyterhub_config.py`` and Zero to JupyterHub, and every endpoint,
are in ``docs/class-service.md``.

Run it as ``casekit class service`` or ``python -m casekit.classroom.service`` (the hub does, as a
hub-managed service). It needs the ``hub`` extra (``pip install casekit[hub]``: JupyterHub, SQLAlchemy).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from casekit.classroom.service.config import (
    DEFAULT_NAME,
    INSTRUCTORS_GROUP,
    ServiceConfig,
    add_arguments,
    from_arguments,
)
from casekit.i18n import t, ui_lang

__all__ = [
    "DEFAULT_NAME",
    "INSTRUCTORS_GROUP",
    "STOP_SIGNALS",
    "ServiceConfig",
    "add_arguments",
    "main",
    "open_service",
    "run",
    "run_args",
    "until_signalled",
]


def open_service(config: ServiceConfig, hub_auth: object | None = None) -> object:
    """The service's state (:class:`~casekit.classroom.service.app.ClassService`): the key loaded or made,
    the database opened and upgraded. ``hub_auth`` defaults to JupyterHub's ``HubOAuth`` from the
    environment the hub gives its services.

    Raises
    ------
    casekit.classroom.service.store.StoreError, casekit.classroom.service.identity.SecretError
        The database or the key cannot be used (the message says why; nothing is changed).
    """
    from casekit.classroom.service.app import ClassService, hub_oauth
    from casekit.classroom.service.identity import Identity, load_secret
    from casekit.classroom.service.store import ClassStore

    identity = Identity(load_secret(config.secret_file))
    store = ClassStore(
        config.db_url, identity.fingerprint(), max_rounds=config.max_rounds, max_entries=config.max_entries
    )
    return ClassService(config, store, identity, hub_auth if hub_auth is not None else hub_oauth(config))


def run(config: ServiceConfig) -> None:
    """Run the service until it is stopped (SIGINT, as the hub stops its services, SIGTERM, or Ctrl-C)."""
    from casekit.classroom.service.app import serve

    service = open_service(config)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(until_signalled(serve(service)))  # type: ignore[arg-type]


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""What stops the service: JupyterHub stops a managed service with SIGINT, then SIGTERM after 10 s."""


async def until_signalled(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` until one of :data:`STOP_SIGNALS` arrives, then cancel it and return.

    The handlers are the event loop's own, so they hold even where the process was started with SIGINT
    ignored (a hub started in the background by a shell: its children inherit the ignored signal, and
    Python then leaves SIGINT alone). Without them such a service ignored the hub's SIGINT, and the hub's
    shutdown waited for it."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    for number in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows; not the main thread
            loop.add_signal_handler(number, task.cancel)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        for number in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(number)


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """``casekit class service`` / ``python -m casekit.classroom.service``: exit 1 with one clear line when
    the service cannot start (not run by a hub, a database or key it cannot use)."""
    lang = ui_lang(None)
    parser = argparse.ArgumentParser(prog=prog, description=t("class.cli.service_help", lang))
    add_arguments(parser, lang)
    args = parser.parse_args(argv)
    return run_args(args)


def run_args(args: argparse.Namespace) -> int:
    """Run the service with parsed options; the exit code."""
    lang = ui_lang(getattr(args, "lang", None))
    logging.basicConfig(level=logging.INFO, format="[%(levelname)1.1s %(asctime)s %(name)s] %(message)s")
    if not os.environ.get("JUPYTERHUB_API_TOKEN"):
        print(t("class.service.no_hub", lang), file=sys.stderr)
        return 1
    config = from_arguments(args)
    try:
        run(config)
    except (RuntimeError, OSError) as exc:  # StoreError and SecretError are RuntimeErrors
        print(t("class.service.failed", lang, name=config.name, reason=exc), file=sys.stderr)
        return 1
    return 0
