"""`keel demo`: load the deterministic demo portfolio."""

from __future__ import annotations

import argparse

from keel.cli.django_setup import setup


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="load the demo portfolio (three projects, ten users)")
    demo.add_argument(
        "--reset", action="store_true", help="delete all projects and demo users first, then load"
    )
    demo.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    setup()
    from django.core.management import call_command

    from keel.apps.projects.demo import demo_load

    call_command("migrate", interactive=False, verbosity=0)
    summary = demo_load(reset=args.reset)
    print(summary)
    return 0
