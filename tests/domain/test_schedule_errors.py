"""Input the scheduling engine refuses, each with a message that names the problem."""

from datetime import datetime

import pytest

from keel.domain.errors import CycleError, UnknownReferenceError, ValidationError
from keel.domain.schedule import (
    Constraint,
    ConstraintType,
    Dependency,
    Network,
    Task,
    schedule,
)


def plan(*tasks, deps=(), **kwargs):
    return Network(
        tasks=tuple(tasks),
        dependencies=tuple(deps),
        start=datetime(2025, 3, 3),
        calendars={},
        **kwargs,
    )


A, B, C = Task("A", duration=60), Task("B", duration=60), Task("C", duration=60)


def test_dependency_cycle_names_its_members_in_order():
    """A -> B -> C -> A is reported as exactly that loop."""
    deps = [Dependency("A", "B"), Dependency("B", "C"), Dependency("C", "A")]
    with pytest.raises(CycleError) as caught:
        schedule(plan(A, B, C, Task("D"), deps=[Dependency("D", "A"), *deps]))
    assert caught.value.cycle == ("A", "B", "C")
    assert str(caught.value) == "This dependency would create a cycle: A → B → C → A"


def test_two_task_cycle_of_mixed_link_types():
    """An SS one way and an FF the other way still loop."""
    with pytest.raises(CycleError) as caught:
        schedule(plan(A, B, deps=[Dependency("A", "B", "SS"), Dependency("B", "A", "FF")]))
    assert caught.value.cycle == ("A", "B")


def test_task_linked_to_itself():
    """A link from a task to itself is a one-task cycle."""
    with pytest.raises(CycleError, match="A → A"):
        schedule(plan(A, deps=[Dependency("A", "A")]))


def test_link_between_a_summary_and_its_own_child():
    """A summary cannot depend on its own child (or the other way round)."""
    parent, child = Task("S"), Task("A", duration=60, parent="S")
    with pytest.raises(CycleError, match="S → A"):
        schedule(plan(parent, child, deps=[Dependency("S", "A")]))


def test_cycle_through_a_summary():
    """X after summary S, and S's child after X, loops through the summary."""
    tasks = [Task("S"), Task("A", duration=60, parent="S"), Task("X", duration=60)]
    with pytest.raises(CycleError) as caught:
        schedule(plan(*tasks, deps=[Dependency("S", "X"), Dependency("X", "A")]))
    assert set(caught.value.cycle) == {"S", "X", "A"}


def test_wbs_parent_cycle():
    """Tasks that are each other's parent are a WBS cycle."""
    with pytest.raises(CycleError, match="This WBS parent would create a cycle") as caught:
        schedule(plan(Task("A", parent="B"), Task("B", parent="A")))
    assert set(caught.value.cycle) == {"A", "B"}


@pytest.mark.parametrize(
    ("network", "names"),
    [
        (plan(A, deps=[Dependency("A", "Z")]), ["Z"]),
        (plan(A, deps=[Dependency("Y", "A"), Dependency("A", "Z")]), ["Y", "Z"]),
        (plan(A, Task("B", parent="P")), ["P"]),
        (plan(A, Task("B", calendar="night")), ["night"]),
        (plan(A, calendar="site"), ["site"]),
    ],
)
def test_unknown_references_are_named(network, names):
    """Dependencies, parents and calendars that name nothing raise UnknownReferenceError."""
    with pytest.raises(UnknownReferenceError) as caught:
        schedule(network)
    for name in names:
        assert repr(name) in str(caught.value) or name in str(caught.value)


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (Task("A", duration=-5), "negative duration"),
        (Task("A", duration=60, percent_complete=120), "between 0 and 100"),
        (Task("A", duration=60, percent_complete=-1), "between 0 and 100"),
        (Task("A", duration=60, constraint=Constraint(ConstraintType.MSO)), "without a date"),
        (Task("A", duration=60, constraint=Constraint(ConstraintType.FNLT)), "without a date"),
        (Task("A", duration=60, actual_start=datetime(2025, 3, 3), remaining=-1), "negative"),
        (
            Task(
                "A",
                duration=60,
                actual_start=datetime(2025, 3, 4),
                actual_finish=datetime(2025, 3, 3),
            ),
            "actual finish before its actual start",
        ),
        (Task("", duration=60), "empty id"),
    ],
)
def test_invalid_tasks_are_refused(task, message):
    """Negative durations, bad percentages and dateless constraints raise ValidationError."""
    with pytest.raises(ValidationError, match=message):
        schedule(plan(task))


def test_duplicate_task_ids_are_refused():
    """Two tasks with one id cannot be told apart."""
    with pytest.raises(ValidationError, match="used twice"):
        schedule(plan(A, Task("A")))


def test_unknown_dependency_type_is_refused():
    """A link type other than FS, SS, FF, SF is named in the error."""
    with pytest.raises(ValidationError, match="Unknown dependency type: XX"):
        schedule(plan(A, B, deps=[Dependency("A", "B", "XX")]))


def test_negative_near_critical_margin_is_refused():
    """near_critical is a number of minutes and cannot be negative."""
    with pytest.raises(ValidationError, match="near_critical"):
        schedule(plan(A), near_critical=-1)
