"""Working calendars: hours with a lunch break, holidays, inheritance, China's 调休 days."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keel.domain.errors import CalendarError
from keel.domain.schedule import WorkingCalendar, holiday_calendar, standard_calendar
from keel.domain.schedule.calendar import axis_for, to_minutes

# 2025-03-03 is a Monday; the standard day is 09:00-12:00 and 13:00-18:00 (480 minutes).
MON, TUE, WED, THU, FRI, SAT = (datetime(2025, 3, d) for d in (3, 4, 5, 6, 7, 8))
MONDAY_NEXT = datetime(2025, 3, 10)


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute)


ADD_CASES = [
    # start, working minutes, expected instant, why
    (at(MON, 9), 60, at(MON, 10), "inside the morning"),
    (at(MON, 11), 120, at(MON, 14), "the lunch hour does not count"),
    (at(MON, 9), 180, at(MON, 12), "a finish sits at the end of the morning, not after lunch"),
    (at(MON, 9), 480, at(MON, 18), "a full day ends at 18:00 the same day"),
    (at(FRI, 17), 120, at(MONDAY_NEXT, 10), "the weekend is skipped"),
    (at(SAT, 10), 60, at(MONDAY_NEXT, 10), "counting from a non-working instant starts Monday"),
    (at(MON, 12, 30), 30, at(MON, 13, 30), "counting from lunch starts at 13:00"),
    (at(MON, 10), -60, at(MON, 9), "a negative amount counts backwards"),
    (at(MONDAY_NEXT, 10), -120, at(FRI, 17), "backwards over the weekend"),
    (at(MON, 14), -120, at(MON, 11), "backwards over lunch"),
    (at(SAT, 10), 0, at(SAT, 10), "adding nothing leaves the instant alone"),
]


@pytest.mark.parametrize(("start", "minutes", "expected", "why"), ADD_CASES)
def test_add_working_minutes(start, minutes, expected, why):
    """Adding working minutes skips lunch, nights and weekends."""
    assert standard_calendar().add_working_minutes(start, minutes) == expected, why


BETWEEN_CASES = [
    (at(MON, 9), at(MON, 18), 480),
    (at(MON, 9), at(MONDAY_NEXT, 9), 2400),
    (at(FRI, 17), at(MONDAY_NEXT, 10), 120),
    (at(MON, 11, 30), at(MON, 13, 30), 60),
    (at(MON, 18), at(MON, 9), -480),
    (at(SAT, 8), at(SAT, 20), 0),
]


@pytest.mark.parametrize(("start", "finish", "expected"), BETWEEN_CASES)
def test_working_minutes_between(start, finish, expected):
    """Counting working minutes between two instants ignores non-working time."""
    assert standard_calendar().working_minutes_between(start, finish) == expected


NEXT_CASES = [
    (at(MON, 10), at(MON, 10)),
    (at(MON, 8), at(MON, 9)),
    (at(MON, 12, 30), at(MON, 13)),
    (at(MON, 18), at(TUE, 9)),
    (at(SAT, 10), at(MONDAY_NEXT, 9)),
]


@pytest.mark.parametrize(("instant", "expected"), NEXT_CASES)
def test_next_working_instant(instant, expected):
    """The next working instant is the instant itself during work, else the next period."""
    assert standard_calendar().next_working_instant(instant) == expected


def test_previous_working_instant_steps_back_to_the_end_of_a_period():
    """Outside working time the previous working instant is the end of the last period."""
    cal = standard_calendar()
    assert cal.previous_working_instant(at(SAT, 10)) == at(FRI, 18)
    assert cal.previous_working_instant(at(MON, 12, 30)) == at(MON, 12)


def test_holiday_and_adjusted_working_day():
    """A holiday is skipped; an extra Saturday with morning hours is counted."""
    cal = WorkingCalendar(
        "site",
        exceptions={WED.date(): (), SAT.date(): ((540, 720),)},
        base=standard_calendar(),
    )
    assert cal.add_working_minutes(at(TUE, 17), 120) == at(THU, 10)
    assert cal.add_working_minutes(at(FRI, 17), 120) == at(SAT, 10)
    assert cal.add_working_minutes(at(FRI, 17), 300) == at(MONDAY_NEXT, 10)
    assert not cal.is_working_day(WED.date())
    assert cal.is_working_day(SAT.date())


def test_inherited_calendar_overrides_its_base():
    """Own exceptions beat the base's, the base's exceptions beat the weekly hours."""
    base = WorkingCalendar(
        "company", week=None, exceptions={WED.date(): (), THU.date(): ()}, base=None
    )
    early = ((480, 960),)
    crew = WorkingCalendar(
        "crew",
        week=(early,) * 4 + ((), (), ()),
        exceptions={THU.date(): ((480, 720),), TUE.date(): ()},
        base=base,
    )
    assert crew.working_periods(MON.date()) == early  # own week
    assert crew.working_periods(TUE.date()) == ()  # own exception
    assert crew.working_periods(WED.date()) == ()  # base holiday still applies
    assert crew.working_periods(THU.date()) == ((480, 720),)  # own exception wins
    assert crew.working_periods(FRI.date()) == ()  # own week has no Friday
    assert base.working_periods(FRI.date()) == ((540, 720), (780, 1080))  # standard week


def test_arithmetic_far_outside_the_first_compiled_years():
    """The compiled axis grows on demand, in both directions."""
    cal = standard_calendar()
    # 1990-03-07 is a Wednesday, 2101-02-18 is a Friday.
    assert cal.add_working_minutes(datetime(1990, 3, 7, 17), 120) == datetime(1990, 3, 8, 10)
    assert cal.add_working_minutes(datetime(2101, 2, 18, 17), 120) == datetime(2101, 2, 21, 10)
    assert cal.working_minutes_between(datetime(1990, 1, 1), datetime(1990, 1, 8)) == 2400


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Spring Festival 2025: 28 January to 4 February off.
        (date(2025, 1, 27), True),
        (date(2025, 1, 28), False),
        (date(2025, 1, 29), False),
        (date(2025, 2, 3), False),
        (date(2025, 2, 4), False),
        (date(2025, 2, 5), True),
        # 调休 2025: weekend days that are working days.
        (date(2025, 1, 26), True),  # Sunday
        (date(2025, 2, 8), True),  # Saturday
        (date(2025, 4, 27), True),  # Sunday
        (date(2025, 9, 28), True),  # Sunday
        (date(2025, 10, 11), True),  # Saturday
        (date(2025, 2, 9), False),  # an ordinary Sunday stays off
        # National Day 2025
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),
        (date(2025, 10, 9), True),
        # Spring Festival 2026: 15 to 23 February off.
        (date(2026, 2, 16), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), False),
        (date(2026, 2, 24), True),
        # 调休 2026
        (date(2026, 1, 4), True),  # Sunday
        (date(2026, 2, 14), True),  # Saturday
        (date(2026, 2, 28), True),  # Saturday
        (date(2026, 5, 9), True),  # Saturday
        (date(2026, 9, 20), True),  # Sunday
        (date(2026, 10, 10), True),  # Saturday
    ],
)
def test_china_statutory_holidays_and_adjusted_working_days(day, working):
    """Mainland China's calendar has the Spring Festival off and works the 调休 weekends."""
    cal = holiday_calendar("CN", years=[2025, 2026])
    assert cal.is_working_day(day) is working


def test_china_adjusted_sunday_is_counted_in_durations():
    """A day of work after Friday 24 January 2025 lands on the 调休 Sunday, 26 January."""
    cal = holiday_calendar("CN", years=2025)
    assert cal.add_working_minutes(datetime(2025, 1, 24, 18), 480) == datetime(2025, 1, 26, 18)
    # Only Monday 27 January works between the two Spring Festival weekends.
    assert cal.working_minutes_between(datetime(2025, 1, 27, 9), datetime(2025, 2, 5, 9)) == 480


def test_holiday_calendar_with_subdivision_and_base():
    """A subdivision adds its own holidays; the base calendar supplies the hours."""
    bavaria = holiday_calendar("DE", subdiv="BY", years=2025, base=standard_calendar())
    berlin = holiday_calendar("DE", subdiv="BE", years=2025)
    assert not bavaria.is_working_day(date(2025, 1, 6))  # Epiphany is a Bavarian holiday
    assert berlin.is_working_day(date(2025, 1, 6))
    assert bavaria.working_periods(date(2025, 1, 7)) == ((540, 720), (780, 1080))


def test_unknown_country_is_refused():
    """An unknown country code gets a clear CalendarError."""
    with pytest.raises(CalendarError, match="No holiday rules"):
        holiday_calendar("XX", years=2025)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"week": ((),) * 7}, "no working time at all"),
        ({"week": ((),) * 6}, "7 weekdays"),
        ({"week": (((600, 540),),) + ((),) * 6}, "end after it starts"),
        ({"week": (((540, 720), (700, 800)),) + ((),) * 6}, "must not overlap"),
        ({"exceptions": {date(2025, 1, 1): ((0, 1500),)}}, "within one day"),
    ],
)
def test_bad_calendars_are_refused(kwargs, message):
    """A calendar with no working time or malformed hours raises CalendarError."""
    with pytest.raises(CalendarError, match=message):
        WorkingCalendar("bad", **kwargs)


def test_calendar_with_only_exception_hours_is_usable_until_they_run_out():
    """Exception-only working time is accepted; asking beyond it is a clear error."""
    cal = WorkingCalendar("one-day", week=((),) * 7, exceptions={MON.date(): ((540, 600),)})
    assert cal.add_working_minutes(at(MON, 9), 60) == at(MON, 10)
    with pytest.raises(CalendarError, match="no more working time"):
        cal.add_working_minutes(at(MON, 9), 120)


def test_compiled_axis_offsets_agree_with_scalar_arithmetic():
    """The vectorised offset lookup gives the same answers as the scalar one."""
    import numpy as np

    axis = axis_for(holiday_calendar("CN", years=[2025, 2026]))
    instants = [to_minutes(datetime(2025, 1, 20)) + 37 * k for k in range(2000)]
    vector = axis.offsets(np.asarray(instants, dtype=np.int64)).tolist()
    assert vector == [axis.offset(m) for m in instants]


@st.composite
def weeks(draw):
    """Seven days of working periods: none, a few, many (more than the look-up tables take),
    or the whole day, so periods also run on through midnight."""
    week = []
    for _ in range(7):
        kind = draw(st.sampled_from(["off", "few", "many", "all"]))
        if kind == "off":
            week.append(())
        elif kind == "all":
            week.append(((0, 1440),))
        else:
            size = 4 if kind == "few" else 24
            cuts = sorted(draw(st.sets(st.integers(0, 1440), min_size=2, max_size=size)))
            week.append(tuple(zip(cuts[0::2], cuts[1::2], strict=False)))
    if not any(week):
        week[0] = ((540, 1080),)
    return tuple(week)


@settings(max_examples=60, deadline=None)
@given(weeks(), st.lists(st.integers(0, 3 * 366 * 1440), min_size=1, max_size=40))
def test_vectorised_axis_arithmetic_agrees_with_scalar_arithmetic(week, moments):
    """The table look-ups behind the vectorised offset, start and finish give exactly the
    scalar answers, whatever the calendar's periods."""
    import numpy as np

    from keel.domain.schedule.calendar import TimeAxis

    first = date(2025, 1, 1).toordinal()
    axis = TimeAxis(WorkingCalendar("random", week=week), first, first + 365)
    instants = [to_minutes(datetime(2024, 6, 1)) + m for m in moments]
    offsets = axis.offsets(np.asarray(instants, dtype=np.int64)).tolist()
    assert offsets == [axis.offset(m) for m in instants]
    work = np.asarray(offsets, dtype=np.int64)
    assert axis.starts_at(work).tolist() == [axis.at_start(w) for w in offsets]
    assert axis.finishes_at(work).tolist() == [axis.at_finish(w) for w in offsets]


def test_threads_scheduling_far_apart_in_time_get_consistent_answers():
    """Threads that grow a calendar's compiled axis at once still get exact arithmetic."""
    from concurrent.futures import ThreadPoolExecutor

    cal = WorkingCalendar("threads", week=(((540, 1080),),) * 5 + ((), ()))

    def work(year: int) -> bool:
        # 18 hours after Friday 17:00 (9-hour days) is Tuesday 17:00, in any year.
        friday = next(
            datetime(year, 6, d, 17) for d in range(1, 8) if date(year, 6, d).weekday() == 4
        )
        return cal.add_working_minutes(friday, 1080) == friday + timedelta(days=4)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, [1950, 2150, 1900, 2200, 2000, 2100] * 3))
    assert all(results)
    assert len(results) == 18


CN_2025 = holiday_calendar("CN", years=[2024, 2025, 2026])


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2024, 6, 1), max_value=datetime(2026, 6, 1)),
    st.integers(min_value=-20_000, max_value=20_000),
    st.sampled_from([standard_calendar(), CN_2025]),
)
def test_adding_working_minutes_is_measured_back_exactly(start, minutes, cal):
    """Whatever the instant and amount, counting back to the result gives the same minutes,
    and the result is the end (adding) or start (subtracting) of a working minute."""
    start = start.replace(second=0, microsecond=0)
    result = cal.add_working_minutes(start, minutes)
    assert cal.working_minutes_between(start, result) == minutes
    if minutes > 0:  # the end of a working minute
        assert cal.previous_working_instant(result) == result
    elif minutes < 0:  # the start of a working minute
        assert cal.next_working_instant(result) == result
