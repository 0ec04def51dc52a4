"""Schemas of the project calendar endpoints."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

__all__ = ["CalendarExceptionSchema", "CalendarIn", "CalendarOut"]


class CalendarExceptionSchema(Schema):
    start: date
    finish: date | None = Field(None, description="Last day (inclusive); the start when empty.")
    working: bool = Field(False, description="True: worked (e.g. a 调休 weekend); False: off.")
    name: str = ""
    hours: list[list[str]] = Field(
        default_factory=list,
        description='A working exception\'s own hours, e.g. [["09:00", "12:00"]]; '
        "empty: the calendar's hours.",
    )


class CalendarIn(Schema):
    version: int | None = Field(
        None, description="The version read (0 for a project on the standard calendar)."
    )
    country: str = Field("", description="Public holidays of this country (ISO code); empty: none.")
    workdays: str = Field("12345", description="ISO weekday digits, 1 = Monday ... 7 = Sunday.")
    hours: list[list[str]] = Field(
        default_factory=lambda: [["09:00", "12:00"], ["13:00", "18:00"]],
        description='Working periods of every working day, e.g. [["09:00", "12:00"]].',
    )
    exceptions: list[CalendarExceptionSchema] = Field(default_factory=list)


class CalendarOut(Schema):
    version: int
    standard: bool = Field(description="True while the project has no calendar of its own.")
    country: str
    workdays: str
    hours: list[list[str]]
    exceptions: list[CalendarExceptionSchema]
