import pytest

from keel.cli.main import build_parser, main

EXPECTED_COMMANDS = {"up", "serve", "migrate", "demo", "user", "token", "schedule"}


def test_help_lists_every_command_with_a_description(capsys):
    """`keel --help` names each command and says in one line what it does."""
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    listed = {choice.dest for choice in subparsers._choices_actions}
    assert listed >= EXPECTED_COMMANDS
    for action in subparsers._choices_actions:
        assert action.dest in out
        assert action.help, f"`keel {action.dest}` has no one-line description"
        assert action.help.split()[0] in out


def test_no_command_prints_help_and_fails(capsys):
    """Running `keel` alone shows the help and exits non-zero, so scripts notice."""
    assert main([]) == 2
    assert "commands" in capsys.readouterr().out
