"""The service's web application (tornado, as JupyterHub): the REST API and a page for the browser.

Who is calling comes from JupyterHub (:mod:`jupyterhub.services.auth`): a token (``Authorization: token
…``, the learner's kernel or the instructor's) or, in a browser, the OAuth cookie (``HubOAuth``). What they
may do comes from the hub too: every hub user with access to the service shares *their own* entry; members
of the instructors' group open and close rounds and read the class. No response names a user, carries a
hub user id or a token, and a learner learns nothing of anyone else's entries, not even how many there are.
The endpoints are listed in ``docs/class-service.md``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from typing import Any, NoReturn

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from tornado import web

from casekit._templates import render
from casekit.classroom._common import load_case, shipped_cases
from casekit.classroom.service.config import ServiceConfig
from casekit.classroom.service.identity import Identity
from casekit.classroom.service.store import ClassStore, Refused, Round
from casekit.classroom.snapshot import SHARE_FORMAT, SHARE_SCHEMA_VERSION, share_problem
from casekit.errors import CasekitError
from casekit.i18n import LANGUAGES, t

__all__ = ["ClassService", "RateLimit", "make_app"]

log = logging.getLogger("casekit.classroom.service")

STATUS = {
    "not_authenticated": 403,
    "not_allowed": 403,
    "not_a_user": 403,
    "not_instructor": 403,
    "not_found": 404,
    "no_entry": 404,
    "invalid": 400,
    "too_big": 413,
    "rate_limited": 429,
    "round_closed": 409,
    "round_full": 409,
    "too_many_rounds": 409,
}
"""The API's ``error`` codes and their HTTP status."""


class RateLimit:
    """At most ``rate`` events per ``window`` seconds per key (a token bucket, kept in memory)."""

    def __init__(self, rate: int, window: float, clock: Any = time.monotonic) -> None:
        self.rate, self.window, self.clock = max(1, rate), window, clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """Take one event for ``key``: ``0`` if allowed, else the seconds until one is."""
        moment = self.clock()
        per_second = self.rate / self.window
        tokens, last = self._buckets.get(key, (float(self.rate), moment))
        tokens = min(float(self.rate), tokens + (moment - last) * per_second)
        if tokens < 1:
            self._buckets[key] = (tokens, moment)
            return (1 - tokens) / per_second
        self._buckets[key] = (tokens - 1, moment)
        if len(self._buckets) > 100_000:  # forget those whose bucket is full again
            full = [k for k, (n, at) in self._buckets.items() if n + (moment - at) * per_second >= self.rate]
            for k in full:
                del self._buckets[k]
        return 0.0


class ClassService:
    """Everything the handlers share: the settings, the store, the identities, the limits and the
    instructor's view as last built (rebuilt only after a change)."""

    def __init__(self, config: ServiceConfig, store: ClassStore, identity: Identity, hub_auth: Any) -> None:
        self.config = config
        self.store = store
        self.identity = identity
        self.hub_auth = hub_auth
        self.rate = RateLimit(config.rate, config.rate_window)
        self.boot = uuid.uuid4().hex[:12]
        self.generation = 0
        self._view: tuple[int, bytes] | None = None
        self._fragments: dict[tuple[str, str], tuple[int, str]] = {}  # each entry's part of the view
        self._views: dict[str, str] = {}
        self._cases: dict[tuple[str, str], Any] = {}

    def changed(self) -> None:
        self.generation += 1

    @property
    def etag(self) -> str:
        return f'"{self.boot}-{self.generation}"'

    def view_id(self, learner: str) -> str:
        found = self._views.get(learner)
        if found is None:
            found = self._views[learner] = self.identity.view(learner)
        return found

    def class_view(self) -> bytes:
        """``GET api/entries``: every round and every entry (by its view id), built once per change, and
        then from the entries that changed only (each entry's part is kept until it changes)."""
        held = self._view
        if held is not None and held[0] == self.generation:
            return held[1]
        generation = self.generation
        rounds = self.store.all_rounds()
        current = rounds[-1]
        keys = self.store.entry_keys()
        kept = self._fragments
        changed = [(r, lrn) for r, lrn, seq in keys if kept.get((r, lrn), (None, ""))[0] != seq]
        for (round_id, learner), (seq, document) in self.store.documents(changed).items():
            part = f'{{"id":"{self.view_id(learner)}","round":{json.dumps(round_id)},{document[1:]}'
            kept[(round_id, learner)] = (seq, part)
        self._fragments = kept = {(r, lrn): kept[(r, lrn)] for r, lrn, _seq in keys if (r, lrn) in kept}
        # Within a round, entries go by their view id, never in the order shared: who pressed "Del" last is
        # something an instructor in the room may have seen, and ids are the same in every round.
        position = {r.id: n for n, r in enumerate(rounds)}
        ordered = sorted(keys, key=lambda k: (position.get(k[0], len(rounds)), self.view_id(k[1])))
        parts = [kept[(r, lrn)][1] for r, lrn, _seq in ordered if (r, lrn) in kept]
        head = {"format": SHARE_FORMAT, "schema_version": SHARE_SCHEMA_VERSION}
        body = (
            json.dumps({**head, "current": current.as_dict(), "rounds": [r.as_dict() for r in rounds]})[:-1]
            + ',"entries":['
            + ",".join(parts)
            + "]}"
        ).encode("utf-8")
        self._view = (generation, body)
        return body

    def case(self, case_id: str, lang: str) -> Any:
        """The shipped case ``case_id`` (in ``lang`` if it has it), loaded once; ``None`` if not shipped.

        Only shipped cases in casekit's languages are kept (any other language reads the case's own, as
        :func:`~casekit.classroom._common.load_case` does): the id and language come from a learner's
        request, and a refused request must leave nothing behind in the service.
        """
        if case_id not in shipped_cases():
            return None
        key = (case_id, lang if lang in LANGUAGES else "")
        if key not in self._cases:
            self._cases[key] = load_case(case_id, key[1] or None)
        return self._cases[key]


class _ServiceAuth:
    """The service's own ``HubOAuth`` (not the process-wide singleton), so that tests can run several."""

    service: ClassService

    def initialize(self, service: ClassService) -> None:
        self.service = service

    @property
    def hub_auth(self) -> Any:
        return self.service.hub_auth

    @hub_auth.setter
    def hub_auth(self, value: Any) -> None:  # HubAuthenticated's own setter; the service's is used
        pass


class CallbackHandler(_ServiceAuth, HubOAuthCallbackHandler):
    """``oauth_callback``: the end of the hub's OAuth login in the browser (JupyterHub's own handler)."""


class _Handler(_ServiceAuth, HubOAuthenticated, web.RequestHandler):
    """A request: who is calling (asked of the hub, without blocking the others), and errors as JSON."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")

    async def prepare(self) -> None:
        model = await self.hub_auth.get_user(self, sync=False)
        if model:
            try:
                model = self.check_hub_user(model)
            except UserNotAllowed:
                self._refused_by_hub = True
                model = None
        self._hub_auth_user_cache = model

    def get_login_url(self) -> str:
        """No redirect to the hub's login for the API: a refusal that says why (no token, or the hub's
        roles do not give this token access to the service)."""
        self.fail("not_allowed" if getattr(self, "_refused_by_hub", False) else "not_authenticated")

    @property
    def user(self) -> dict[str, Any]:
        """The hub user calling, or a refusal: ``not_authenticated``, ``not_allowed``, ``not_a_user``."""
        model = self.current_user
        if not model:
            self.fail("not_allowed" if getattr(self, "_refused_by_hub", False) else "not_authenticated")
        if model.get("kind", "user") != "user" or not isinstance(model.get("name"), str):
            self.fail("not_a_user")
        return model

    @property
    def learner(self) -> str:
        """The caller's stored key (the HMAC of their user name)."""
        return self.service.identity.learner(self.user["name"])

    def is_instructor(self) -> bool:
        return self.service.config.instructors in (self.user.get("groups") or [])

    def instructor(self) -> None:
        if not self.is_instructor():
            self.fail("not_instructor")

    def fail(self, code: str, **fields: Any) -> NoReturn:
        self._error = {"error": code, **fields}
        raise web.HTTPError(STATUS.get(code, 400))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        body = getattr(self, "_error", None) or {"error": "not_found" if status_code == 404 else "http"}
        if "retry_after" in body:
            self.set_header("Retry-After", str(body["retry_after"]))
        self.finish(json.dumps(body))

    def send(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    def lang(self) -> str:
        asked = self.get_argument("lang", "") or self.request.headers.get("Accept-Language", "")[:2].lower()
        return asked if asked in LANGUAGES else "en"

    def body_json(self) -> Any:
        if len(self.request.body) > self.service.config.max_bytes:
            self.fail("too_big", limit=self.service.config.max_bytes)
        try:
            return json.loads(self.request.body.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            self.fail("invalid", problem=t("class.skip.not_json", self.lang()))

    def refused(self, exc: Refused) -> NoReturn:
        self.fail(exc.code, **exc.fields)


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _round(found: Round) -> dict[str, Any]:
    return {"id": found.id, "name": found.name, "open": found.open}


class EntryHandler(_Handler):
    """``api/entry``: a learner's own entry. ``PUT`` shares it into the current round; ``GET`` reads it."""

    def get(self) -> None:
        round_id, document = self.service.store.own(self.learner, self.get_argument("round", None) or None)
        if document is None:
            self.fail("no_entry")
        self.send({"round": round_id, **json.loads(document)})

    def put(self) -> None:
        learner = self.learner
        wait = self.service.rate.take(learner)
        if wait:
            self.fail("rate_limited", retry_after=int(wait) + 1)
        doc = self.body_json()
        lang = self.lang()
        problem = self.problem(doc, lang)
        if problem is not None:
            self.fail("invalid", problem=problem)
        try:
            found, replaced = self.service.store.put(learner, doc)
        except Refused as exc:
            self.refused(exc)
        self.service.changed()
        self.send({"round": _round(found), "replaced": replaced})

    def problem(self, doc: Any, lang: str) -> str | None:
        """Why ``doc`` is not a snapshot of a case casekit ships, with answers (``None`` if it is one)."""
        case_ref = doc.get("case") if isinstance(doc, dict) else None
        case_id = case_ref.get("id") if isinstance(case_ref, dict) else None
        if not isinstance(case_id, str):
            return t("class.skip.no_case", lang)
        case_lang = case_ref.get("lang") if isinstance(case_ref, dict) else None
        case = self.service.case(case_id, case_lang if isinstance(case_lang, str) else lang)
        if case is None:
            expected = ", ".join(shipped_cases())
            return t("class.skip.other_case", lang, found=case_id[:40], expected=expected)
        try:
            problem = share_problem(doc, case, lang)
        except CasekitError as exc:
            problem = str(exc)
        if problem is None and not doc["answers"]:
            problem = t("class.error.nothing_to_share", lang)
        return problem


class RoundHandler(_Handler):
    """``GET api/round``: the round learners share into now (every user)."""

    def get(self) -> None:
        self.user  # noqa: B018 - refuses a caller who is not a hub user (the API never redirects to a login)
        self.send(_round(self.service.store.current()))


class RoundActionHandler(_Handler):
    """``POST api/round/close`` and ``api/round/reopen`` (instructors). A handler of its own, so that any
    other method on either address is a plain 405, never a server error with a traceback in the log."""

    def post(self, action: str) -> None:
        self.instructor()
        found = self.service.store.set_open(action == "reopen")
        self.service.changed()
        self.send(_round(found))


class RoundsHandler(_Handler):
    """``api/rounds`` (instructors): ``GET`` every round; ``POST {"name"}`` opens a new one."""

    def get(self) -> None:
        self.instructor()
        rounds = self.service.store.all_rounds()
        self.send({"current": rounds[-1].as_dict(), "rounds": [r.as_dict() for r in rounds]})

    def post(self) -> None:
        self.instructor()
        doc = self.body_json()
        name = doc.get("name") if isinstance(doc, dict) else None
        if not isinstance(name, str) or not name.strip():
            self.fail("invalid", problem=t("classview.round_name_missing", self.lang()))
        try:
            opened = self.service.store.open_round(name)
        except Refused as exc:
            self.refused(exc)
        self.service.changed()
        self.send(opened.as_dict(), 201)


class EntriesHandler(_Handler):
    """``api/entries`` (instructors): every round and every learner's entry, anonymous (``ETag``)."""

    def get(self) -> None:
        self.instructor()
        etag = self.service.etag
        self.set_header("ETag", etag)
        if etag in self.request.headers.get("If-None-Match", ""):
            self.set_status(304)
            self.finish()
            return
        body = self.service.class_view()
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(body)

    def compute_etag(self) -> str | None:
        return None  # ours, not tornado's hash of the body


class HomeHandler(_Handler):
    """The service's page in the browser (after the hub's login): what it is, and for instructors the
    rounds."""

    def get_login_url(self) -> str:
        """The browser is sent to the hub's login (OAuth), unless the hub refused this user already."""
        if getattr(self, "_refused_by_hub", False):
            self.fail("not_allowed")
        return str(HubOAuthenticated.get_login_url(self))

    @web.authenticated
    def get(self) -> None:
        lang = self.lang()
        rounds: list[dict[str, Any]] = []
        instructor = self.is_instructor()
        if instructor:
            for found in self.service.store.all_rounds():
                name = found.name or t("class.round_default", lang, id=found.id)
                rounds.append({"name": name, "count": self.service.store.count(found.id), "open": found.open})
        self.page(lang, rounds=rounds, instructor=instructor)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        code = (getattr(self, "_error", None) or {}).get("error", "http")
        lang = self.lang()
        self.page(lang, message=t("class.hub.refused_page", lang, status=status_code, code=code))

    def page(self, lang: str, *, rounds: Any = (), instructor: bool = False, message: str = "") -> None:
        words = {
            key: t(f"class.hub.page_{key}", lang)
            for key in ("instructor", "learner", "round", "count", "state", "open", "closed")
        }
        self.set_header("Content-Type", "text/html; charset=utf-8")
        title = t("class.hub.page_title", lang)
        html = render(
            "class_service.html.j2",
            lang=lang,
            kind="class-service",
            title=title,
            words=words,
            rounds=list(rounds),
            instructor=instructor,
            message=message,
        )
        self.finish(html)


class NotFoundHandler(_Handler):
    """Anything else under the prefix: 404 as JSON (nothing about who asked)."""

    async def prepare(self) -> None:
        self._error = {"error": "not_found"}
        raise web.HTTPError(404)


def make_app(service: ClassService) -> web.Application:
    """The tornado application of ``service``, every path under its prefix."""
    prefix = service.config.prefix
    args = {"service": service}
    return web.Application(
        [
            (prefix, HomeHandler, args),
            (prefix + "oauth_callback", CallbackHandler, args),
            (prefix + "api/entry", EntryHandler, args),
            (prefix + "api/round", RoundHandler, args),
            (prefix + r"api/round/(close|reopen)", RoundActionHandler, args),
            (prefix + "api/rounds", RoundsHandler, args),
            (prefix + "api/entries", EntriesHandler, args),
            (r".*", NotFoundHandler, args),
        ],
        cookie_secret=os.urandom(32),
        hub_auth=service.hub_auth,
        xsrf_cookies=False,  # cookie-authenticated writes are refused by HubOAuth without an XSRF token
    )


def hub_oauth(config: ServiceConfig) -> HubOAuth:
    """JupyterHub's OAuth for this service, from the variables the hub gives a managed service."""
    return HubOAuth(base_url=config.prefix, cache_max_age=60)


async def serve(service: ClassService) -> None:
    """Listen on the configured address until cancelled."""
    app = make_app(service)
    server = app.listen(
        service.config.port, address=service.config.ip, max_body_size=service.config.max_bytes * 2
    )
    log.info(
        "%s listening on http://%s:%s%s",
        service.config.name,
        service.config.ip,
        service.config.port,
        service.config.prefix,
    )
    try:
        await asyncio.Event().wait()
    finally:
        server.stop()
