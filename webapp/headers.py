"""Security headers on every response.

The Content-Security-Policy allows scripts and styles from our own origin only: no inline
`<script>`, no `on*=` handlers, no `style=` attributes, no eval (htmx runs with allowEval and
its indicator styles off; see the htmx-config meta tag in base.html). Pico's icons are data: URIs
inside our CSS, hence `img-src data:`.
"""

from __future__ import annotations

from flask import Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
# Features a scheduling app never needs; a page that asked for them would be a compromised one.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "magnetometer",
        "gyroscope",
        "accelerometer",
        "browsing-topics",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


# Set on every response unless the view set its own.
HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    # One pass over the response's headers: setdefault() scans them up to three times per name
    # (and raises a KeyError inside for each one missing), on every response.
    present = {name.lower() for name, _value in headers}
    for name, value in HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    # Only over https: a browser that saw HSTS on plain http would ignore it anyway, and a
    # laptop demo on http://127.0.0.1 must not be pinned to https.
    if request.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", HSTS)
    if request.endpoint and request.endpoint != "static" and "cache-control" not in present:
        headers.add("Cache-Control", "no-store")
    return response
