"""Static files: hashed names, a year's immutable caching, gzip and brotli copies."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli

from webapp import assets

ROOT = Path(__file__).resolve().parent.parent
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def fetch(client, url: str, **headers):
    """GET a static file and close it (WhiteNoise answers with an open file)."""
    with client.get(url, headers=headers) as response:
        response.data  # noqa: B018  (read before closing)
        return response


def test_build_names_every_file_by_its_content_and_compresses_text(tmp_path):
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.css").write_text("body { color: red; }\n" * 50)
    (source / "sub" / "b.js").write_text("console.log(1);\n" * 50)
    names = assets.build(source, tmp_path / "out")
    assert set(names) == {"a.css", "sub/b.js"}
    assert re.fullmatch(r"a\.[0-9a-f]{12}\.css", names["a.css"])
    assert re.fullmatch(r"sub/b\.[0-9a-f]{12}\.js", names["sub/b.js"])
    built = tmp_path / "out" / names["a.css"]
    assert built.read_bytes() == (source / "a.css").read_bytes()
    assert gzip.decompress((tmp_path / "out" / (names["a.css"] + ".gz")).read_bytes()) == (
        built.read_bytes()
    )
    assert brotli.decompress((tmp_path / "out" / (names["a.css"] + ".br")).read_bytes()) == (
        built.read_bytes()
    )
    assert json.loads((tmp_path / "out" / "manifest.json").read_text()) == names


def test_a_changed_file_gets_a_new_name_and_the_old_build_is_replaced(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.css").write_text("p { margin: 0; }")
    first = assets.build(source, tmp_path / "out")["a.css"]
    (source / "a.css").write_text("p { margin: 1px; }")
    second = assets.build(source, tmp_path / "out")["a.css"]
    assert first != second
    assert not (tmp_path / "out" / first).exists()
    assert (tmp_path / "out" / second).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_web_manifest_icons_point_at_their_hashed_names(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "icon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (source / "app.webmanifest").write_text(json.dumps({"icons": [{"src": "icon.svg"}]}))
    names = assets.build(source, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / names["app.webmanifest"]).read_text())
    assert manifest["icons"][0]["src"] == names["icon.svg"]


def test_pages_link_every_static_file_under_its_hashed_name(client, static_build):
    page = client.get("/auth/login").get_data(as_text=True)
    linked = LINKED.findall(page)
    assert len(linked) >= 5  # favicon, two stylesheets, two scripts
    for url in linked:
        assert assets.HASHED_NAME.search(url), url
        assert (static_build / url.removeprefix("/static/")).is_file(), url


def test_no_template_links_a_static_file_around_the_helper():
    for template in (ROOT / "templates").rglob("*.html"):
        assert "url_for('static'" not in template.read_text(), template
        assert 'url_for("static"' not in template.read_text(), template


def test_a_hashed_file_is_cached_for_a_year_and_immutable(client):
    url = LINKED.findall(client.get("/auth/login").get_data(as_text=True))[1]
    response = fetch(client, url)
    assert response.status_code == 200
    assert response.data
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers


def test_static_files_come_compressed_as_the_browser_asks(client, app):
    url = "/static/" + app.extensions["static_manifest"]["vendor/pico/pico.jade.min.css"]
    plain = fetch(client, url)
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    br = fetch(client, url, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == plain.data
    assert len(br.data) < len(plain.data) / 4
    gz = fetch(client, url, **{"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.data) == plain.data


def test_a_static_file_answers_a_conditional_request_with_304(client, app):
    url = "/static/" + app.extensions["static_manifest"]["app.js"]
    first = fetch(client, url)
    again = fetch(client, url, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_favicon_is_linked_hashed(client):
    page = client.get("/auth/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert re.search(r"/static/favicon\.[0-9a-f]{12}\.svg$", icon)
    response = fetch(client, icon)
    assert response.data.startswith(b"<svg")
    assert response.headers["Content-Type"].startswith("image/svg+xml")


def test_without_a_build_flask_serves_the_sources_unhashed(tmp_path):
    from webapp.app import create_app

    app = create_app({"TESTING": True, "STATIC_BUILD_DIR": str(tmp_path / "none")})
    with app.test_request_context("/"):
        url = app.jinja_env.globals["static_url"]("app.css")
    assert url == "/static/app.css"
    assert fetch(app.test_client(), url).data.startswith(b"/*")
