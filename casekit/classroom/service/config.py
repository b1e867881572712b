"""The service's settings: its name, the instructors' group, where its data lives, its limits.

Every setting has a default that fits a hub-managed service (``c.JupyterHub.services``), an environment
variable (set it in the service's ``environment`` in ``jupyterhub_config.py``, or ``hub.services`` in Zero
to JupyterHub) and a command-line option (``casekit class service --help``); the option wins over the
variable, the variable over the default. JupyterHub's own variables (``JUPYTERHUB_SERVICE_NAME``,
``JUPYTERHUB_SERVICE_URL``, ``JUPYTERHUB_SERVICE_PREFIX``) say the name, the address to listen on and the
URL prefix of a hub-managed service.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from casekit.classroom.snapshot import MAX_SHARE_BYTES
from casekit.i18n import t

__all__ = [
    "DB_FILE",
    "DEFAULT_NAME",
    "DEFAULT_PORT",
    "INSTRUCTORS_GROUP",
    "SECRET_FILE",
    "ServiceConfig",
    "add_arguments",
    "from_arguments",
]

DEFAULT_NAME = "casekit-class"
"""The service's name in the hub (``/services/casekit-class/``) unless the hub or an option names it."""
INSTRUCTORS_GROUP = "casekit-instructors"
"""The hub group whose members open rounds and read the class."""
DEFAULT_PORT = 10101
"""The port the service listens on (127.0.0.1) unless JupyterHub says (``JUPYTERHUB_SERVICE_URL``)."""
DB_FILE = "casekit-class.sqlite"
"""The SQLite database in the data folder, unless a database URL is given."""
SECRET_FILE = "casekit-class.secret"
"""The key of the learners' identities (HMAC-SHA256), in the data folder, mode 0600."""


@dataclass(frozen=True)
class ServiceConfig:
    """What the service needs to run; see the module docstring for where each value comes from.

    Attributes
    ----------
    name : str
        The service's name in the hub (``JUPYTERHUB_SERVICE_NAME``; ``CASEKIT_CLASS_SERVICE``).
    instructors : str
        The hub group of the course's instructors (``CASEKIT_CLASS_INSTRUCTORS``).
    data_dir : Path
        The folder of the secret and (by default) the SQLite database (``CASEKIT_CLASS_DATA``; default
        ``./casekit-class`` in the folder the service runs in: the hub's own folder, on its volume).
    db_url : str
        A SQLAlchemy URL (``CASEKIT_CLASS_DB``); default ``sqlite:///<data_dir>/casekit-class.sqlite``.
    ip, port : str, int
        Where to listen (from ``JUPYTERHUB_SERVICE_URL``; default 127.0.0.1 and :data:`DEFAULT_PORT`).
    prefix : str
        The URL prefix (``JUPYTERHUB_SERVICE_PREFIX``; default ``/services/<name>/``).
    max_rounds : int
        How many rounds may be opened (``CASEKIT_CLASS_MAX_ROUNDS``).
    max_entries : int
        How many learners' entries one round holds (``CASEKIT_CLASS_MAX_ENTRIES``).
    max_bytes : int
        The biggest entry a learner may send, in bytes (the snapshot format's own limit).
    rate : int
        How many shares one learner may send per :attr:`rate_window` seconds (``CASEKIT_CLASS_RATE``).
    rate_window : float
        The window of :attr:`rate`, in seconds.
    """

    name: str = DEFAULT_NAME
    instructors: str = INSTRUCTORS_GROUP
    data_dir: Path = field(default_factory=lambda: Path("casekit-class"))
    db_url: str = ""
    ip: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    prefix: str = ""
    max_rounds: int = 100
    max_entries: int = 5000
    max_bytes: int = MAX_SHARE_BYTES
    rate: int = 12
    rate_window: float = 60.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser())
        if not self.db_url:
            object.__setattr__(self, "db_url", f"sqlite:///{self.data_dir.absolute() / DB_FILE}")
        prefix = self.prefix or f"/services/{self.name}/"
        prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        object.__setattr__(self, "prefix", prefix)

    @property
    def secret_file(self) -> Path:
        """Where the key of the learners' identities is kept."""
        return self.data_dir / SECRET_FILE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **given: object) -> ServiceConfig:
        """The settings from the environment (``os.environ`` by default), then ``given`` on top."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        name = env.get("CASEKIT_CLASS_SERVICE") or env.get("JUPYTERHUB_SERVICE_NAME")
        if name:
            values["name"] = name
        for key, var in (("instructors", "CASEKIT_CLASS_INSTRUCTORS"), ("db_url", "CASEKIT_CLASS_DB")):
            if env.get(var):
                values[key] = env[var]
        if env.get("CASEKIT_CLASS_DATA"):
            values["data_dir"] = Path(env["CASEKIT_CLASS_DATA"])
        if env.get("JUPYTERHUB_SERVICE_URL"):
            url = urlparse(env["JUPYTERHUB_SERVICE_URL"])
            values["ip"] = url.hostname or "127.0.0.1"
            values["port"] = url.port or (443 if url.scheme == "https" else 80)
        if env.get("JUPYTERHUB_SERVICE_PREFIX"):
            values["prefix"] = env["JUPYTERHUB_SERVICE_PREFIX"]
        for key, var in (
            ("max_rounds", "CASEKIT_CLASS_MAX_ROUNDS"),
            ("max_entries", "CASEKIT_CLASS_MAX_ENTRIES"),
        ):
            if env.get(var):
                values[key] = int(env[var])
        if env.get("CASEKIT_CLASS_RATE"):
            values["rate"] = int(env["CASEKIT_CLASS_RATE"])
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    """The service's options (``casekit class service``, ``python -m casekit.classroom.service``)."""
    parser.add_argument("--name", default=None, help=t("class.cli.service_name_help", lang))
    parser.add_argument(
        "--instructors", metavar="GROUP", default=None, help=t("class.cli.instructors_help", lang)
    )
    parser.add_argument("--data", metavar="FOLDER", default=None, help=t("class.cli.data_help", lang))
    parser.add_argument("--db", metavar="URL", default=None, help=t("class.cli.db_help", lang))
    parser.add_argument("--ip", default=None, help=t("class.cli.ip_help", lang))
    parser.add_argument("--port", type=int, default=None, help=t("class.cli.port_help", lang))


def from_arguments(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> ServiceConfig:
    """The settings the environment and the parsed options give together."""
    return ServiceConfig.from_env(
        env,
        name=args.name,
        instructors=args.instructors,
        data_dir=Path(args.data) if args.data else None,
        db_url=args.db,
        ip=args.ip,
        port=args.port,
    )
