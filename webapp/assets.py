"""Static files with content-hashed names, pre-compressed, cached for a year.

The build (`python -m webapp.assets`, run by `make run`, `make serve` and `make test` like the
translations) copies every file of webapp/static to build/static under a name that carries a hash
of its content (app.css -> app.3f2a1b9c0d4e.css), writes gzip and brotli variants beside each
text file and a manifest.json of the names. WhiteNoise serves that folder in front of Flask under
/static/ with a year's immutable caching: a changed file gets a new name, so a cached page never
asks for its files again. Templates link files through `static_url(name)`, which reads the
manifest. Without a build (a bare `flask run` on a fresh clone) Flask serves webapp/static as
before, unhashed and revalidated on every use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from flask import Flask, request
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

SOURCE = Path(__file__).resolve().parent / "static"
BUILD = SOURCE.parent.parent / "build" / "static"
MANIFEST = "manifest.json"
URL_PREFIX = "/static/"
YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
# 12 hex digits of SHA-256 between the stem and the suffix.
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}(\.[A-Za-z0-9]+)?$")
# Files that the manifest rewrites: their references to other static files get hashed names.
WEB_MANIFEST_SUFFIX = ".webmanifest"

log = logging.getLogger(__name__)


def hashed_name(name: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:12]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def _rewrite_web_manifest(content: bytes, names: dict[str, str], folder: str) -> bytes:
    """Icons of a web app manifest are relative to it: point them at their hashed names."""
    data = json.loads(content)
    for icon in data.get("icons", []):
        source = f"{folder}{icon['src']}" if folder else icon["src"]
        if source in names:
            icon["src"] = names[source].rpartition("/")[2]
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def build(source: Path = SOURCE, target: Path = BUILD) -> dict[str, str]:
    """Write the hashed, compressed copies and the manifest; returns the manifest.

    Written into a new folder that replaces the old one at the end, so that a server starting
    meanwhile reads either the old build or the new one, never half of each."""
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    # Referenced files first, so that a web app manifest can name their hashed copies.
    files.sort(key=lambda p: p.suffix == WEB_MANIFEST_SUFFIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".static-", dir=target.parent))
    names: dict[str, str] = {}
    compressor = Compressor(quiet=True)
    for path in files:
        name = path.relative_to(source).as_posix()
        content = path.read_bytes()
        if path.suffix == WEB_MANIFEST_SUFFIX:
            folder = name.rpartition("/")[0]
            content = _rewrite_web_manifest(content, names, f"{folder}/" if folder else "")
        names[name] = hashed_name(name, content)
        output = staging / names[name]
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        if compressor.should_compress(output.name):
            compressor.compress(str(output))
    (staging / MANIFEST).write_text(json.dumps(names, indent=1, sort_keys=True))
    staging.chmod(0o755)
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return names


def read_manifest(folder: Path) -> dict[str, str] | None:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


class StaticFiles(WhiteNoise):
    """WhiteNoise with our caching: a year and immutable for hashed names, revalidation for the
    rest (the manifest itself, a file linked without its hash)."""

    def add_cache_headers(self, headers, path, url) -> None:
        headers["Cache-Control"] = IMMUTABLE if HASHED_NAME.search(url) else "no-cache"


def _security_headers(headers, path, url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_static(app: Flask) -> None:
    """Serve the build through WhiteNoise and give templates `static_url()`."""
    folder = Path(app.config.get("STATIC_BUILD_DIR") or BUILD)
    manifest = read_manifest(folder)
    if manifest is None:
        log.warning("no static build in %s: serving webapp/static unhashed (run make)", folder)
        manifest = {}
    else:
        app.wsgi_app = StaticFiles(
            app.wsgi_app,
            root=str(folder),
            prefix=URL_PREFIX,
            allow_all_origins=False,
            mimetypes={WEB_MANIFEST_SUFFIX: "application/manifest+json"},
            add_headers_function=_security_headers,
        )
    urls: dict[tuple[str, str], str] = {}

    def static_url(filename: str) -> str:
        """The URL of a static file under its hashed name (one look-up per name and mount)."""
        key = (request.script_root, filename)
        url = urls.get(key)
        if url is None:
            url = urls[key] = f"{request.script_root}{URL_PREFIX}{manifest.get(filename, filename)}"
        return url

    app.jinja_env.globals["static_url"] = static_url
    app.extensions["static_manifest"] = manifest


if __name__ == "__main__":
    built = build()
    print(f"static files: {len(built)} hashed and compressed into {BUILD}")
