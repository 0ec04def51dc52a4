from keel.domain.errors import CycleError


def test_cycle_error_names_every_member_in_order():
    """A cycle error tells the user which items loop, closing the loop back to the first."""
    err = CycleError(["A", "B", "C"])
    assert str(err) == "This dependency would create a cycle: A → B → C → A"
    assert err.details == {"cycle": ["A", "B", "C"]}
