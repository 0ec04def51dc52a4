"""`keel up`, `keel serve`, `keel migrate`: run the server through gunicorn with whitenoise."""

from __future__ import annotations

import argparse
import os
import sys

from keel.cli.django_setup import setup


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = sub.add_parser(
        "up",
        help="migrate, load the demo portfolio if the database is empty, create an admin, serve",
        description="Get Keel running: migrate, demo data, admin account, serve.",
    )
    _add_bind_args(up)
    up.set_defaults(func=cmd_up)

    serve = sub.add_parser("serve", help="serve Keel through gunicorn (production server)")
    _add_bind_args(serve)
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="create or upgrade the database tables")
    migrate.set_defaults(func=cmd_migrate)


def _add_bind_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("KEEL_WORKERS", "2")),
        help="gunicorn worker processes (2)",
    )


def cmd_migrate(args: argparse.Namespace) -> int:
    setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    setup()
    from django.core.management import call_command

    from keel.apps.accounts.services import admin_ensure
    from keel.apps.projects.demo import demo_load_if_empty

    call_command("migrate", interactive=False, verbosity=0)
    summary = demo_load_if_empty()
    if summary:
        print(summary)
    created, username, password = admin_ensure(password=os.environ.get("KEEL_ADMIN_PASSWORD"))
    if created and password:
        print(f"Admin account created. Username: {username}  Password: {password}")
        print("(shown once: keep it, or set KEEL_ADMIN_PASSWORD before the first `keel up`)")
    elif created:
        print(f"Admin account created. Username: {username} (password from KEEL_ADMIN_PASSWORD)")
    return _serve(args)


def cmd_serve(args: argparse.Namespace) -> int:
    setup()
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Keel is serving on http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True)
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "keel.config.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
    ]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
    run()
    return 0
