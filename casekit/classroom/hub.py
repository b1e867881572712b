"""The class through the JupyterHub service (``CASEKIT_CLASS=hub``): the second transport.

A learner's kernel on a JupyterHub holds a token of its user (``JUPYTERHUB_API_TOKEN``); with it,
:class:`HubTransport` shares the learner's snapshot into the class's service (``casekit-class``, see
:mod:`casekit.classroom.service`), which keys it by the hub user, never a name. The instructor's notebook and
``casekit class summarize hub`` read the class with the instructor's token; the service lets only its
instructors' group do that. Nothing here writes a file.

**Where the service is.** ``CASEKIT_CLASS_URL`` if set (the service's URL, e.g.
``http://127.0.0.1:10101/services/casekit-class/``); else the hub's public URL as JupyterHub gives it to a
server (``JUPYTERHUB_PUBLIC_HUB_URL``, set when the hub has a ``public_url``) with ``services/<name>/``.

**Failures** are :class:`~casekit.classroom.errors.ClassFolderError`\\ s with a catalog message in the
learner's language: no token, no URL, the service down or slow (:data:`TIMEOUT`), or refusing (each of the
service's ``error`` codes has its sentence). The learner's answers are never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from casekit.classroom.errors import ClassFolderError
from casekit.classroom.intake import Intake
from casekit.classroom.snapshot import DEFAULT_ROUND, MAX_SHARE_BYTES, SHARE_FORMAT, SHARE_SCHEMA_VERSION
from casekit.classroom.transport import Transport
from casekit.errors import CasekitError
from casekit.i18n import format_size, reason, t, ui_lang

__all__ = ["DEFAULT_SERVICE", "TIMEOUT", "URL_ENV", "HubTransport", "ServiceRefusal", "service_url"]

DEFAULT_SERVICE = "casekit-class"
"""The service's name when ``CASEKIT_CLASS`` is just ``hub``."""
URL_ENV = "CASEKIT_CLASS_URL"
"""The environment variable that gives the service's URL (see the module docstring)."""
TIMEOUT = 10.0
"""Seconds a call to the service may take before the learner is told it is slow."""

_MESSAGES = {
    "not_authenticated": "class.hub.not_authenticated",
    "not_allowed": "class.hub.not_allowed",
    "not_a_user": "class.hub.not_a_user",
    "not_instructor": "class.hub.not_instructor",
    "round_closed": "class.hub.round_closed",
    "round_full": "class.hub.round_full",
    "too_many_rounds": "class.hub.too_many_rounds",
    "too_big": "class.hub.too_big",
    "rate_limited": "class.hub.rate_limited",
    "invalid": "class.hub.invalid",
}
"""The service's ``error`` codes and the catalog's sentence for each."""


class ServiceRefusal(ClassFolderError):
    """The service answered, and refused: ``status`` its HTTP status, ``code`` its ``error`` (or ``None``)."""

    def __init__(self, message: str, status: int, code: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def service_url(service: str = DEFAULT_SERVICE, env: Mapping[str, str] | None = None) -> str | None:
    """The URL of the service ``service`` (ending in ``/``), or ``None`` where nothing says it."""
    env = os.environ if env is None else env
    given = env.get(URL_ENV, "").strip()
    if given:
        return given if given.endswith("/") else given + "/"
    public = env.get("JUPYTERHUB_PUBLIC_HUB_URL", "").strip()
    if public:
        parts = urllib.parse.urlsplit(public)
        base = "/" + env.get("JUPYTERHUB_BASE_URL", "/").strip("/") + "/"
        path = base.replace("//", "/") + f"services/{urllib.parse.quote(service)}/"
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


class HubTransport(Transport):
    """The class's JupyterHub service as a transport.

    Parameters
    ----------
    service : str, optional
        The service's name (default :data:`DEFAULT_SERVICE`).
    url : str, optional
        The service's URL (default :func:`service_url`).
    token : str, optional
        The hub token to call it with (default ``$JUPYTERHUB_API_TOKEN``, the kernel's).
    timeout : float
        Seconds a call may take (:data:`TIMEOUT`).
    """

    def __init__(
        self,
        service: str | None = None,
        *,
        url: str | None = None,
        token: str | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.service = (service or "").strip() or DEFAULT_SERVICE
        self.url = (url if url.endswith("/") else url + "/") if url else service_url(self.service)
        self.token = os.environ.get("JUPYTERHUB_API_TOKEN", "") if token is None else token
        self.timeout = timeout
        self._entries: tuple[str, dict[str, Any]] | None = None  # the last class read, with its ETag
        self._shared_round: dict[str, Any] | None = None  # the service's answer to the last share: its round

    @property
    def location(self) -> str:
        return f"hub:{self.service}"

    # -- the calls -----------------------------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        lang: str = "da",
        etag: str | None = None,
        query: Mapping[str, str] | None = None,
    ) -> tuple[int, Any, Mapping[str, str]]:
        """One call to the service: ``(status, JSON, headers)`` (JSON ``None`` for a 304; header names in
        lower case); refusals and
        failures as :class:`ClassFolderError` in ``lang``."""
        lang = ui_lang(lang)
        if not self.token:
            raise ClassFolderError(t("class.hub.no_token", lang))
        if not self.url:
            raise ClassFolderError(t("class.hub.no_url", lang, service=self.service))
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            f"{self.url}{path}?{urllib.parse.urlencode({**(query or {}), 'lang': lang})}",
            data=data,
            method=method,
            headers={
                "Authorization": f"token {self.token}",
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if data is not None else {}),
                **({"If-None-Match": etag} if etag else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return (
                    response.status,
                    _json(response.read()),
                    {k.lower(): v for k, v in response.headers.items()},
                )
        except urllib.error.HTTPError as exc:
            with exc:  # its connection is closed, whatever it said
                if exc.code == 304:
                    return 304, None, {k.lower(): v for k, v in exc.headers.items()}
                raise self._refusal(exc, lang) from None
        except TimeoutError as exc:
            raise ClassFolderError(
                t("class.hub.slow", lang, service=self.service, seconds=round(self.timeout))
            ) from exc
        except urllib.error.URLError as exc:
            why = exc.reason if isinstance(exc.reason, BaseException) else OSError(str(exc.reason))
            if isinstance(why, TimeoutError):
                raise ClassFolderError(
                    t("class.hub.slow", lang, service=self.service, seconds=round(self.timeout))
                ) from exc
            raise ClassFolderError(
                t("class.hub.down", lang, service=self.service, reason=reason(why, lang))
            ) from exc
        except (OSError, ValueError) as exc:  # a connection cut half-way, a reply that is not JSON
            raise ClassFolderError(
                t("class.hub.down", lang, service=self.service, reason=reason(exc, lang))
            ) from exc

    def _refusal(self, exc: urllib.error.HTTPError, lang: str) -> ClassFolderError:
        """The refusal's sentence: the service's own code, else the proxy's "not there" or the status."""
        try:
            body = _json(exc.read(64 * 1024))
        except (OSError, ValueError):
            body = None
        code = body.get("error") if isinstance(body, dict) else None
        code = code if isinstance(code, str) else None
        if exc.code in (502, 503, 504) and code is None:  # the proxy: the service is not there
            message = t("class.hub.down", lang, service=self.service, reason=f"HTTP {exc.code}")
            return ServiceRefusal(message, exc.code, None)
        key = _MESSAGES.get(code) if code else None
        if key is None or not isinstance(body, dict):
            return ServiceRefusal(
                t("class.hub.failed", lang, service=self.service, status=exc.code), exc.code, code
            )
        fields: dict[str, Any] = {"service": self.service}
        if code == "too_big":
            fields["limit"] = format_size(int(body.get("limit") or MAX_SHARE_BYTES), lang, "MB")
        elif code == "too_many_rounds":
            fields["limit"] = int(body.get("limit") or 0)
        elif code == "rate_limited":
            fields["seconds"] = int(body.get("retry_after") or 60)
        elif code == "invalid":
            fields["problem"] = str(body.get("problem") or "")[:500]
        return ServiceRefusal(t(key, lang, **fields), exc.code, code)

    # -- the transport -------------------------------------------------------------------------------------
    def share(self, document: Mapping[str, Any], *, lang: str = "da") -> str:
        """Send the snapshot to the service (it keeps it in its current round, replacing this learner's
        earlier one of that round). The receipt is ``hub:<service>/<round id>/entry``."""
        lang = ui_lang(lang)
        size = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
        if size > MAX_SHARE_BYTES:
            limit = format_size(MAX_SHARE_BYTES, lang, "MB")
            raise ClassFolderError(t("class.hub.too_big", lang, limit=limit))
        _status, reply, _headers = self.call("PUT", "api/entry", dict(document), lang=lang)
        self._shared_round = dict(reply["round"])
        return f"{self.location}/{reply['round']['id']}/entry"

    def own(self, round_id: str | None = None, *, lang: str = "da") -> dict[str, Any] | None:
        """This learner's own entry in ``round_id`` (default: the current round), or ``None``."""
        try:
            _status, reply, _headers = self.call(
                "GET", "api/entry", lang=lang, query={"round": round_id} if round_id else None
            )
        except ServiceRefusal as exc:
            if exc.code == "no_entry":
                return None
            raise
        return reply

    def round_name(self, round_id: str, *, lang: str = "da") -> str:
        """As :meth:`Transport.round_name`, for a learner too (who may not list the rounds): the round this
        transport last shared into, or the current round, as the service names them."""
        known = [self._shared_round] if self._shared_round else []
        if not any(r.get("id") == round_id for r in known):
            with contextlib.suppress(CasekitError, OSError):  # the service down: the default name below
                known.append(self.call("GET", "api/round", lang=lang)[1])
        for found in known:
            if isinstance(found, dict) and found.get("id") == round_id:
                return str(found.get("name") or t("class.round_default", lang, id=round_id))
        return super().round_name(round_id, lang=lang)

    def rounds(self) -> list[dict[str, Any]]:
        """The rounds opened (instructors only: a learner is refused with the catalog's sentence)."""
        _status, reply, _headers = self.call("GET", "api/rounds")
        return [
            {"id": r["id"], "name": r["name"], "opened_at": r["opened_at"]}
            for r in reply["rounds"]
            if r["id"] != DEFAULT_ROUND
        ]

    def current_round(self) -> str:
        _status, reply, _headers = self.call("GET", "api/round")
        return str(reply["id"])

    closes_rounds = True

    def round_open(self, *, lang: str = "da") -> bool:
        """Whether learners can share into the current round now."""
        _status, reply, _headers = self.call("GET", "api/round", lang=lang)
        return bool(reply["open"])

    def open_round(self, name: str, *, lang: str = "da") -> str:
        _status, reply, _headers = self.call("POST", "api/rounds", {"name": name}, lang=lang)
        return str(reply["id"])

    def close_round(self, *, lang: str = "da") -> None:
        """Close the current round: learners cannot share into it until it is opened again."""
        self.call("POST", "api/round/close", {}, lang=lang)

    def reopen_round(self, *, lang: str = "da") -> None:
        """Open the current round again after :meth:`close_round`."""
        self.call("POST", "api/round/reopen", {}, lang=lang)

    def prepare(self, *, lang: str = "da") -> None:
        """Check that the caller may read the class (an instructor): otherwise the catalog's sentence."""
        self.call("GET", "api/rounds", lang=lang)

    def class_data(self, lang: str = "da") -> dict[str, Any]:
        """``GET api/entries`` as it is, asked again only if it changed (``ETag``)."""
        held = self._entries
        status, reply, headers = self.call("GET", "api/entries", lang=lang, etag=held[0] if held else None)
        if status == 304 and held is not None:
            return held[1]
        etag = headers.get("etag")
        if etag:
            self._entries = (etag, reply)
        return reply

    def collect(self, lang: str = "da") -> Intake:
        """Every entry of every round, as snapshots: ``share_id`` the service's anonymous id of the learner
        (the same in each round), ``shared_at`` the time its round was opened."""
        lang = ui_lang(lang)
        data = self.class_data(lang)
        opened = {r["id"]: r["opened_at"] for r in data["rounds"]}
        intake = Intake(lang)
        for entry in data["entries"]:
            doc = {
                "format": SHARE_FORMAT,
                "schema_version": SHARE_SCHEMA_VERSION,
                "case": entry.get("case"),
                "share_id": entry.get("id"),
                "round": entry.get("round"),
                "shared_at": opened.get(entry.get("round"), ""),
                "answers": entry.get("answers"),
            }
            intake.add(f"{entry.get('round')}/{entry.get('id')}.json", None, json.dumps(doc).encode("utf-8"))
        return intake


def _json(data: bytes) -> Any:
    return json.loads(data.decode("utf-8")) if data else None
