"""Resource pool, rates, assignments (effort-driven), requests and levelling storage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from tests.factories import PortfolioMembershipFactory, UserFactory, item_create

from keel.apps.resources import selectors, services
from keel.apps.resources.models import (
    Assignment,
    CostRate,
    LevellingDelay,
    RequestStatus,
    Resource,
    ResourceRequest,
)
from keel.apps.work.scheduling import schedule_store
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db


def _fields(err: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(err.value.details["fields"])


def test_pool_is_managed_by_staff_and_pmo_admins(staff, project):
    """Staff and portfolio PMO admins add resources; a project manager alone may not."""
    person = services.resource_create(actor=staff, name="Ana", kind="person")
    assert person.owner == staff and person.capacity == Decimal("8")
    pmo = UserFactory()
    PortfolioMembershipFactory(portfolio=project.portfolio, user=pmo, role="pmo_admin")
    assert services.resource_create(actor=pmo, name="Crane", kind="equipment").kind == "equipment"
    with pytest.raises(PermissionDenied):
        services.resource_create(actor=project.manager, name="Bob", kind="person")
    assert Resource.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"max_units": "-1"}, "max_units"),
        ({"workdays": "89"}, "workdays"),
        ({"calendar_country": "XX"}, "calendar_country"),
    ],
)
def test_bad_resource_fields_are_refused_by_name(staff, fields, field):
    """Each bad field is named in the error, and no resource is saved."""
    with pytest.raises(ValidationError) as err:
        services.resource_create(actor=staff, name="Bad", kind="person", **fields)
    assert field in _fields(err)
    assert not Resource.objects.exists()


def test_overlapping_rate_dates_are_refused(staff):
    """A rate overlapping an explicit range, or starting the same day, is refused; an open rate
    runs until the next one, and the rate in force is found by date."""
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    services.cost_rate_create(
        actor=staff, resource=ana, effective_from=date(2026, 1, 1),
        effective_to=date(2026, 6, 30), standard="80",
    )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        services.cost_rate_create(
            actor=staff, resource=ana, effective_from=date(2026, 6, 1), standard="90"
        )
    assert "effective_from" in _fields(err)
    with pytest.raises(ValidationError):
        services.cost_rate_create(
            actor=staff, resource=ana, effective_from=date(2026, 1, 1), standard="90"
        )
    services.cost_rate_create(
        actor=staff, resource=ana, effective_from=date(2026, 7, 1), standard="95"
    )
    assert CostRate.objects.count() == 2
    assert selectors.cost_rate_get(ana, date(2026, 3, 1)).standard == Decimal("80")
    assert selectors.cost_rate_get(ana, date(2027, 3, 1)).standard == Decimal("95")
    assert selectors.cost_rate_get(ana, date(2025, 3, 1)) is None


def test_cost_rate_for_user_reads_the_linked_person(staff):
    """Finance asks for a user's hourly rate on a date; people without a resource get None."""
    worker = UserFactory()
    ana = services.resource_create(actor=staff, name="Ana", kind="person", user=worker)
    services.cost_rate_create(
        actor=staff, resource=ana, effective_from=date(2026, 1, 1), standard="72.50"
    )
    assert selectors.cost_rate_for_user(worker, date(2026, 5, 1)) == Decimal("72.50")
    assert selectors.cost_rate_for_user(worker, date(2025, 5, 1)) is None
    assert selectors.cost_rate_for_user(staff, date(2026, 5, 1)) is None


def test_units_give_work_from_duration(staff, planned):
    """Effort-driven: 50 % on a 4-day task is 16 hours of work; the duration stays."""
    item = item_create(planned, "Build", duration_days=Decimal("4"), planned_start=date(2026, 3, 2))
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    row = services.assignment_create(actor=planned.manager, item=item, resource=ana, units="0.5")
    assert (row.units, row.work) == (Decimal("0.50"), Decimal("16.00"))
    item.refresh_from_db()
    assert item.duration_days == Decimal("4.00")


def test_work_and_units_set_the_duration(staff, planned):
    """Given 40 hours at 50 %, the item lasts 80 hours: 10 working days."""
    item = item_create(planned, "Build", duration_days=Decimal("2"), planned_start=date(2026, 3, 2))
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    row = services.assignment_create(
        actor=planned.manager, item=item, resource=ana, units="0.5", work_hours="40"
    )
    item.refresh_from_db()
    assert item.duration_days == Decimal("10.00")
    # Doubling the units halves the duration, the work stays.
    row = services.assignment_update(actor=planned.manager, assignment=row, units="1")
    item.refresh_from_db()
    assert row.work == Decimal("40.00") and item.duration_days == Decimal("5.00")


def test_work_alone_gives_units(staff, planned):
    """24 hours on a 6-day (48 h) task is 50 % units."""
    item = item_create(planned, "Build", duration_days=Decimal("6"), planned_start=date(2026, 3, 2))
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    row = services.assignment_create(actor=planned.manager, item=item, resource=ana, work_hours=24)
    assert row.units == Decimal("0.50")


@pytest.mark.parametrize("units", ["0", "-0.5"])
def test_units_must_be_positive(staff, planned, units):
    """Units ≤ 0 are refused with the field named, and nothing is saved."""
    item = item_create(planned, "Build", planned_start=date(2026, 3, 2))
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    with pytest.raises(ValidationError) as err:
        services.assignment_create(actor=planned.manager, item=item, resource=ana, units=units)
    assert "units" in _fields(err)
    assert not Assignment.objects.exists()


def test_material_is_not_assigned_in_hours(staff, planned):
    """Material takes a quantity; hours are refused."""
    item = item_create(planned, "Pour", planned_start=date(2026, 3, 2))
    concrete = services.resource_create(actor=staff, name="Concrete", kind="material", capacity=50)
    with pytest.raises(ValidationError) as err:
        services.assignment_create(
            actor=planned.manager, item=item, resource=concrete, work_hours=8
        )
    assert "work_hours" in _fields(err)
    row = services.assignment_create(
        actor=planned.manager, item=item, resource=concrete, quantity=30
    )
    assert row.work == Decimal("30")


def test_resource_without_working_time_in_the_window_is_refused(staff, planned):
    """A resource on leave for the whole window of the item cannot be assigned to it, and the
    item's duration is left alone."""
    item = item_create(planned, "Build", duration_days=Decimal("2"), planned_start=date(2026, 3, 2))
    schedule_store(planned)
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    services.leave_create(
        actor=staff, resource=ana, start=date(2026, 2, 25), finish=date(2026, 3, 10)
    )
    with pytest.raises(ValidationError) as err:
        services.assignment_create(
            actor=planned.manager, item=item, resource=ana, units=1, work_hours=40
        )
    assert "resource" in _fields(err)
    item.refresh_from_db()
    assert item.duration_days == Decimal("2.00")
    assert not Assignment.objects.exists()


def test_weekend_only_resource_cannot_take_a_weekday_task(staff, planned):
    """Working weekdays count: a Saturday-Sunday resource has no time on a Monday task."""
    item = item_create(planned, "Build", duration_days=Decimal("1"), planned_start=date(2026, 3, 2))
    schedule_store(planned)
    weekend = services.resource_create(actor=staff, name="Weekend", kind="person", workdays="67")
    with pytest.raises(ValidationError):
        services.assignment_create(actor=planned.manager, item=item, resource=weekend)


def test_assigning_needs_resource_assign(staff, planned, member_of):
    """A team member may not assign resources; an outsider does not see the project."""
    item = item_create(planned, "Build", planned_start=date(2026, 3, 2))
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    with pytest.raises(PermissionDenied):
        services.assignment_create(actor=member_of(planned), item=item, resource=ana)
    with pytest.raises(Http404):
        services.assignment_create(actor=UserFactory(), item=item, resource=ana)


def test_placeholder_is_replaced_by_a_named_resource(staff, planned):
    """Replacing a placeholder moves its assignments to the named resource."""
    skill = services.skill_create(actor=staff, name="Python")
    dev = services.resource_create(
        actor=staff, name="Python developer", kind="person", is_placeholder=True, skill=skill
    )
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    item = item_create(planned, "Build", planned_start=date(2026, 3, 2))
    services.assignment_create(actor=planned.manager, item=item, resource=dev)
    assert services.resource_replace(actor=planned.manager, placeholder=dev, resource=ana) == 1
    assert list(Assignment.objects.values_list("resource__name", flat=True)) == ["Ana"]
    assert [r.name for r in selectors.resource_list(skill="Python")] == ["Python developer"]


def test_request_is_approved_by_the_owner_with_history(staff, planned):
    """The PM requests a resource; a stranger may not approve; the owner approves, and the
    history keeps who did what."""
    owner = UserFactory(username="owner")
    ana = services.resource_create(actor=staff, name="Ana", kind="person", owner=owner)
    request = services.request_create(
        actor=planned.manager, project=planned, resource=ana, start=date(2026, 3, 2),
        finish=date(2026, 3, 20), hours=40, note="Need help",
    )  # fmt: skip
    with pytest.raises(Http404):
        services.request_approve(actor=UserFactory(), request=request)
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=planned.manager, request=request)
    services.request_approve(actor=owner, request=request, note="Fine")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    history = [(e.status, e.actor.username, e.note) for e in request.events.all()]
    assert history == [
        ("requested", planned.manager.username, "Need help"),
        ("approved", "owner", "Fine"),
    ]
    with pytest.raises(ValidationError):
        services.request_decline(actor=owner, request=request, note="Changed my mind")


def test_request_by_skill_is_declined_or_cancelled(staff, planned):
    """A skill request is decided by staff; the requester may cancel their own request."""
    skill = services.skill_create(actor=staff, name="Welding")
    first = services.request_create(
        actor=planned.manager, project=planned, skill=skill, start=date(2026, 3, 2),
        finish=date(2026, 3, 6),
    )  # fmt: skip
    services.request_decline(actor=staff, request=first, note="Nobody free")
    second = services.request_create(
        actor=planned.manager, project=planned, skill=skill, start=date(2026, 3, 2),
        finish=date(2026, 3, 6),
    )  # fmt: skip
    services.request_cancel(actor=planned.manager, request=second)
    statuses = dict(ResourceRequest.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "declined", second.pk: "cancelled"}
    with pytest.raises(ValidationError) as err:
        services.request_create(
            actor=planned.manager, project=planned, start=date(2026, 3, 2), finish=date(2026, 3, 1),
            skill=skill,
        )  # fmt: skip
    assert "finish" in _fields(err)


def test_utilisation_flags_the_over_allocated_week_and_its_items(staff, planned):
    """Two full-time tasks in the same week load Ana 200 %: that week is flagged with both
    items; the next week is free."""
    a = item_create(planned, "A", duration_days=Decimal("5"), planned_start=date(2026, 3, 2))
    b = item_create(planned, "B", duration_days=Decimal("5"), planned_start=date(2026, 3, 2))
    schedule_store(planned)
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    for item in (a, b):
        services.assignment_create(actor=planned.manager, item=item, resource=ana, units=1)
    heat = selectors.utilisation(
        user=planned.manager, start=date(2026, 3, 2), end=date(2026, 3, 15)
    )
    (row,) = heat.rows
    first, second = row.cells
    assert (first.capacity, first.load, first.percent, first.over) == (40.0, 80.0, 200, True)
    assert first.items == (a.key, b.key)
    assert (second.load, second.over) == (0.0, False)
    # An outsider sees the resource but none of the load of projects hidden from them.
    hidden = selectors.utilisation(user=UserFactory(), start=date(2026, 3, 2), end=date(2026, 3, 8))
    assert hidden.rows[0].cells[0].load == 0.0


def test_leave_lowers_capacity(staff, planned):
    """A day of leave takes that day's hours out of the week's capacity."""
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    services.leave_create(
        actor=staff, resource=ana, start=date(2026, 3, 4), finish=date(2026, 3, 4)
    )
    heat = selectors.utilisation(user=staff, start=date(2026, 3, 2), end=date(2026, 3, 8))
    assert heat.rows[0].cells[0].capacity == 32.0


def test_levelling_store_and_clear(staff, planned):
    """Stored delays replace the project's previous ones; clearing removes them all."""
    a = item_create(planned, "A")
    b = item_create(planned, "B")
    services.levelling_store(actor=planned.manager, projects=[planned], delays={a.pk: 480})
    services.levelling_store(actor=planned.manager, projects=[planned], delays={b.pk: 960, a.pk: 0})
    assert dict(LevellingDelay.objects.values_list("item_id", "minutes")) == {b.pk: 960}
    assert services.levelling_clear(actor=planned.manager, project=planned) == 1
    assert not LevellingDelay.objects.exists()


def test_scheduler_uses_the_resource_calendar(staff, planned):
    """A task assigned to someone on leave on its first two days starts after the leave."""
    item = item_create(planned, "Build", duration_days=Decimal("1"), planned_start=date(2026, 3, 2))
    ana = services.resource_create(actor=staff, name="Ana", kind="person")
    services.assignment_create(actor=planned.manager, item=item, resource=ana, units=1)
    schedule_store(planned)
    item.refresh_from_db()
    assert item.early_start.date() == date(2026, 3, 2)
    services.leave_create(
        actor=staff, resource=ana, start=date(2026, 3, 2), finish=date(2026, 3, 3)
    )
    schedule_store(planned)
    item.refresh_from_db()
    assert item.early_start.date() == date(2026, 3, 4)


def test_two_resources_work_when_both_work(staff, planned):
    """With a Monday-Wednesday and a Wednesday-Friday person, the task runs on Wednesdays."""
    item = item_create(planned, "Pair", duration_days=Decimal("2"), planned_start=date(2026, 3, 2))
    early = services.resource_create(actor=staff, name="Early", kind="person", workdays="123")
    late = services.resource_create(actor=staff, name="Late", kind="person", workdays="345")
    services.assignment_create(actor=planned.manager, item=item, resource=early, units=1)
    services.assignment_create(actor=planned.manager, item=item, resource=late, units=1)
    schedule_store(planned)
    item.refresh_from_db()
    assert (item.early_start.date(), item.early_finish.date()) == (
        date(2026, 3, 4),
        date(2026, 3, 11),
    )
