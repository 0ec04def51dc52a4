"""The README's first command, end to end: `keel up` on an empty data directory."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in time")


@pytest.fixture(scope="module")
def keel_up(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("keel-up")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEEL_", "DJANGO_"))}
    env["KEEL_DATA_DIR"] = str(tmp_path / "data")
    log = (tmp_path / "up.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "keel.cli.main", "up", "--port", str(port), "--workers", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        yield port, proc, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_keel_up_serves_the_demo_and_the_printed_admin_password_signs_in(keel_up):
    """A fresh `keel up` migrates, loads the demo, prints an admin password once and serves
    on 127.0.0.1 through gunicorn; signing in with that password shows the demo projects."""
    port, proc, log = keel_up
    base = f"http://127.0.0.1:{port}"
    _wait_for(f"{base}/login/", time.monotonic() + 120)

    log.seek(0)
    output = log.read()
    assert "Loaded the demo portfolio" in output
    assert "gunicorn" in output.lower()
    match = re.search(r"Username: (\S+)\s+Password: (\S+)", output)
    assert match, output
    username, password = match.groups()

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
    ).encode()
    req = urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": base + "/"})
    with opener.open(req) as resp:
        page = resp.read().decode()
        assert resp.url.rstrip("/") == base
    for name in ("Data-centre migration", "Mobile banking app", "ERP roll-out"):
        assert name in page

    css = re.search(r'href="(/static/[^"]+\.css)"', page)
    assert css, "the page links Keel's stylesheet"
    with opener.open(base + css.group(1)) as resp:
        assert resp.status == 200
        assert b"--accent" in resp.read()
    assert proc.poll() is None


def test_wrong_password_is_refused(keel_up):
    """Signing in with a wrong password stays on the sign-in page with an error."""
    port, _proc, _log = keel_up
    base = f"http://127.0.0.1:{port}"
    _wait_for(f"{base}/login/", time.monotonic() + 120)
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode(
        {"username": "admin", "password": "not-the-password", "csrfmiddlewaretoken": csrf}
    ).encode()
    req = urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": base + "/"})
    with opener.open(req) as resp:
        assert "/login/" in resp.url
        assert "didn" in resp.read().decode()
