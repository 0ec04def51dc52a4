"""`keel user create` and `keel token create` from the command line."""

import pytest

from keel.apps.accounts.models import PersonalAccessToken, User
from keel.apps.accounts.services import token_authenticate
from keel.cli.main import main

pytestmark = pytest.mark.django_db


def test_user_create_then_token_create_prints_a_working_token_last(capsys):
    """A new user gets a token printed alone on the last line; it authenticates as that user
    and only its hash is stored."""
    assert (
        main(
            [
                "user",
                "create",
                "maria",
                "--email",
                "maria@example.com",
                "--password",
                "Correct-Horse-9",
            ]
        )
        == 0
    )
    assert User.objects.get(username="maria").check_password("Correct-Horse-9")
    capsys.readouterr()

    assert main(["token", "create", "maria", "--name", "laptop"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    raw = lines[-1]
    assert " " not in raw and len(raw) >= 32
    assert token_authenticate(raw) == User.objects.get(username="maria")
    stored = PersonalAccessToken.objects.get(name="laptop")
    assert raw not in {stored.token_hash, stored.prefix}


def test_weak_password_is_refused_and_nothing_is_created(capsys):
    """Django's password rules apply: a short common password is refused with the reason."""
    assert main(["user", "create", "maria", "--password", "123"]) == 1
    assert "too short" in capsys.readouterr().err
    assert not User.objects.filter(username="maria").exists()


def test_token_for_unknown_user_fails_clearly(capsys):
    """Asking a token for a user who does not exist fails with a message, exit code 1."""
    assert main(["token", "create", "nobody"]) == 1
    assert "no user named 'nobody'" in capsys.readouterr().err
