"""The YAML plan loader: every feature of the format, and every error message with its place."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from keel.domain.errors import CycleError, PlanError
from keel.domain.schedule.model import ConstraintType, DependencyType
from keel.plan import load_plan, loads_plan, plan_from_data, plan_schema
from keel.plan.durations import TimeUnits, format_minutes, parse_duration, parse_lag

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "datacentre-migration.yaml"


def base(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project": {"name": "Demo", "start": "2025-03-03"},
        "tasks": [{"id": "a", "duration": "1d"}],
    }
    data.update(extra)
    return data


def tasks(*items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return base(tasks=list(items), **extra)


# -- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes", "elapsed"),
    [
        ("3d", 1440, False),
        ("4h", 240, False),
        ("90m", 90, False),
        ("2w", 4800, False),
        ("5ed", 7200, True),
        ("1.5d", 720, False),
        ("3eh", 180, True),
        ("1mo", 9600, False),
        (0, 0, False),
    ],
)
def test_durations_are_working_minutes_with_an_eight_hour_day(
    text: str, minutes: int, elapsed: bool
) -> None:
    """A day is 8 working hours, a week 5 days, an 'e' unit is elapsed (24 h) time."""
    parsed = parse_duration(text)
    assert (parsed.minutes, parsed.elapsed) == (minutes, elapsed)


def test_hours_per_day_changes_what_a_day_means() -> None:
    """With hours_per_day 7.5 a 2d task is 900 working minutes."""
    data = base()
    data["project"]["hours_per_day"] = 7.5
    data["tasks"][0]["duration"] = "2d"
    assert plan_from_data(data).network.tasks[0].duration == 900
    assert parse_duration("1w", TimeUnits(minutes_per_day=450)).minutes == 2250


@pytest.mark.parametrize(
    ("text", "minutes", "percent"),
    [("2d", 960, None), ("-1d", -480, None), ("50%", 0, 50.0), ("-4h", -240, None)],
)
def test_lags_leads_and_percentages(text: str, minutes: int, percent: float | None) -> None:
    """Lags are working time; a minus sign makes a lead; % is of the predecessor's duration."""
    lag = parse_lag(text)
    assert (lag.minutes, lag.percent) == (minutes, percent)


@pytest.mark.parametrize(
    ("minutes", "text"), [(2400, "5d"), (720, "1.5d"), (240, "4h"), (90, "90m"), (-480, "-1d")]
)
def test_minutes_are_written_back_for_people(minutes: int, text: str) -> None:
    """Spans print as whole days, one-decimal days, hours or minutes."""
    assert format_minutes(minutes) == text


# -- the example and the schema ---------------------------------------------------------------


def test_documented_example_loads_with_every_feature() -> None:
    """The shipped example has phases, milestones, all link types, lag, constraint, deadline,
    progress, a baseline and CN holidays."""
    plan = load_plan(EXAMPLE)
    net = plan.network
    assert len(net.tasks) >= 28
    assert {d.type for d in net.dependencies} == set(DependencyType)
    assert any(d.lag for d in net.dependencies)
    assert any(d.lag_percent for d in net.dependencies)
    assert any(t.milestone for t in net.tasks)
    assert any(t.constraint.type is not ConstraintType.ASAP for t in net.tasks)
    assert any(t.deadline for t in net.tasks)
    assert any(t.actual_start for t in net.tasks)
    assert any(t.elapsed for t in net.tasks)
    assert "Baseline" in plan.baselines
    assert plan.wbs["w1-move"] == "4.1.2"
    shanghai = net.calendars["shanghai"]
    assert not shanghai.is_working_day(date(2025, 4, 4))  # Qingming
    assert shanghai.is_working_day(date(2025, 4, 27))  # a Sunday worked for Labour Day (调休)
    assert not shanghai.is_working_day(date(2025, 3, 28))  # the offsite exception
    assert [r.id for r in plan.resources] == ["li", "chen", "movers"]


def test_every_example_key_is_allowed_by_the_published_schema() -> None:
    """The schema file is valid JSON Schema and accepts the documented example."""
    schema = plan_schema()
    Draft202012Validator.check_schema(schema)
    data = yaml.safe_load(EXAMPLE.read_text())
    data = json.loads(json.dumps(data, default=str))
    assert not list(Draft202012Validator(schema).iter_errors(data))


# -- tasks, links, WBS ---------------------------------------------------------------------------


def test_wbs_tree_gives_parents_and_outline_codes() -> None:
    """Nested children become summary tasks with parent links and codes 1, 1.1, 1.2, 2."""
    plan = plan_from_data(
        tasks(
            {
                "id": "p",
                "children": [{"id": "x", "duration": "1d"}, {"id": "y", "duration": "2h"}],
            },
            {"id": "m", "milestone": True, "after": "p"},
        )
    )
    parents = {t.id: t.parent for t in plan.network.tasks}
    assert parents == {"p": None, "x": "p", "y": "p", "m": None}
    assert plan.wbs == {"p": "1", "x": "1.1", "y": "1.2", "m": "2"}
    assert plan.network.tasks[0].name == "p"  # the id when no name is given


def test_after_is_finish_to_start_and_depends_has_type_and_lag() -> None:
    """`after` (string or list) makes FS links; `depends` carries type and lag/lead/%."""
    plan = plan_from_data(
        tasks(
            {"id": "a", "duration": "1d"},
            {"id": "b", "duration": "1d", "after": "a"},
            {"id": "c", "duration": "1d", "after": ["a", "b"]},
            {
                "id": "d",
                "duration": "1d",
                "depends": [
                    {"task": "a", "type": "SS", "lag": "2h"},
                    {"task": "b", "type": "FF", "lag": "-1d"},
                    {"task": "c", "type": "SF", "lag": "50%"},
                ],
            },
        )
    )
    links = {(d.predecessor, d.successor): d for d in plan.network.dependencies}
    assert links["a", "b"].type is DependencyType.FS
    assert ("a", "c") in links and ("b", "c") in links
    assert (links["a", "d"].type, links["a", "d"].lag) == (DependencyType.SS, 120)
    assert (links["b", "d"].type, links["b", "d"].lag) == (DependencyType.FF, -480)
    assert (links["c", "d"].type, links["c", "d"].lag_percent) == (DependencyType.SF, 50.0)


def test_dates_constraints_deadlines_and_progress() -> None:
    """Bare dates mean the first working minute (starts) or the last one (finishes)."""
    plan = plan_from_data(
        tasks(
            {
                "id": "a",
                "duration": "3d",
                "constraint": {"type": "FNLT", "date": "2025-03-07"},
                "deadline": "2025-03-10",
                "priority": 700,
                "progress": {
                    "actual_start": "2025-03-03",
                    "percent": 40,
                    "remaining": "1d",
                },
            },
            {"id": "b", "duration": "1d", "constraint": {"type": "SNET", "date": "2025-03-05"}},
            {
                "id": "c",
                "duration": "1d",
                "constraint": {"type": "MSO", "date": "2025-03-06T14:00"},
                "progress": {"actual_start": "2025-03-06", "actual_finish": "2025-03-06"},
            },
            {"id": "d", "duration": "1d", "constraint": {"type": "ALAP"}},
        )
    )
    a, b, c, d = plan.network.tasks
    assert plan.network.start == datetime(2025, 3, 3, 9, 0)
    assert a.constraint.date == datetime(2025, 3, 7, 18, 0)
    assert a.deadline == datetime(2025, 3, 10, 18, 0)
    assert (a.actual_start, a.percent_complete, a.remaining) == (
        datetime(2025, 3, 3, 9, 0),
        40.0,
        480,
    )
    assert a.priority == 700
    assert b.constraint == b.constraint.__class__(ConstraintType.SNET, datetime(2025, 3, 5, 9))
    assert c.constraint.date == datetime(2025, 3, 6, 14, 0)
    assert (c.actual_finish, c.percent_complete) == (datetime(2025, 3, 6, 18, 0), 100.0)
    assert d.constraint.type is ConstraintType.ALAP


def test_status_date_and_baselines() -> None:
    """The status date is read; baselines keep named dates and durations per task."""
    data = base(
        baselines=[
            {
                "name": "Baseline",
                "saved_at": "2025-03-01T10:00",
                "tasks": {"a": {"start": "2025-03-03", "finish": "2025-03-03", "duration": "1d"}},
            }
        ]
    )
    data["project"]["status_date"] = "2025-03-04T12:00"
    plan = plan_from_data(data)
    assert plan.network.status_date == datetime(2025, 3, 4, 12, 0)
    saved = plan.baselines["Baseline"]
    assert saved.saved_at == datetime(2025, 3, 1, 10, 0)
    assert saved.tasks["a"].start == datetime(2025, 3, 3, 9, 0)
    assert saved.tasks["a"].finish == datetime(2025, 3, 3, 18, 0)
    assert saved.tasks["a"].duration == 480


# -- calendars -----------------------------------------------------------------------------------


def test_calendars_weeks_inheritance_exceptions_and_working_days() -> None:
    """A derived calendar overrides whole weekdays, inherits the rest and the exceptions."""
    plan = plan_from_data(
        base(
            calendars={
                "office": {
                    "week": {"mon-thu": ["08:00-12:00", "12:30-16:30"], "fri": ["08:00-12:00"]},
                    "exceptions": [
                        {"date": "2025-03-05", "name": "Strike"},
                        {"from": "2025-03-10", "to": "2025-03-11", "hours": ["10:00-12:00"]},
                    ],
                    "working_days": [{"date": "2025-03-08"}, {"date": "2025-03-09", "hours": []}],
                },
                "weekend-crew": {"base": "office", "week": {"sat-sun": ["10:00-14:00"]}},
            },
            tasks=[{"id": "a", "duration": "1d", "calendar": "weekend-crew"}],
        )
    )
    office = plan.network.calendars["office"]
    crew = plan.network.calendars["weekend-crew"]
    assert office.working_periods(date(2025, 3, 3)) == ((480, 720), (750, 990))
    assert office.working_periods(date(2025, 3, 7)) == ((480, 720),)
    assert not office.is_working_day(date(2025, 3, 5))
    assert office.working_periods(date(2025, 3, 11)) == ((600, 720),)
    assert office.working_periods(date(2025, 3, 8)) == ((480, 720), (750, 990))
    assert not office.is_working_day(date(2025, 3, 9))
    assert crew.working_periods(date(2025, 3, 15)) == ((600, 840),)
    assert crew.working_periods(date(2025, 3, 3)) == ((480, 720), (750, 990))
    assert not crew.is_working_day(date(2025, 3, 5))
    assert plan.network.tasks[0].calendar == "weekend-crew"


def test_national_holidays_with_and_without_adjusted_working_days() -> None:
    """`holidays: CN` closes public holidays and opens China's 调休 weekend days, unless
    adjusted_working_days is false."""
    plan = plan_from_data(
        base(
            calendars={
                "cn": {"holidays": "CN"},
                "cn-plain": {"holidays": {"country": "CN", "adjusted_working_days": False}},
                "us": {"holidays": {"country": "US", "subdivision": "CA"}},
            }
        )
    )
    cn, plain, us = (plan.network.calendars[n] for n in ("cn", "cn-plain", "us"))
    assert not cn.is_working_day(date(2025, 10, 1))
    assert cn.is_working_day(date(2025, 9, 28))  # Sunday worked before National Day
    assert not plain.is_working_day(date(2025, 9, 28))
    assert not plain.is_working_day(date(2025, 10, 1))
    assert not us.is_working_day(date(2025, 7, 4))


# -- errors --------------------------------------------------------------------------------------


def _error(data: Any) -> str:
    with pytest.raises(PlanError) as info:
        plan_from_data(data)
    return info.value.message


def _bad_task(**fields: Any) -> dict[str, Any]:
    return tasks({"id": "a", "duration": "1d"}, {"id": "b", **fields})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            tasks(
                {"id": "x", "duration": "1d"},
                {"id": "y", "duration": "1d"},
                {"id": "p", "children": [{"id": "q", "duration": "3x"}]},
            ),
            "tasks[2].children[0].duration: '3x' is not a duration like 3d, 4h, 90m",
        ),
        (
            base(project={"name": "x", "start": "2025-03-03", "colour": "red"}),
            "project: unknown key 'colour' (allowed: calendar, days_per_month, days_per_week, "
            "hours_per_day, name, start, status_date)",
        ),
        (base(extra=1), "(top level): unknown key 'extra'"),
        (tasks({"name": "no id", "duration": "1d"}), "tasks[0]: missing required key 'id'"),
        (base(project={"name": "x"}), "project: missing required key 'start'"),
        (
            base(project={"name": "x", "start": "March 3"}),
            "project.start: 'March 3' is not a date like 2025-03-03 or 2025-03-03T09:00",
        ),
        (
            base(project={"name": "x", "start": "2025-02-30"}),
            "project.start: '2025-02-30' is not a real date",
        ),
        (
            _bad_task(duration="1d", depends=[{"task": "a", "type": "XX"}]),
            "tasks[1].depends[0].type: 'XX' is not one of FS, SS, FF, SF",
        ),
        (
            _bad_task(duration="1d", depends=[{"task": "a", "lag": "2q"}]),
            "tasks[1].depends[0].lag: '2q' is not a lag like 2d, -4h or 50%",
        ),
        (
            _bad_task(duration="1d", depends=[{"task": "a", "lag": "2ed"}]),
            "tasks[1].depends[0].lag: '2ed': elapsed lags are not supported",
        ),
        (_bad_task(duration=3), "tasks[1].duration: 3 is not a duration like 3d, 4h, 90m"),
        (_bad_task(duration="1d", after=["zz"]), "tasks[1].after[0]: no task with id 'zz'"),
        (
            _bad_task(duration="1d", after="b"),
            "tasks[1].after[0]: task 'b' cannot depend on itself",
        ),
        (
            _bad_task(duration="1d", after="a", depends=[{"task": "a"}]),
            "tasks[1].depends[0]: 'b' already depends on 'a' (tasks[1].after[0])",
        ),
        (_bad_task(), "tasks[1]: task 'b' needs a duration or 'milestone: true'"),
        (
            _bad_task(milestone=True, duration="1d"),
            "tasks[1].duration: a milestone has no duration (got '1d')",
        ),
        (
            tasks({"id": "a", "duration": "1d", "children": [{"id": "b", "duration": "1d"}]}),
            "tasks[0].duration: 'a' has children, so it is a summary task whose duration is "
            "computed; remove the duration",
        ),
        (
            tasks({"id": "a", "duration": "1d"}, {"id": "a", "duration": "2d"}),
            "tasks[1].id: 'a' is used twice (first at tasks[0])",
        ),
        (_bad_task(duration="1d", calendar="moon"), "tasks[1].calendar: no calendar named 'moon'"),
        (
            base(project={"name": "x", "start": "2025-03-03", "calendar": "moon"}),
            "project.calendar: no calendar named 'moon'",
        ),
        (
            base(calendars={"c": {"base": "moon"}}),
            "calendars.c.base: no calendar named 'moon'",
        ),
        (
            _bad_task(duration="1d", constraint={"type": "SNET"}),
            "tasks[1].constraint: SNET needs a date",
        ),
        (
            _bad_task(duration="1d", constraint={"type": "ASAP", "date": "2025-03-03"}),
            "tasks[1].constraint.date: ASAP takes no date",
        ),
        (
            _bad_task(
                duration="1d",
                progress={"actual_start": "2025-03-05", "actual_finish": "2025-03-04"},
            ),
            "tasks[1].progress.actual_finish: before actual_start",
        ),
        (
            _bad_task(duration="1d", progress={"actual_finish": "2025-03-04"}),
            "tasks[1].progress: actual_finish needs an actual_start",
        ),
        (
            _bad_task(duration="1d", progress={"percent": 150}),
            "tasks[1].progress.percent: 150 is greater than the maximum of 100",
        ),
        (
            base(
                baselines=[
                    {"name": "B", "tasks": {"zz": {"start": "2025-03-03", "finish": "2025-03-04"}}}
                ]
            ),
            "baselines[0].tasks.zz: no task with id 'zz'",
        ),
        (
            base(
                baselines=[
                    {"name": "B", "tasks": {}},
                    {"name": "B", "tasks": {}},
                ]
            ),
            "baselines[1].name: a baseline named 'B' already exists",
        ),
        (
            base(calendars={"c": {"week": {"mon": ["18:00-09:00"]}}}),
            "calendars.c.week.mon[0]: '18:00-09:00' must end after it starts, within one day",
        ),
        (
            base(calendars={"c": {"week": {"mon": ["09:00-12:00", "11:00-13:00"]}}}),
            "calendars.c.week.mon: time ranges overlap",
        ),
        (
            base(calendars={"c": {"week": {"mon": [540]}}}),
            "calendars.c.week.mon[0]: 540 is not a time range like '09:00-12:00' (quote it)",
        ),
        (
            base(calendars={"c": {"week": {"funday": []}}}),
            "calendars.c.week: 'funday' is not a weekday like mon or a range like mon-fri",
        ),
        (
            base(calendars={"c": {"holidays": "XX"}}),
            "calendars.c.holidays: no holiday list for country 'XX'",
        ),
        (
            base(calendars={"c": {"exceptions": [{"date": "2025-03-03", "from": "2025-03-04"}]}}),
            "calendars.c.exceptions[0]: give either 'date' or 'from'/'to', not both",
        ),
        (
            base(calendars={"c": {"exceptions": [{"from": "2025-03-04"}]}}),
            "calendars.c.exceptions[0]: needs 'date', or both 'from' and 'to'",
        ),
        (
            base(calendars={"c": {"exceptions": [{"from": "2025-03-04", "to": "2025-03-01"}]}}),
            "calendars.c.exceptions[0].to: 2025-03-01 is before 'from' (2025-03-04)",
        ),
        (
            base(calendars={"c": {"week": {"mon-sun": []}}}),
            "calendars.c: Calendar 'c' has no working time at all",
        ),
        (
            base(resources=[{"id": "r"}, {"id": "r"}]),
            "resources[1].id: 'r' is used twice",
        ),
        (
            base(resources=[{"id": "r", "calendar": "moon"}]),
            "resources[0].calendar: no calendar named 'moon'",
        ),
        ("just text", "the plan must be a mapping with 'project' and 'tasks' keys"),
        (base(tasks=[]), "tasks: needs at least one entry"),
    ],
)
def test_bad_input_gets_a_message_naming_the_place(data: Any, message: str) -> None:
    """Each broken rule is reported with the path of the offending value."""
    assert message in _error(copy.deepcopy(data))


def test_base_calendars_in_a_loop_are_named() -> None:
    """Calendars that inherit from each other in a circle raise a cycle error naming them."""
    with pytest.raises(CycleError) as info:
        plan_from_data(base(calendars={"x": {"base": "y"}, "y": {"base": "x"}}))
    assert "x → y → x" in info.value.message


def test_all_schema_errors_are_listed_at_once() -> None:
    """Several mistakes are reported together, one line each, not just the first."""
    data = tasks({"id": "a", "duration": "3x"}, {"id": "b", "duration": "1d", "colour": 1})
    lines = _error(data).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("tasks[0].duration")
    assert lines[1].startswith("tasks[1]: unknown key 'colour'")


def test_yaml_syntax_errors_name_file_line_and_column(tmp_path: Path) -> None:
    """A file that is not YAML is reported with its name, line and column."""
    path = tmp_path / "broken.yaml"
    path.write_text("project:\n  name: [unclosed\ntasks: []\n")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert info.value.message.startswith(f"{path}:3:")
    assert "not valid YAML" in info.value.message


def test_missing_file_is_reported(tmp_path: Path) -> None:
    """An unreadable path gives a message naming it."""
    with pytest.raises(PlanError, match="cannot read the plan file"):
        load_plan(tmp_path / "nope.yaml")


def test_unquoted_yaml_dates_and_times_are_read_as_written() -> None:
    """YAML dates are not turned into timestamps or sexagesimal numbers behind the user's back."""
    plan = loads_plan(
        "project: {name: x, start: 2025-03-03T10:30}\n"
        "tasks:\n  - {id: a, duration: 1d, deadline: 2025-03-04 17:00}\n"
    )
    assert plan.network.start == datetime(2025, 3, 3, 10, 30)
    assert plan.network.tasks[0].deadline == datetime(2025, 3, 4, 17, 0)
