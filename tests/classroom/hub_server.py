"""A stand-in for a learner's single-user server, started by the test hub (``tests/classroom/test_hub.py``).

JupyterHub starts it with a server's environment (``JUPYTERHUB_API_TOKEN`` holding only the ``server``
role's scopes, ``CASEKIT_CLASS=hub`` and ``CASEKIT_CLASS_URL`` from the recipe's ``c.Spawner.environment``),
as it would start JupyterLab. It answers HTTP on its port (so the hub sees the server up), shares a
learner's answers through ``casekit.classroom.share`` exactly as a kernel of that server would, and writes
what happened to ``$CASEKIT_TEST_OUT/<user>.json``. A real JupyterLab would take seconds and much memory
to start; what is tested here is the token and the environment a server gets, which this gets as it would.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import casekit
from casekit import classroom


class _Up(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"up")

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    server = ThreadingHTTPServer((url.hostname or "127.0.0.1", url.port or 80), _Up)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    user = os.environ["JUPYTERHUB_USER"]
    out = Path(os.environ["CASEKIT_TEST_OUT"]) / f"{user}.json"
    result: dict[str, object] = {
        "class": os.environ.get("CASEKIT_CLASS"),
        "dont_write_bytecode": sys.dont_write_bytecode,
    }
    sys.path.insert(0, str(Path(__file__).parent))
    from support import learner_store  # tests/classroom/support.py, beside this file

    try:
        case = casekit.load_case("samskabelse", lang="da")
        store = learner_store(
            Path(tempfile.mkdtemp()), case, int(os.environ.get("CASEKIT_TEST_VARIANT", "4"))
        )
        result["receipt"] = str(classroom.share(store, case=case))
    except Exception as exc:  # the test reads what went wrong
        result["error"] = f"{type(exc).__name__}: {exc}"
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    tmp.replace(out)
    threading.Event().wait()


if __name__ == "__main__":
    main()
