"""Responses compressed when the client asks: pages, htmx fragments, exports and feeds.

Flask-Compress, run after every other response hook (it sees the final Vary and ETag):
- brotli (quality 5), then zstd, then gzip, in that order when the client accepts several
  equally (every current browser asks for gzip, deflate, br and zstd): on our pages brotli 5
  is 16-17 % smaller than zstd 3 (My schedule 3.6 KB against 4.3 KB, a home's week fragment
  1.4 KB against 1.7 KB: 5-6 ms less on a 400 kbit/s link) for about 0.1 ms more CPU a page;
- `Vary: Accept-Encoding` on every response, beside `Vary: HX-Request`;
- a strong ETag becomes the compressed variant's own ("abc" -> "abc:zstd"); the views that set
  ETags answer conditional GETs themselves, before doing the work, and accept either spelling
  through `etag_variant_held()` (Flask-Compress's own evaluation after the fact is off: it
  saved nothing and added a second Date header to every compressed response);
- a streamed response is compressed block by block as it is made (zstd or deflate), never
  gathered first.
Static files are not compressed here: WhiteNoise serves their pre-compressed copies
(webapp/assets.py).
"""

from __future__ import annotations

from flask import Flask, request
from flask_compress import Compress

ALGORITHMS = ["br", "zstd", "gzip"]
MIMETYPES = [
    "text/html",
    "text/plain",
    "text/csv",
    "text/calendar",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
]

compress = Compress()


def init_compression(app: Flask) -> None:
    """Call before any other after_request hook is registered: hooks run in reverse order, so
    compression runs last."""
    app.config.setdefault("COMPRESS_ALGORITHM", ALGORITHMS)
    # Not brotli for streams: its encoder held back every byte of a 1 MB download until the end
    # (tests/test_compression.py); zstd and deflate let blocks out as they fill.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "deflate"])
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ZSTD_LEVEL", 3)
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    compress.init_app(app)


def etag_variant_held(tag: str) -> str | None:
    """The spelling of `tag` (unquoted, strong) that the request's If-None-Match holds: the tag
    itself, or a compressed variant's ("tag:br"), or None. A 304 repeats that spelling."""
    held = request.if_none_match
    if not held:
        return None
    if held.contains(tag):
        return tag
    for algorithm in (*ALGORITHMS, "deflate"):
        if held.contains(f"{tag}:{algorithm}"):
            return f"{tag}:{algorithm}"
    return None
