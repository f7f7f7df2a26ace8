"""The README's screenshots: the home page, the state on a date, the membership chart and an entity page,
taken in headless Chromium from a server over a fresh database loaded with the SCO seeds.

    python -m tests.browser.screenshots [--out docs/screenshots] [--width 1280] [--height 900]

`make screenshots` runs it. The server runs as `make run` serves (DEBUG off, static files by the app),
on a free port, and stops at the end. A page whose URL does not exist yet is reported and skipped.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# name -> (URL name or path, its arguments, query): what the README shows.
PAGES = {
    "home": ("/", [], ""),
    "state": ("events:state", [], "?at=2017-06-10"),
    "chart": ("events:chart", [], ""),
    "entity": ("events:entity", ["india"], ""),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _paths(env: dict[str, str]) -> dict[str, str | None]:
    """Each page's path, reversed by the project itself (None for a page that does not exist yet)."""
    code = (
        "import json, django; django.setup(); from django.urls import NoReverseMatch, reverse\n"
        "pages = json.loads(input())\n"
        "def path(name, args):\n"
        "    if name.startswith('/'): return name\n"
        "    try: return reverse(name, args=args)\n"
        "    except NoReverseMatch: return None\n"
        "print(json.dumps({key: path(name, args) for key, (name, args, query) in pages.items()}))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, input=json.dumps(PAGES), capture_output=True, text=True, check=True
    )
    return json.loads(found.stdout)


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"no server answered at {url}")
            time.sleep(0.3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    options = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "CELERY_BROKER_URL")}
        env.update(
            DATABASE_URL=f"sqlite:///{scratch}/screenshots.sqlite3", DEBUG="0", SECURE_SSL_REDIRECT="0",
            SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="scotimeline.settings",
        )
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "load_seeds"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        paths = _paths(env)
        port = _free_port()
        server = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        origin = f"http://127.0.0.1:{port}"
        try:
            _wait_for(origin + "/static/css/site.css")
            options.out.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": options.width, "height": options.height}, locale="en-GB")
                for name, (_, _, query) in PAGES.items():
                    if paths[name] is None:
                        print(f"{name}: no such page yet ({PAGES[name][0]}), skipped")
                        continue
                    response = page.goto(origin + paths[name] + query)
                    target = options.out / f"{name}.png"
                    page.screenshot(path=str(target))
                    print(f"{name}: {paths[name]}{query} ({response.status}) -> {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
