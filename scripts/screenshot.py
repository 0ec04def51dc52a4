"""Screenshots of the demo workspace: the README's Gantt picture, and every page for a look.

Run from the repository root::

    .venv/bin/python scripts/screenshot.py                    # docs/images/gantt.png
    .venv/bin/python scripts/screenshot.py --all --out test-artifacts/pages

It loads the demo portfolio into a throwaway SQLite database (test settings, a temporary data
directory), serves it on localhost and drives Debian's chromium with Playwright, signed in as
the ERP project's manager. ``--all`` also saves the Plan, Board, item, portfolio and home
pages at 1280 px, the same pages on a 375 px phone, and the Gantt in 简体中文.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "demo-screenshots"  # noqa: S105 - a throwaway database's demo users
MANAGER = "bob"  # the ERP roll-out's project manager in the demo


def serve() -> tuple[object, str]:
    """A migrated throwaway database with the demo loaded, served on a free local port."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keel.config.settings.test")
    os.environ.pop("KEEL_DATABASE_URL", None)  # always the throwaway SQLite file
    os.environ["KEEL_DEMO_PASSWORD"] = PASSWORD
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread

    from keel.apps.projects.demo import demo_load

    call_command("migrate", verbosity=0)
    print(demo_load())
    server = LiveServerThread("localhost", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://localhost:{server.port}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every page, desktop and phone")
    parser.add_argument("--out", default="docs/images", help="folder for the PNG files")
    parser.add_argument("--project", default="ERP", help="the demo project to show")
    args = parser.parse_args()
    out = ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium")
    if not chromium:
        print("Debian's chromium is missing: `apt-get install chromium fonts-noto-cjk`.")
        return 1

    server, url = serve()
    from playwright.sync_api import sync_playwright

    key = args.project
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="en-GB")
        page.goto(f"{url}/login/")
        page.fill("#id_username", MANAGER)
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
        page.wait_for_url(f"{url}/")
        page.goto(f"{url}/p/{key}/gantt/")
        page.wait_for_selector("svg.gantt-chart")
        page.screenshot(path=str(out / "gantt.png"))
        print(f"wrote {out / 'gantt.png'}")
        if args.all:
            pages = {
                "home": "/",
                "portfolio": "/portfolio/",
                "overview": f"/p/{key}/",
                "plan": f"/p/{key}/plan/",
                "board": f"/p/{key}/board/",
                "item": f"/p/{key}/items/{key}-5/",
                "members": f"/p/{key}/members/",
                "settings": f"/p/{key}/settings/",
                "gantt-month": f"/p/{key}/gantt/?zoom=month",
            }
            for name, path in pages.items():
                page.goto(f"{url}{path}")
                page.screenshot(path=str(out / f"{name}.png"), full_page=name != "plan")
            phone = browser.new_page(viewport={"width": 375, "height": 800}, locale="en-GB")
            phone.context.add_cookies(page.context.cookies())
            for name, path in pages.items():
                phone.goto(f"{url}{path}")
                width = phone.evaluate("document.documentElement.scrollWidth")
                print(f"phone {name}: page {width} px wide")
                if width > 375 and os.environ.get("KEEL_SHOW_OVERFLOW"):
                    print(phone.evaluate(Path(os.environ["KEEL_SHOW_OVERFLOW"]).read_text()))
                phone.screenshot(path=str(out / f"phone-{name}.png"))
            page.select_option("#lang-select", "zh-hans")
            page.wait_for_load_state()
            page.goto(f"{url}/p/{key}/gantt/")
            page.screenshot(path=str(out / "gantt-zh.png"))
        browser.close()
    server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
