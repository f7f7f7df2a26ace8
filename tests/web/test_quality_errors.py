"""What users see when something is wrong, under `make run`'s settings: 400, 403, 404 and 500 pages with
the site's navigation (500 without touching the database), and static files served by the app."""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path
from django.views import defaults

ROOT = Path(__file__).resolve().parents[2]
# What `make run` serves with: DEBUG off, its own hosts, plain http (the Makefile's RUN_ENV).
RUN_SETTINGS = {"DEBUG": False, "ALLOWED_HOSTS": ["127.0.0.1", "localhost"], "SECURE_SSL_REDIRECT": False}


def _navigation_in(html: str) -> None:
    assert 'href="#content"' in html  # the skip link
    assert '<nav aria-label="Site">' in html
    assert 'href="/feeds/"' in html
    assert 'href="/state/"' in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/site\.css">', html)


def _run_env() -> dict[str, str]:
    """The variables the Makefile's run target sets, as it writes them."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("RUN_ENV ="))
    return dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line.removeprefix("RUN_ENV =")))


def test_make_run_turns_debug_off_and_serves_static_files_from_the_app_with_a_generated_key():
    run_env = _run_env()
    assert run_env["DEBUG"] == "0" and run_env["SECURE_SSL_REDIRECT"] == "0"
    assert set(run_env["ALLOWED_HOSTS"].split(",")) == {"127.0.0.1", "localhost"}
    assert "$(SECRET_KEY_FILE)" in run_env["SECRET_KEY"]
    makefile = (ROOT / "Makefile").read_text()
    assert "secrets.token_urlsafe(50)" in makefile and "collectstatic" in makefile

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL")}
    env.update(DEBUG="0", SECURE_SSL_REDIRECT="0", ALLOWED_HOSTS=run_env["ALLOWED_HOSTS"], SECRET_KEY=secrets.token_urlsafe(50))
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.DEBUG, settings.ALLOWED_HOSTS, settings.MIDDLEWARE]))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "scotimeline.settings"},
        capture_output=True, text=True, check=True,
    )
    debug, hosts, middleware = json.loads(found.stdout)
    assert debug is False and hosts == ["127.0.0.1", "localhost"]
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == 1  # right after SecurityMiddleware


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page/", "/entities/atlantis/", "/feeds/events.atom?entity=atlantis"])
def test_under_make_run_settings_a_missing_page_is_a_404_with_the_site_navigation(client, path):
    with override_settings(**RUN_SETTINGS):
        response = client.get(path, HTTP_HOST="127.0.0.1")

    assert response.status_code == 404
    html = response.content.decode()
    _navigation_in(html)
    assert "<h1>Not found</h1>" in html and path.split("?")[0] in html
    assert "Traceback" not in html and "URLconf" not in html  # not Django's debug page


@pytest.mark.django_db
def test_under_make_run_settings_the_app_serves_its_collected_static_files(client, tmp_path):
    with override_settings(**RUN_SETTINGS, STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        css = client.get("/static/css/site.css", HTTP_HOST="127.0.0.1")
        gzipped = client.get("/static/css/site.css", HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
        missing = client.get("/static/css/none.css", HTTP_HOST="127.0.0.1")

    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert b".skip-link" in b"".join(css.streaming_content)
    assert gzipped.status_code == 200 and gzipped["Content-Encoding"] == "gzip"
    assert missing.status_code == 404


@pytest.mark.django_db
def test_a_bad_host_is_a_400_page_with_the_navigation(client):
    with override_settings(**RUN_SETTINGS):
        response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    html = response.content.decode()
    _navigation_in(html)
    assert "<h1>Bad request</h1>" in html


def test_a_refusal_is_a_403_page_with_the_navigation():
    request = RequestFactory().get("/somewhere/")

    response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    _navigation_in(response.content.decode())


def test_a_refused_csrf_token_is_a_403_page_with_the_navigation_that_says_what_to_do(db):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "a", "password": "b"})

    assert response.status_code == 403
    html = response.content.decode()
    _navigation_in(html)
    assert "This form could not be sent" in html and "nothing was recorded" in html


def test_the_500_page_has_the_navigation_and_needs_no_database():
    # No django_db mark: any query here raises, so the page (and base.html) must not make one.
    request = RequestFactory().get("/state/")

    response = defaults.server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    _navigation_in(html)
    assert "Something went wrong" in html


def _broken_page(request):
    raise RuntimeError("boom")


# This module is also a URLconf: the site's, plus a page that fails.
urlpatterns = [path("broken/", _broken_page), path("", include("scotimeline.urls"))]


@pytest.mark.django_db
def test_an_unexpected_error_in_a_page_is_the_500_page(client):
    client.raise_request_exception = False
    with override_settings(**RUN_SETTINGS, ROOT_URLCONF=__name__):
        response = client.get("/broken/", HTTP_HOST="127.0.0.1")

    assert response.status_code == 500
    html = response.content.decode()
    _navigation_in(html)
    assert "boom" not in html
