"""`make run`'s server keeps connections alive where that is safe, and closes them where not."""

from __future__ import annotations

import http.client
import socket
import threading

import pytest
from flask import Flask, request
from werkzeug.serving import make_server

from webapp.devserver import KeepAliveRequestHandler


@pytest.fixture
def served():
    app = Flask(__name__)

    @app.get("/hello")
    def hello():
        return "hello " * 10

    @app.post("/ignore-body")
    def ignore_body():
        return "did not read it"

    @app.post("/read-body")
    def read_body():
        return f"read {len(request.get_data())}"

    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=KeepAliveRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def test_requests_without_a_body_share_one_connection(served):
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    for _ in range(3):
        connection.request("GET", "/hello")
        response = connection.getresponse()
        assert response.status == 200
        assert response.read() == b"hello " * 10
        assert response.getheader("Connection") is None
        assert response.version == 11
    local_port = connection.sock.getsockname()[1]
    connection.request("GET", "/hello")
    connection.getresponse().read()
    assert connection.sock.getsockname()[1] == local_port  # the same TCP connection
    connection.close()


def test_a_second_request_sent_at_once_is_not_swallowed(served):
    """Werkzeug discards what arrives right after a response; here that would be request two."""
    with socket.create_connection(("127.0.0.1", served), timeout=5) as sock:
        one = b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
        sock.sendall(one + one)
        received = b""
        while received.count(b"hello " * 10) < 2:
            data = sock.recv(65536)
            assert data, received
            received += data
    assert received.count(b"HTTP/1.1 200") == 2


@pytest.mark.parametrize("path", ["/ignore-body", "/read-body"])
def test_a_request_with_a_body_is_answered_and_closed(served, path):
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    connection.request("POST", path, body=b"x" * 1000)
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Connection") == "close"
    response.read()
    connection.close()


def test_a_client_that_asks_to_close_gets_closed(served):
    with socket.create_connection(("127.0.0.1", served), timeout=5) as sock:
        sock.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received = b""
        while data := sock.recv(65536):
            received += data
    assert received.startswith(b"HTTP/1.1 200")
