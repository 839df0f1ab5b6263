"""`make run`'s web server: Werkzeug's development server, keeping connections open where safe.

Werkzeug ends every response with `Connection: close` (pallets/werkzeug#2397), for two reasons:
Python's http.server does not drain a request body the view left unread, which would then be
parsed as the start of the next request; and after each response Werkzeug reads and throws away
whatever arrives within 10 ms (so that a client still sending an oversized body sees its 413),
which on a kept-alive connection would be the next request. Neither can happen to a request
without a body: for those (GET and HEAD, nearly every request a browser makes) the connection
stays open as HTTP/1.1 allows, and the discarding step is given an empty stream instead of the
socket. A request with a body is answered and closed as before. A kept-alive connection that sits
idle for IDLE_SECONDS is closed, so that idle browsers do not hold threads for ever.

`python -m webapp.devserver [--host H] [--port P]`; the tests' live server uses the same handler.
"""

from __future__ import annotations

import argparse
import io
import socket

from werkzeug.serving import WSGIRequestHandler, run_simple

IDLE_SECONDS = 15


class KeepAliveRequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    _keep_open = False

    def _has_no_body(self) -> bool:
        length = (self.headers.get("Content-Length") or "0").strip()
        return "Transfer-Encoding" not in self.headers and length == "0"

    def send_header(self, keyword: str, value: str) -> None:
        # Werkzeug's unconditional "Connection: close"; http.server would close after it.
        if self._keep_open and keyword.lower() == "connection" and value.lower() == "close":
            return
        super().send_header(keyword, value)

    def log_error(self, format: str, *args) -> None:
        # An idle kept-alive connection reaching its timeout is routine, not an error.
        if not format.startswith("Request timed out"):
            super().log_error(format, *args)

    def run_wsgi(self) -> None:
        self._keep_open = not self.close_connection and self._has_no_body()
        if not self._keep_open:
            super().run_wsgi()
            return
        # Werkzeug's after-response drain selects on self.connection and reads self.rfile:
        # give it a socket already at its end and an empty stream, so that it returns at once
        # and leaves the next request where http.server will read it. Nothing else of the
        # request reads them: it has no body.
        connection, rfile = self.connection, self.rfile
        ended, other = socket.socketpair()
        other.close()
        self.connection, self.rfile = ended, io.BytesIO()
        try:
            super().run_wsgi()
        finally:
            self.connection, self.rfile = connection, rfile
            ended.close()


def main(argv: list[str] | None = None) -> None:
    from webapp.app import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    run_simple(
        args.host,
        args.port,
        create_app(),
        threaded=True,
        request_handler=KeepAliveRequestHandler,
    )


if __name__ == "__main__":
    main()
