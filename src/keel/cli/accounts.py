"""`keel user create`, `keel token create`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from keel.cli.django_setup import setup


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = sub.add_parser("user", help="manage user accounts")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    create = user_sub.add_parser("create", help="create a user account")
    create.add_argument("username")
    create.add_argument("--email", default="")
    create.add_argument("--name", default="", help="display name")
    create.add_argument("--admin", action="store_true", help="make the user a site administrator")
    create.add_argument(
        "--password",
        help="password (default: KEEL_USER_PASSWORD, else asked for on the terminal)",
    )
    create.set_defaults(func=cmd_user_create)

    token = sub.add_parser("token", help="manage personal access tokens for the API")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    tcreate = token_sub.add_parser(
        "create", help="create a personal access token; the token is printed alone on the last line"
    )
    tcreate.add_argument("username")
    tcreate.add_argument("--name", default="cli", help="a label to recognise the token by")
    tcreate.set_defaults(func=cmd_token_create)


def cmd_user_create(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from keel.apps.accounts.services import user_create

    password = args.password or os.environ.get("KEEL_USER_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print("error: give --password or KEEL_USER_PASSWORD", file=sys.stderr)
            return 2
        password = getpass.getpass("Password: ")
    try:
        user = user_create(
            username=args.username,
            email=args.email,
            password=password,
            display_name=args.name,
            is_admin=args.admin,
        )
    except ValidationError as exc:
        print(f"error: {'; '.join(exc.messages)}", file=sys.stderr)
        return 1
    print(f"Created user {user.username}.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    setup()
    from django.contrib.auth import get_user_model

    from keel.apps.accounts.services import token_create

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(f"error: no user named {args.username!r}", file=sys.stderr)
        return 1
    _token, raw = token_create(user=user, name=args.name)
    print(f"Created token {args.name!r} for {user.username}. It is shown only once:")
    print(raw)
    return 0
