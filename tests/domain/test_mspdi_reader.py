"""The MSPDI reader sees what an independent reader (MPXJ) sees in the same files, and refuses
unsafe or foreign XML with a clear message."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from keel.domain.errors import PlanError
from keel.domain.schedule.calendar import WorkingCalendar
from keel.domain.schedule.model import ConstraintType
from keel.interchange.mspdi import mspdi_network, parse_duration, read_mspdi

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
FILES = sorted(
    p
    for p in (DATA / "mspdi").glob("*.xml")
    if (DATA / "expected" / f"{p.name}.json").exists() and p.read_bytes().find(b"<Project") < 200
)
_CONSTRAINTS = {
    "AS_SOON_AS_POSSIBLE": ConstraintType.ASAP,
    "AS_LATE_AS_POSSIBLE": ConstraintType.ALAP,
    "START_NO_EARLIER_THAN": ConstraintType.SNET,
    "START_NO_LATER_THAN": ConstraintType.SNLT,
    "FINISH_NO_EARLIER_THAN": ConstraintType.FNET,
    "FINISH_NO_LATER_THAN": ConstraintType.FNLT,
    "MUST_START_ON": ConstraintType.MSO,
    "MUST_FINISH_ON": ConstraintType.MFO,
}


def minutes(value: dict[str, object], per_day: float, per_week: float, days_month: int) -> int:
    units = {
        "m": 1,
        "h": 60,
        "d": per_day,
        "w": per_week,
        "mo": per_day * days_month,
        "em": 1,
        "eh": 60,
        "ed": 1440,
        "ew": 10080,
        "emo": 43200,
    }
    return round(float(value["value"]) * units[str(value["units"])])  # type: ignore[arg-type]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reader_agrees_with_mpxj_on_structure(path: Path) -> None:
    """Outline parents, summary and milestone flags, durations, constraints and links with
    their type and lag are read as the independent reader reads them."""
    expected = json.loads((DATA / "expected" / f"{path.name}.json").read_text())
    project = read_mspdi(path)
    imported = mspdi_network(project)
    per_day = expected["project"]["minutes_per_day"] or 480
    per_week = expected["project"]["minutes_per_week"] or 2400
    tasks = {t.id: t for t in imported.network.tasks}
    stored = {t.uid: t for t in project.tasks}
    links = {(d.predecessor, d.successor): d for d in imported.network.dependencies}
    for item in expected["tasks"]:
        if item["uid"] == 0 or item["null_task"]:
            continue
        tid = str(item["uid"])
        task = tasks[tid]
        parent = item["parent_uid"]
        assert task.parent == (None if parent in (0, None) else str(parent)), tid
        assert stored[item["uid"]].summary == item["summary"], tid
        assert stored[item["uid"]].milestone == item["milestone"], tid
        if item["duration"] and not item["summary"]:
            want = minutes(item["duration"], per_day, per_week, 20)
            assert abs(task.duration - want) <= 1, tid
        if item["constraint_type"]:
            assert task.constraint.type is _CONSTRAINTS[item["constraint_type"]], tid
        for pred in item["predecessors"]:
            link = links[str(pred["uid"]), tid]
            assert link.type.value == pred["type"]
            assert link.lag == minutes(pred["lag"], per_day, per_week, 20)


def test_calendars_keep_work_weeks_and_dated_exceptions() -> None:
    """Each calendar's weekly hours and its dated exceptions (holidays) are read."""
    path = DATA / "mspdi" / "mpxj_calendar-recurring-exceptions-project2016-mspdi.xml"
    imported = mspdi_network(read_mspdi(path))
    calendar = imported.network.calendars[imported.network.calendar]
    assert isinstance(calendar, WorkingCalendar)
    assert calendar.working_periods(date(2017, 10, 23)) == ((480, 720), (780, 1020))
    assert not calendar.is_working_day(date(2000, 1, 2))  # "Daily 1", three days from 1 Jan
    assert not calendar.is_working_day(date(2000, 2, 4))  # "Daily 2", every third day
    assert calendar.is_working_day(date(2000, 2, 3))


def test_night_shift_calendar_runs_past_midnight() -> None:
    """A working time ending at 00:00 means midnight, so night shifts read correctly."""
    project = read_mspdi(DATA / "mspdi" / "mpxj_sample.xml")
    night = next(c for c in project.calendars.values() if c.name == "Night Shift")
    assert night.week[0] == ((1380, 1440),)
    assert night.week[1] == ((0, 180), (240, 480), (1380, 1440))


def test_baselines_are_read_per_task() -> None:
    """Saved baselines (Baseline1 … Baseline10) keep each task's dates and duration."""
    path = DATA / "mspdi" / "mpxj_baselines.xml"
    expected = json.loads((DATA / "expected" / f"{path.name}.json").read_text())
    imported = mspdi_network(read_mspdi(path))
    per_day = expected["project"]["minutes_per_day"]
    compared = 0
    for item in expected["tasks"]:
        for number, saved in item["baselines"].items():
            name = "Baseline" if number == "0" else f"Baseline{number}"
            mine = imported.baselines[name].tasks[str(item["uid"])]
            assert mine.start == datetime.fromisoformat(saved["start"])
            assert mine.finish == datetime.fromisoformat(saved["finish"])
            assert mine.duration == minutes(saved["duration"], per_day, per_day * 5, 20)
            compared += 1
    assert compared == 10


@pytest.mark.parametrize(
    ("text", "value"), [("PT8H0M0S", 480), ("PT57H8M24S", 3428), ("P1DT2H0M0S", 1560), ("", 0)]
)
def test_iso_durations(text: str, value: int) -> None:
    """MSPDI's ISO 8601 durations become whole minutes."""
    assert parse_duration(text) == value


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<Project><Name>x</Name>", "cannot read Microsoft Project XML"),
        (b"<Schedule/>", "not a Microsoft Project XML file"),
        (b"<Project><Name>x</Name></Project>", "has no <StartDate>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e "boom">]><Project>&e;</Project>',
            "unsafe or invalid Microsoft Project XML",
        ),
    ],
)
def test_bad_files_are_refused_with_a_message(content: bytes, message: str) -> None:
    """Broken, foreign and entity-laden XML is refused, never expanded."""
    with pytest.raises(PlanError, match=message):
        read_mspdi(content)


WORK_WEEKS = b"""<?xml version="1.0"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <StartDate>2025-03-03T08:00:00</StartDate><CalendarUID>1</CalendarUID>
  <Calendars><Calendar><UID>1</UID><Name>Site</Name><BaseCalendarUID>-1</BaseCalendarUID>
    <WeekDays>
      <WeekDay><DayType>1</DayType><DayWorking>0</DayWorking></WeekDay>
      <WeekDay><DayType>2</DayType><DayWorking>1</DayWorking><WorkingTimes>
        <WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime>
        <WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime>
      </WorkingTimes></WeekDay>
      <WeekDay><DayType>7</DayType><DayWorking>0</DayWorking></WeekDay>
    </WeekDays>
    <Exceptions><Exception>
      <TimePeriod><FromDate>2025-03-12T00:00:00</FromDate><ToDate>2025-03-13T23:59:00</ToDate></TimePeriod>
      <Type>1</Type><DayWorking>0</DayWorking><Name>Closed</Name>
    </Exception></Exceptions>
    <WorkWeeks><WorkWeek>
      <TimePeriod><FromDate>2025-03-10T00:00:00</FromDate><ToDate>2025-03-16T23:59:00</ToDate></TimePeriod>
      <Name>Summer hours</Name>
      <WeekDays><WeekDay><DayType>2</DayType><DayWorking>1</DayWorking><WorkingTimes>
        <WorkingTime><FromTime>07:00:00</FromTime><ToTime>13:00:00</ToTime></WorkingTime>
      </WorkingTimes></WeekDay>
      <WeekDay><DayType>7</DayType><DayWorking>1</DayWorking><WorkingTimes>
        <WorkingTime><FromTime>09:00:00</FromTime><ToTime>11:00:00</ToTime></WorkingTime>
      </WorkingTimes></WeekDay></WeekDays>
    </WorkWeek></WorkWeeks>
  </Calendar></Calendars>
  <Tasks><Task><UID>1</UID><ID>1</ID><Name>A</Name><OutlineLevel>1</OutlineLevel>
    <Duration>PT8H0M0S</Duration><DurationFormat>7</DurationFormat></Task></Tasks>
</Project>
"""


def test_work_weeks_and_exceptions_of_project_2007_files() -> None:
    """Work weeks change the weekly hours for their dates; dated exceptions still win."""
    imported = mspdi_network(read_mspdi(WORK_WEEKS))
    site = imported.network.calendars["1"]
    assert isinstance(site, WorkingCalendar)
    assert site.working_periods(date(2025, 3, 3)) == ((480, 720), (780, 1020))
    assert site.working_periods(date(2025, 3, 10)) == ((420, 780),)  # Monday in the work week
    assert site.working_periods(date(2025, 3, 15)) == ((540, 660),)  # Saturday in it
    assert not site.is_working_day(date(2025, 3, 8))  # Saturday outside it
    assert not site.is_working_day(date(2025, 3, 12))  # the exception
    assert not site.is_working_day(date(2025, 3, 13))
