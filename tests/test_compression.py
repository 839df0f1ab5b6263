"""Pages, htmx fragments, exports and feeds come compressed when the client asks."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from backports import zstd
from flask import Response

from tests import factories
from webapp.app import create_app

DECODE = {
    "zstd": zstd.decompress,
    "br": brotli.decompress,
    "gzip": gzip.decompress,
    "deflate": zlib.decompress,
}
CHROME = "gzip, deflate, br, zstd"


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (CHROME, "br"),
        ("gzip, deflate, zstd", "zstd"),
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
    ],
)
def test_a_page_comes_in_the_encoding_the_browser_prefers(client, accept, chosen):
    response = client.get("/auth/login", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == chosen
    assert int(response.headers["Content-Length"]) == len(response.data)
    html = DECODE[chosen](response.data).decode()
    assert html.startswith("<!doctype html>") and "</html>" in html
    assert "Accept-Encoding" in response.headers["Vary"]


def test_without_accept_encoding_the_page_is_plain(client):
    response = client.get("/auth/login", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.text.startswith("<!doctype html>")


def test_a_page_compresses_to_a_fraction(client):
    plain = client.get("/auth/login").data
    packed = client.get("/auth/login", headers={"Accept-Encoding": CHROME}).data
    assert len(packed) < len(plain) / 2


def test_an_htmx_fragment_varies_on_both_headers(manager_client):
    home = factories.home(managers=(manager_client.user,), rooms=("activity",))
    response = manager_client.get(
        f"/homes/{home.id}/week", headers={"HX-Request": "true", "Accept-Encoding": CHROME}
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert DECODE["br"](response.data).decode().lstrip().startswith('<div id="calendar"')
    vary = {v.strip() for v in response.headers["Vary"].split(",")}
    assert {"HX-Request", "Accept-Encoding"} <= vary


def test_a_csv_export_is_compressed_and_an_xlsx_is_left_alone(coordinator_client):
    for _ in range(20):
        factories.volunteer()
    plain = coordinator_client.get("/volunteers/export.csv")
    assert len(plain.data) > 1000
    csv = coordinator_client.get("/volunteers/export.csv", headers={"Accept-Encoding": "gzip"})
    assert csv.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(csv.data) == plain.data
    xlsx = coordinator_client.get("/volunteers/export.xlsx", headers={"Accept-Encoding": CHROME})
    assert "Content-Encoding" not in xlsx.headers
    assert xlsx.data[:2] == b"PK"


def test_redirects_and_errors_are_not_compressed(client):
    response = client.get("/dashboard", headers={"Accept-Encoding": CHROME})
    assert response.status_code in (302, 303)
    assert "Content-Encoding" not in response.headers


@pytest.fixture
def streaming_app(static_build):
    """An app with one streamed download: 200 chunks of CSV, each made only when asked for."""
    app = create_app(
        {"TESTING": True, "STATIC_BUILD_DIR": str(static_build), "SECRET_KEY": "x" * 40}
    )
    made: list[int] = []

    @app.get("/stream.csv")
    def stream():
        def rows():
            for number in range(200):
                made.append(number)
                yield "".join(f"{number},{i},李秀兰,石门村\n" for i in range(200))

        return Response(rows(), mimetype="text/csv")

    app.made = made
    return app


@pytest.mark.parametrize(
    ("accept", "encoding"), [(CHROME, "zstd"), ("gzip, deflate, br", "deflate")]
)
def test_a_streamed_download_is_compressed_block_by_block_not_gathered(
    streaming_app, accept, encoding
):
    client = streaming_app.test_client()
    response = client.get("/stream.csv", headers={"Accept-Encoding": accept}, buffered=False)
    assert response.headers["Content-Encoding"] == encoding
    assert "Content-Length" not in response.headers
    chunks = iter(response.response)
    first = next(chunks)
    assert first
    # The first compressed bytes left before the rows were all made.
    assert len(streaming_app.made) < 200
    rest = b"".join(chunks)
    response.close()
    text = DECODE[encoding](first + rest).decode()
    assert text.count("\n") == 200 * 200
