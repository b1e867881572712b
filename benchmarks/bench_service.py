"""Benchmark the class's JupyterHub service: a learner's share and the instructor's refresh, over HTTP, at
30, 300 and 2,000 entries in the round.

Run: ``.venv/bin/python benchmarks/bench_service.py [--quick] [--markdown] [sizes…]``. The service runs in a
thread of this process (``casekit.classroom.service.testing``: a hub that knows the tokens, so the hub's own
answer to "whose token is this" is not in the figures; the real hub is tested in
``tests/classroom/test_hub.py``), with its SQLite database in a temporary folder. The round is filled
untimed with one entry per learner (every activity answered, every text ticked: the biggest snapshot).

- *share*: ``PUT api/entry`` of one learner replacing their entry (checked against the snapshot format and
  the case, written and synced), as ``HubTransport.share`` sends it. Floor, timed in turn with it:
  ``GET api/round``, the same round trip and hub identity with nothing to check or write.
- *refresh*: ``GET api/entries`` right after a learner shared (the instructor's view built again from the
  database) and parsed. Floor, in turn with it: the same request when nothing changed since (the view as
  built, only sent and parsed).

Each is given as its p50 and its p95 against the floor's. Targets: a share's p95 under 100 ms and a
refresh's p95 under 1 s at 2,000 entries.
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

from benchmarks._table import Row, interleaved, measured  # noqa: E402
from benchmarks.bench_classroom import _answers  # noqa: E402
from casekit import classroom, registry  # noqa: E402
from casekit.answers import AnswerStore  # noqa: E402
from casekit.loader import load_case  # noqa: E402

SIZES = (30, 300, 2000)
GROUP = "class service: share and refresh over HTTP (service in-process, hub identity stubbed)"
SHARE_P95 = 0.1
REFRESH_P95 = 1.0


def _call(url: str, method: str, token: str, body: bytes | None = None) -> bytes:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def rows(sizes: tuple[int, ...] = SIZES, quick: bool = False) -> list[Row]:
    """For each size: a share's and a refresh's p50 and p95, each against its floor timed in turn."""
    from casekit.classroom.service import ServiceConfig, open_service
    from casekit.classroom.service.testing import FakeHubAuth, running, user_model

    case = load_case("samskabelse", lang="da")
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="casekit-bench-service-") as tmp:
        with AnswerStore.open(Path(tmp) / "store", case=case) as store:
            for key, value in _answers(case, 0).items():
                store.save(key, value)
            base = classroom.snapshot(store, registry.answer_keys(case), case=case)
        for count in sizes:
            print(f"  class service, {count} entries …", file=sys.stderr, flush=True)
            tokens = {f"t{i}": user_model(f"learner-{i}") for i in range(count)}
            tokens["teacher"] = user_model("teacher", ["casekit-instructors"])
            config = ServiceConfig(data_dir=Path(tmp) / f"data-{count}", rate=10**6, max_entries=10**6)
            service: Any = open_service(config, FakeHubAuth(tokens))
            docs = []
            for i in range(count):
                doc = json.loads(json.dumps(base))
                for n, key in enumerate(registry.DILEMMAS):
                    doc["answers"][key]["position"] = (i + n) % 5 + 1
                docs.append(doc)
                service.store.put(service.identity.learner(f"learner-{i}"), doc)
            bodies = [json.dumps(doc).encode("utf-8") for doc in docs]
            with running(service) as url:
                runs = (10 if quick else 60) if count <= 300 else (5 if quick else 30)

                def share(i: int, count: int = count, bodies: list[bytes] = bodies) -> None:
                    _call(url + "api/entry", "PUT", f"t{i % count}", bodies[i % count])

                def round_trip(i: int, count: int = count) -> None:
                    _call(url + "api/round", "GET", f"t{i % count}")

                times = interleaved({"share": share, "floor": round_trip}, runs)
                for stat in ("median", "p95"):
                    out.append(
                        measured(
                            f"{count} entries, a share ({'p50' if stat == 'median' else 'p95'})",
                            times["share"],
                            unit="ms",
                            floor="GET api/round",
                            floor_values=times["floor"],
                            median_max=SHARE_P95 if stat == "p95" and count == max(sizes) else None,
                            group=GROUP,
                            stat=stat,
                        )
                    )

                def read_view(_i: int) -> None:
                    json.loads(_call(url + "api/entries", "GET", "teacher"))

                # Before each turn a learner shares (untimed): the first view is built anew, the second
                # finds it unchanged.
                refresh_runs = (5 if quick else 20) if count <= 300 else (3 if quick else 10)
                views = interleaved({"view": read_view, "again": read_view}, refresh_runs, before=share)
                view = json.loads(_call(url + "api/entries", "GET", "teacher"))
                assert len(view["entries"]) == count
                for stat in ("median", "p95"):
                    out.append(
                        measured(
                            f"{count} entries, a refresh ({'p50' if stat == 'median' else 'p95'})",
                            views["view"],
                            unit="ms",
                            floor="the view unchanged",
                            floor_values=views["again"],
                            median_max=REFRESH_P95 if stat == "p95" and count == max(sizes) else None,
                            group=GROUP,
                            stat=stat,
                        )
                    )
            service.store.close()
    return out


def main(argv: list[str] | None = None) -> None:
    from benchmarks._table import show

    argv = sys.argv[1:] if argv is None else argv
    sizes = tuple(int(a) for a in argv if a.isdigit()) or SIZES
    show(rows(sizes, "--quick" in argv), markdown="--markdown" in argv)


if __name__ == "__main__":
    main()
