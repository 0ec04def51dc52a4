"""`keel import` and `keel export` from the command line, as a user would run them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.interchange.test_import_services import JIRA

from keel.apps.projects.models import Project
from keel.apps.work.models import Dependency, WorkItem
from keel.cli.main import main
from keel.interchange.readers import read_plan

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def target(db: Any) -> Any:
    from tests.factories import ProjectFactory

    return ProjectFactory(key="CLI", name="Command line", methodology="kanban")


def test_import_prints_the_preview_then_creates_the_project(
    pmo: Any, capsys: Any, tmp_path: Path
) -> None:
    source = SAMPLES / "mspdi" / "mpxj_sample.xml"
    code = main(
        [
            "import",
            str(source),
            "--project",
            "smp",
            "--portfolio",
            "imports",
            "--as",
            "pmo",
            "--yes",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Microsoft Project XML" in out and "new project SMP" in out
    assert "Will create 19 items" in out and "6 dependencies" in out
    assert "Created project SMP: 19 items, 6 dependencies" in out
    project = Project.objects.get(key="SMP")
    titles = [i.title for i in read_plan(source.read_bytes()).items]
    assert sorted(WorkItem.objects.filter(project=project).values_list("title", flat=True)) == (
        sorted(titles)
    )
    assert Dependency.objects.filter(project=project).count() == 6


def test_import_adds_to_an_existing_project_and_detects_the_format(
    target: Any, capsys: Any, tmp_path: Path
) -> None:
    from tests.factories import item_create

    item_create(target, "Already there")
    # A CSV task template saved under a misleading name: the content decides.
    path = tmp_path / "plan.txt"
    path.write_text("WBS,Title,Predecessors\n1,Dig 挖,\n2,Pour,1FS+1\n", encoding="utf-8")
    code = main(["import", str(path), "--project", "CLI", "--as", target.manager.username, "-y"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Keel CSV task template" in out and "→ project CLI" in out
    assert "Imported into project CLI: 2 items, 1 dependencies" in out
    titles = set(WorkItem.objects.filter(project=target).values_list("title", flat=True))
    assert titles == {"Already there", "Dig 挖", "Pour"}
    dep = Dependency.objects.get(project=target)
    assert (dep.predecessor.title, dep.successor.title, dep.lag_days) == ("Dig 挖", "Pour", 1)


def test_jira_without_a_mapping_prints_a_template_and_imports_nothing(
    target: Any, member_of: Any, capsys: Any, tmp_path: Path
) -> None:
    import yaml

    member_of(target, "member", username="jane")
    source = tmp_path / "jira.csv"
    source.write_text(JIRA, encoding="utf-8")
    manager = target.manager.username
    code = main(["import", str(source), "--project", "CLI", "--as", manager, "--yes"])
    captured = capsys.readouterr()
    assert code == 3
    assert "A mapping is needed" in captured.err and "In Review" in captured.err
    template = captured.out[captured.out.index("# Keel import mapping") :]
    filled = yaml.safe_load(template)
    assert set(filled["statuses"]) == {"Done", "In Review", "To Do"}
    assert filled["statuses"]["In Review"] == "" and filled["statuses"]["Done"] == "Done"
    assert set(filled["users"]) == {"Jane Roe", "jdoe"}
    assert WorkItem.objects.filter(project=target).count() == 0

    filled["statuses"]["In Review"] = "Doing"
    filled["users"] = {"Jane Roe": "jane", "jdoe": ""}
    mapfile = tmp_path / "map.yaml"
    mapfile.write_text(yaml.safe_dump(filled, allow_unicode=True), encoding="utf-8")
    code = main(
        ["import", str(source), "--project", "CLI", "--as", manager, "--map", str(mapfile), "-y"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    epic = WorkItem.objects.get(project=target, title="Checkout epic")
    assert epic.status.name == "Doing" and epic.assignee.username == "jane"
    assert WorkItem.objects.filter(project=target).count() == 3


def test_an_unfilled_mapping_is_refused_by_name(target: Any, capsys: Any, tmp_path: Path) -> None:
    source = tmp_path / "jira.csv"
    source.write_text(JIRA, encoding="utf-8")
    mapfile = tmp_path / "map.yaml"
    mapfile.write_text('statuses:\n  "In Review": ""\n', encoding="utf-8")
    code = main(
        ["import", str(source), "--project", "CLI", "--as", target.manager.username,
         "--map", str(mapfile), "-y"]
    )  # fmt: skip
    assert code == 1
    assert "'In Review' to ''" in capsys.readouterr().err
    assert WorkItem.objects.filter(project=target).count() == 0


def test_without_yes_and_no_terminal_nothing_is_imported(
    target: Any, capsys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    path = tmp_path / "plan.csv"
    path.write_text("WBS,Title\n1,A\n", encoding="utf-8")
    code = main(["import", str(path), "--project", "CLI", "--as", target.manager.username])
    assert code == 4 and "--yes" in capsys.readouterr().err
    code = main(
        ["import", str(path), "--project", "CLI", "--as", target.manager.username, "--dry-run"]
    )
    assert code == 0 and "nothing was imported" in capsys.readouterr().out
    assert WorkItem.objects.filter(project=target).count() == 0


def test_import_errors_are_clear_and_leave_nothing(
    target: Any, user: Any, capsys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("WBS,Title\n1,A\n", encoding="utf-8")
    monkeypatch.delenv("KEEL_USER", raising=False)
    assert main(["import", str(good), "--project", "CLI", "-y"]) == 2
    assert "--as USER" in capsys.readouterr().err
    assert main(["import", str(good), "--project", "CLI", "--as", "nobody", "-y"]) == 1
    assert "no active user named 'nobody'" in capsys.readouterr().err
    # Not a member: refused the same way as a project that does not exist.
    assert main(["import", str(good), "--project", "CLI", "--as", user.username, "-y"]) == 1
    assert "may not import into project CLI" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("WBS,Title,Start\n1,A,2025-01-02\n2,B,someday\n", encoding="utf-8")
    manager = target.manager.username
    assert main(["import", str(bad), "--project", "CLI", "--as", manager, "-y"]) == 1
    assert "CSV line 3: 'someday' is not a date" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "missing.xml"), "--project", "CLI", "--as", manager]) == 1
    assert "missing.xml" in capsys.readouterr().err
    monkeypatch.setenv("KEEL_USER", manager)
    assert main(["import", str(good), "--project", "NEWONE", "-y"]) == 1
    assert "There is no project NEWONE" in capsys.readouterr().err
    assert WorkItem.objects.filter(project=target).count() == 0
    assert not Project.objects.filter(key="NEWONE").exists()


@pytest.mark.parametrize("fmt", ["mspdi", "tjp", "xlsx", "csv", "ics"])
def test_export_writes_each_format(target: Any, capsys: Any, tmp_path: Path, fmt: str) -> None:
    from tests.factories import item_create

    item_create(target, "Pour concrete 浇筑", duration_days="2")
    item_create(target, "Handover", type="milestone", planned_start="2025-06-02")
    out = tmp_path / f"cli.{fmt}"
    code = main(["export", "cli", "--format", fmt, "-o", str(out), "--as", target.manager.username])
    assert code == 0
    assert f"Wrote CLI as {fmt}" in capsys.readouterr().out
    data = out.read_bytes()
    if fmt in {"mspdi", "csv", "xlsx"}:
        titles = [i.title for i in read_plan(data, fmt if fmt != "mspdi" else None).items]
        assert titles == ["Pour concrete 浇筑", "Handover"]
    elif fmt == "tjp":
        assert "task " in data.decode() and "Pour concrete" in data.decode()
    else:
        assert b"BEGIN:VCALENDAR" in data and b"Handover" in data


def test_export_takes_the_format_from_the_file_name_and_checks_the_role(
    target: Any, user: Any, capsys: Any, tmp_path: Path
) -> None:
    out = tmp_path / "plan.xml"
    assert main(["export", "CLI", "-o", str(out), "--as", target.manager.username]) == 0
    assert out.read_bytes().startswith(b"<?xml")
    capsys.readouterr()
    elsewhere = tmp_path / "x.xml"
    assert main(["export", "CLI", "-o", str(elsewhere), "--as", user.username]) == 1
    assert "no project CLI that you may export" in capsys.readouterr().err
    assert not elsewhere.exists()
    assert main(["export", "CLI", "-o", str(tmp_path / "x.pdf"), "--as", user.username]) == 2


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    target: Any, capsys: Any, tmp_path: Path
) -> None:
    from keel.interchange.plan import MAX_BYTES

    big = tmp_path / "huge.csv"
    with big.open("wb") as out:
        out.write(b"WBS,Title\n")
        out.truncate(MAX_BYTES + 1)  # a sparse file: 50 MiB and a byte, nothing kept in git
    code = main(["import", str(big), "--project", "CLI", "--as", target.manager.username, "-y"])
    assert code == 1
    assert "Keel imports files up to 50 MiB" in capsys.readouterr().err
    assert WorkItem.objects.filter(project=target).count() == 0
