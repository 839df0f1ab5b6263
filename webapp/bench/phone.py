"""`make bench-phone`: pages on a phone over emulated 3G, in Chromium, printing JSON lines.

The app is served as `make run` serves it (webapp.devserver, a fresh SQLite demo county in a
temporary folder), and Chromium (390x844, Chinese) is throttled with CDP's
Network.emulateNetworkConditions:
- slow 3G: 400 kbit/s both ways, 400 ms round trip; fast 3G: 1.6 Mbit/s down, 750 kbit/s up,
  150 ms round trip;
- warm: the page was opened before (its static files are in the browser's cache); cold: the
  browser's cache emptied first (the log-in itself is not throttled);
- measured: DOMContentLoaded from the start of the navigation (the Navigation Timing entry), the
  requests that went over the network (a file from the browser's cache does not count; the
  schedule's own request goes through its service worker and is not seen here) and their bytes
  (as sent, compressed); for the htmx "next week" tap
  on a home's week, the time from the click to the swap. The median of BENCH_PHONE_RUNS (3).
One line per page, profile and cache state, then a summary with the goals (slow 3G warm <= 600
ms; slow 3G cold log-in page <= 1,800 ms; fast 3G warm <= 250 ms; slow 3G htmx tap <= 450 ms).
A benchmark, not a test: nothing fails, the figures are printed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
PROFILES = {
    "slow 3G": {"latency": 400, "down_kbit": 400, "up_kbit": 400},
    "fast 3G": {"latency": 150, "down_kbit": 1600, "up_kbit": 750},
}
# (page, who opens it)
PAGES = [
    ("/dashboard", "volunteer@example.org"),
    ("/me/schedule", "volunteer@example.org"),
    ("/opportunities/", "volunteer@example.org"),
    ("/volunteers/", "coordinator@example.org"),
    ("/planning/", "coordinator@example.org"),
    ("/auth/login", None),
]
HTMX_TAP = "htmx next week (a home's week)"
GOALS = {
    ("slow 3G", "warm"): 600,
    ("fast 3G", "warm"): 250,
    ("slow 3G", "cold", "/auth/login"): 1800,
    ("slow 3G", "warm", HTMX_TAP): 450,
}
DCL = """() => { const n = performance.getEntriesByType('navigation')[0];
  return n.domContentLoadedEventEnd - n.startTime; }"""
TAP = """() => new Promise((resolve) => {
  const link = document.querySelector('#calendar-next');
  document.addEventListener('htmx:afterSwap', () => resolve(performance.now() - started),
    { once: true });
  const started = performance.now();
  link.click();
})"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(folder: Path) -> tuple[subprocess.Popen, str]:
    """`make run`'s server on a fresh demo county (migrations and seed as make run does)."""
    env = dict(
        os.environ,
        SHOUWANG_INSTANCE=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'phone.db'}",
        SESSION_COOKIE_SECURE="0",
        LOGIN_RATE_LIMIT="100000 per minute",
    )
    env.pop("FLASK_DEBUG", None)
    flask = [sys.executable, "-m", "flask", "--app", "webapp.app"]
    for step in (["db", "upgrade"], ["seed-demo", "--if-empty"]):
        subprocess.run(flask + step, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp.devserver", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return process, base
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = (folder / "server.log").read_text()
                raise SystemExit(f"server did not start: {log_text}") from error
            time.sleep(0.2)


class Phone:
    """One browser context (its own cache and cookies) with a CDP session for throttling."""

    def __init__(self, browser, base: str, password: str) -> None:
        self.context = browser.new_context(locale="zh-CN", viewport=PHONE, base_url=base)
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.password = password
        self.urls: dict[str, str] = {}
        self.requests: list[str] = []  # those that went over the network (not from a cache)
        self.received = 0
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event) -> None:
        # A response from the browser's cache moved no bytes over the network.
        if event.get("encodedDataLength", 0) > 0:
            self.requests.append(self.urls.get(event["requestId"], "?"))
            self.received += event["encodedDataLength"]

    def settle(self) -> None:
        """Let the page finish what it does after loading (a service worker keeping a copy)."""
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(500)

    def log_in(self, email: str) -> None:
        self.page.goto("/auth/login")
        self.page.fill("#email", email)
        self.page.fill("#password", self.password)
        self.page.click("#login-form button[type=submit]")
        self.page.wait_for_url("**/dashboard")

    def throttle(self, profile: dict | None) -> None:
        if profile is None:
            conditions = {
                "offline": False,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }
        else:
            conditions = {
                "offline": False,
                "latency": profile["latency"],
                "downloadThroughput": profile["down_kbit"] * 1000 / 8,
                "uploadThroughput": profile["up_kbit"] * 1000 / 8,
            }
        self.cdp.send("Network.emulateNetworkConditions", conditions)

    def empty_cache(self) -> None:
        self.cdp.send("Network.clearBrowserCache")

    def measure(self, path: str) -> dict:
        self.requests, self.received = [], 0
        self.page.goto(path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return {
            "dcl_ms": round(self.page.evaluate(DCL)),
            "requests": len(self.requests),
            "static_requests": sum("/static/" in url for url in self.requests),
            "bytes": self.received,
        }

    def tap_next_week(self) -> dict:
        self.requests, self.received = [], 0
        elapsed = self.page.evaluate(TAP)
        self.page.wait_for_load_state("networkidle")
        return {"tap_ms": round(elapsed), "requests": len(self.requests), "bytes": self.received}

    def close(self) -> None:
        self.context.close()


def _median(runs: list[dict]) -> dict:
    return {key: round(statistics.median(run[key] for run in runs)) for key in runs[0]}


def _goal(profile: str, cache: str, page: str) -> int | None:
    return GOALS.get((profile, cache, page)) or (
        GOALS.get((profile, cache)) if page not in ("/auth/login", HTMX_TAP) else None
    )


def _line(page: str, profile: str, cache: str, figures: dict) -> dict:
    goal = _goal(profile, cache, page)
    measured = figures.get("dcl_ms", figures.get("tap_ms"))
    return {
        "benchmark": "phone",
        "page": page,
        "profile": profile,
        "cache": cache,
        **figures,
        "goal_ms": goal,
        "met": None if goal is None else measured <= goal,
    }


def _page_runs(browser, base, password, path, who, profile, cache, runs) -> dict:
    results = []
    for _ in range(runs):
        phone = Phone(browser, base, password)
        try:
            if who:
                phone.log_in(who)
            phone.page.goto(path)  # warm: the page and its files were loaded once
            phone.settle()
            if cache == "cold":
                phone.empty_cache()
            phone.throttle(PROFILES[profile])
            results.append(phone.measure(path))
        finally:
            phone.close()
    return _median(results)


def _tap_runs(browser, base, password, home_week, profile, runs) -> dict:
    results = []
    for _ in range(runs):
        phone = Phone(browser, base, password)
        try:
            phone.log_in("manager@example.org")
            phone.page.goto(home_week)
            phone.settle()
            phone.throttle(PROFILES[profile])
            results.append(phone.tap_next_week())
        finally:
            phone.close()
    return _median(results)


def _a_home_week(base: str, folder: Path) -> str:
    """The week page of the first home the demo manager manages."""
    from webapp.app import create_app
    from webapp.extensions import db
    from webapp.models import User, home_managers

    os.environ["SHOUWANG_INSTANCE"] = str(folder)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'phone.db'}"})
    with app.app_context():
        manager = User.by_email("manager@example.org")
        home = db.session.execute(
            db.select(home_managers.c.home_id).where(home_managers.c.user_id == manager.id)
        ).scalar()
    return f"/homes/{home}/week"


def main() -> None:
    from playwright.sync_api import sync_playwright

    runs = int(os.environ.get("BENCH_PHONE_RUNS") or 3)
    folder = Path(tempfile.mkdtemp(prefix="bench-phone-"))
    server, base = _serve(folder)
    lines = []
    try:
        home_week = _a_home_week(base, folder)
        password = "shouwang-demo"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            for profile in PROFILES:
                for cache in ("warm", "cold"):
                    for path, who in PAGES:
                        figures = _page_runs(
                            browser, base, password, path, who, profile, cache, runs
                        )
                        lines.append(_line(path, profile, cache, figures))
                        print(json.dumps(lines[-1], ensure_ascii=False), flush=True)
                figures = _tap_runs(browser, base, password, home_week, profile, runs)
                lines.append(_line(HTMX_TAP, profile, "warm", figures))
                print(json.dumps(lines[-1], ensure_ascii=False), flush=True)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    judged = [line for line in lines if line["met"] is not None]
    print(
        json.dumps(
            {
                "benchmark": "phone-summary",
                "runs_each": runs,
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "goals_met": sum(line["met"] for line in judged),
                "goals": len(judged),
                "missed": [
                    f"{line['page']} {line['profile']} {line['cache']}"
                    for line in judged
                    if not line["met"]
                ],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
