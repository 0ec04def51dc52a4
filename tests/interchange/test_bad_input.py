"""Bad files: each gets a clear error naming the line or element, and nothing is imported.

Also the encodings that must work (UTF-8, UTF-8 with a byte order mark, GB18030) and the
date spellings Keel accepts (listed in docs/interchange.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from keel.apps.interchange.services import import_commit, import_preview
from keel.apps.projects.models import Project
from keel.apps.work.models import Dependency, WorkItem
from keel.domain.errors import ValidationError
from keel.interchange.plan import MAX_BYTES, InterchangeError, parse_date
from keel.interchange.readers import read_plan

MSPDI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Project xmlns="http://schemas.microsoft.com/project">\n'
    "<Name>Bad</Name>\n<StartDate>2025-01-06T08:00:00</StartDate>\n<Tasks>\n"
)


def _task(uid: int, name: str, extra: str = "") -> str:
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><OutlineLevel>1</OutlineLevel>"
        f"<Duration>PT8H0M0S</Duration>{extra}</Task>\n"
    )


@pytest.fixture
def target(db: Any) -> Any:
    from tests.factories import ProjectFactory

    return ProjectFactory(key="BAD", name="Bad input", methodology="kanban")


def _refused(target: Any, data: bytes, match: str, **options: Any) -> str:
    """Preview and commit both refuse ``data`` with ``match``; nothing is stored."""
    with pytest.raises(ValidationError, match=match) as preview_error:
        import_preview(actor=target.manager, data=data, project_key=target.key, **options)
    with pytest.raises(ValidationError, match=match):
        import_commit(actor=target.manager, data=data, project_key=target.key, **options)
    assert WorkItem.objects.filter(project=target).count() == 0
    assert Dependency.objects.filter(project=target).count() == 0
    return str(preview_error.value)


def test_malformed_xml_names_the_line_and_column(target: Any) -> None:
    data = MSPDI_HEAD + _task(1, "A") + "<Task><UID>2</UID><Name>B</Task>\n</Tasks></Project>"
    message = _refused(target, data.encode(), "not well-formed XML")
    assert "line 7, column" in message and "mismatched tag" in message


def test_a_billion_laughs_bomb_is_refused_before_expanding(target: Any) -> None:
    entities = '<!ENTITY lol "lolololololololololol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE Project [{entities}]>\n'
        '<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol9;</Name></Project>'
    ).encode()
    message = _refused(target, data, "declares XML entities")
    assert "lol" in message


def test_an_external_entity_is_refused_and_never_read(target: Any) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<Project xmlns="http://schemas.microsoft.com/project"><Name>&x;</Name></Project>'
    )
    message = _refused(target, data, "external references")
    assert "file:///etc/passwd" in message and "root:" not in message


def test_an_external_entity_in_a_ganttproject_file_is_refused(target: Any) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE project [<!ENTITY x SYSTEM "http://example.com/x">]>'
        b'\n<project name="&x;"><tasks><task id="1" name="A"/></tasks></project>'
    )
    _refused(target, data, "external references")


def test_a_bad_value_inside_a_task_element_is_named(target: Any) -> None:
    data = MSPDI_HEAD + _task(1, "A") + _task(2, "B").replace("PT8H0M0S", "eight hours")
    message = _refused(target, (data + "</Tasks></Project>").encode(), "Microsoft Project XML")
    assert "<Task> number 2 (UID 2, 'B')" in message
    assert "'eight hours'" in message and "duration" in message
    data = MSPDI_HEAD + _task(1, "Dig", "<Start>next week</Start>") + "</Tasks></Project>"
    assert "<Task> number 1 (UID 1, 'Dig')" in _refused(target, data.encode(), "'next week'")


def test_a_csv_with_the_wrong_columns_lists_the_expected_ones(target: Any) -> None:
    message = _refused(target, b"Name,Begin,End\nA,2025-01-01,2025-01-02\n", "CSV line 1")
    assert "missing column(s) WBS, Title" in message and "Predecessors" in message
    message = _refused(target, b"WBS,Title,Colour\n1,A,red\n", "unknown column")
    assert "Colour" in message


def test_a_csv_row_with_too_many_fields_is_named(target: Any) -> None:
    data = b"Issue key,Summary,Status\nA-1,One,To Do\nA-2,Two,To Do,extra,more\n"
    _refused(target, data, r"Line 3: 5 fields but the header has 3 columns")


def test_bytes_that_are_no_known_encoding_name_the_line(target: Any) -> None:
    data = b"WBS,Title\n1,Fine\n" + b"2,\xff\xfe\x80\x80\n"
    _refused(target, data, "Line 3: the file is not UTF-8 or GB18030")


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8"),
        pytest.param(lambda text: text.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(lambda text: text.encode("gb18030"), id="gb18030"),
    ],
)
def test_utf8_bom_and_gb18030_csvs_all_import_chinese_names(target: Any, encode: Any) -> None:
    text = (
        "WBS,Title,Start,Duration (days),Predecessors,Labels\r\n"
        "1,设计阶段,2025-03-03,,,\r\n"
        "1.1,编写需求规格说明书,2025-03-03,3,,文档\r\n"
        "1.2,评审 Review,,2,1.1FS+1,\r\n"
    )
    result = import_commit(actor=target.manager, data=encode(text), project_key=target.key)
    assert result.items == 3 and result.links == 1
    rows = {i.title: i for i in WorkItem.objects.filter(project=target)}
    assert set(rows) == {"设计阶段", "编写需求规格说明书", "评审 Review"}
    assert rows["编写需求规格说明书"].parent == rows["设计阶段"]
    assert rows["编写需求规格说明书"].planned_start == date(2025, 3, 3)
    assert [lb.name for lb in rows["编写需求规格说明书"].labels.all()] == ["文档"]
    dep = Dependency.objects.get(project=target)
    assert (dep.predecessor, dep.successor) == (rows["编写需求规格说明书"], rows["评审 Review"])


def test_a_gb18030_jira_export_reads_its_chinese_summaries() -> None:
    data = "Issue key,Summary,Status\nPAY-1,支付页面,To Do\nPAY-2,退款流程,Done\n"
    plan = read_plan(data.encode("gb18030"))
    assert plan.format == "jira" and [i.title for i in plan.items] == ["支付页面", "退款流程"]


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-31",
        "2025-03-31T08:00:00",
        "2025-03-31 08:00",
        "2025/03/31",
        "31/Mar/25 8:00 AM",
        "31/Mar/2025",
        "31.03.2025",
        "03/31/2025",
        "31 Mar 2025",
        "Mar 31, 2025",
        "2025年03月31日",
        "2025年3月31日",
    ],
)
def test_accepted_date_spellings(text: str) -> None:
    parsed = parse_date(text, "here")
    assert parsed is not None and parsed.date() == date(2025, 3, 31)


@pytest.mark.parametrize(
    "text",
    ["31/03/2025", "2025-02-30", "2025-13-01", "next Tuesday", "31-03-2025", "45000"],
)
def test_odd_dates_are_refused_naming_the_line(target: Any, text: str) -> None:
    data = f"WBS,Title,Start\n1,Fine,2025-03-03\n2,Odd,{text}\n".encode()
    message = _refused(target, data, "CSV line 3")
    assert repr(text) in message and "2025-03-31" in message


def test_unknown_statuses_are_listed_and_block_the_import(target: Any) -> None:
    data = b"WBS,Title,Status\n1,A,To Do\n2,B,Waiting for parts\n3,C,Blocked by legal\n"
    preview = import_preview(actor=target.manager, data=data, project_key=target.key)
    assert preview.unknown_statuses == ("Blocked by legal", "Waiting for parts")
    assert not preview.ready
    with pytest.raises(ValidationError, match=r"Map these.*Blocked by legal, Waiting for parts"):
        import_commit(actor=target.manager, data=data, project_key=target.key)
    assert WorkItem.objects.filter(project=target).count() == 0
    import_commit(
        actor=target.manager,
        data=data,
        project_key=target.key,
        mapping={"statuses": {"Waiting for parts": "To Do", "Blocked by legal": "To Do"}},
    )
    assert WorkItem.objects.filter(project=target, status__key="todo").count() == 3


def test_a_file_over_the_size_limit_is_refused_before_reading(target: Any) -> None:
    row = b"1,A task with a long enough name to fill the file quickly,,,,,,\n"
    data = b"WBS,Title\n" + row * (MAX_BYTES // len(row) + 1)
    assert len(data) > MAX_BYTES == 50 * 1024 * 1024
    message = _refused(target, data, "Keel imports files up to 50 MiB")
    assert "50.0 MiB" in message
    # At the limit it is read (and refused for its content, not its size).
    with pytest.raises(InterchangeError) as error:
        read_plan(b"WBS,Title\n" + b"x" * (MAX_BYTES - 10))
    assert "MiB" not in str(error.value)


def test_an_import_that_fails_half_way_leaves_nothing(pmo: Any, monkeypatch: Any) -> None:
    """Items, links and the new project are saved before the baselines; a failure there
    rolls all of it back."""
    from keel.apps.interchange import services

    def broken(*args: Any, **kwargs: Any) -> int:
        assert WorkItem.objects.filter(project__key="HALF").count() == 3  # written already
        raise ValidationError("The disk is full.")

    monkeypatch.setattr(services, "_import_baselines", broken)
    data = b"WBS,Title,Predecessors\n1,A,\n2,B,1\n3,C,2\n"
    with pytest.raises(ValidationError, match="disk is full"):
        import_commit(actor=pmo, data=data, project_key="HALF", portfolio=pmo.portfolio)
    assert not Project.objects.filter(key="HALF").exists()
    assert WorkItem.objects.count() == 0 and Dependency.objects.count() == 0


def test_a_link_to_a_missing_row_and_a_cycle_are_refused(target: Any) -> None:
    _refused(target, b"WBS,Title,Predecessors\n1,A,\n2,B,7\n", "predecessor 7, which has no row")
    _refused(target, b"WBS,Title,Predecessors\n1,A,2\n2,B,1\n", r"cycle: (1 → 2 → 1|2 → 1 → 2)")


def test_taskjuggler_source_is_refused_with_what_to_do_instead(target: Any) -> None:
    data = b'project demo "Demo" 2025-01-06 +1m {\n}\ntask a "A" {\n  effort 2d\n}\n'
    message = _refused(target, data, "does not import TaskJuggler")
    assert "Microsoft Project XML" in message


def test_a_file_of_unknown_kind_says_what_keel_reads(target: Any) -> None:
    _refused(target, b"\x00\x01\x02 binary junk", "cannot tell what kind of file")
    _refused(target, b'<?xml version="1.0"?><svg></svg>', "root element is <svg>")


def test_a_file_with_too_many_items_is_refused(target: Any, monkeypatch: Any) -> None:
    from keel.interchange import plan as plan_module

    assert plan_module.MAX_ITEMS == 50_000  # the documented limit
    monkeypatch.setattr(plan_module, "MAX_ITEMS", 3)
    message = _refused(target, b"WBS,Title\n1,A\n2,B\n3,C\n4,D\n", "Keel imports up to 3 from")
    assert "holds 4 work items" in message
    assert len(read_plan(b"WBS,Title\n1,A\n2,B\n3,C\n").items) == 3
