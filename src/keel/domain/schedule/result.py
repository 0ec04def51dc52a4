"""The mapping of task results a ``Schedule`` carries, built lazily from the pass columns.

A 100,000-task schedule holds its dates as lists of epoch minutes; a ``TaskSchedule``
dataclass is made the first time a task is looked up and then kept, or all at once (with
vectorised date conversion) when every task is iterated. Iteration order is input order.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, Sequence, ValuesView
from datetime import datetime

import numpy as np

from keel.domain.schedule.calendar import from_minutes
from keel.domain.schedule.model import TaskSchedule

__all__ = ["TaskColumns", "TaskTable"]

TaskColumns = tuple[
    Sequence[int],  # start
    Sequence[int],  # finish
    Sequence[int],  # early start
    Sequence[int],  # early finish
    Sequence[int],  # late start
    Sequence[int],  # late finish
    Sequence[int],  # total float
    Sequence[int],  # free float
    Sequence[bool],  # critical
    Sequence[str | None],  # driving predecessor
    Sequence[bool],  # summary
    Sequence[bool],  # milestone
    Sequence[int],  # duration
]


def _datetimes(values: Sequence[int]) -> list[datetime]:
    array = np.asarray(values, dtype=np.int64).astype("datetime64[m]")
    result: list[datetime] = array.astype(object).tolist()
    return result


class TaskTable(Mapping[str, TaskSchedule]):
    """Read-only ``{task id: TaskSchedule}`` backed by columns (lists) of the pass results."""

    __slots__ = ("_cache", "_columns", "_complete", "_ids", "_index")

    def __init__(self, ids: Sequence[str], index: Mapping[str, int], columns: TaskColumns) -> None:
        """Keep the columns; they must not be changed afterwards (pass copies)."""
        self._ids = ids
        self._index = index
        self._columns = columns
        self._cache: dict[str, TaskSchedule] = {}
        self._complete = False

    def __getitem__(self, key: str) -> TaskSchedule:
        found = self._cache.get(key)
        if found is not None:
            return found
        i = self._index[key]
        c = self._columns
        item = TaskSchedule(
            key,
            from_minutes(c[0][i]),
            from_minutes(c[1][i]),
            from_minutes(c[2][i]),
            from_minutes(c[3][i]),
            from_minutes(c[4][i]),
            from_minutes(c[5][i]),
            c[6][i],
            c[7][i],
            c[8][i],
            c[9][i],
            c[10][i],
            c[11][i],
            c[12][i],
        )
        self._cache[key] = item
        return item

    def _materialise(self) -> dict[str, TaskSchedule]:
        if not self._complete:
            c = self._columns
            start, finish, es, ef, ls, lf = (_datetimes(column) for column in c[:6])
            total, free, critical, driver, summary, milestone, work = c[6:]
            cache = self._cache
            self._cache = {
                key: cache.get(key)
                or TaskSchedule(
                    key,
                    start[i],
                    finish[i],
                    es[i],
                    ef[i],
                    ls[i],
                    lf[i],
                    total[i],
                    free[i],
                    critical[i],
                    driver[i],
                    summary[i],
                    milestone[i],
                    work[i],
                )
                for i, key in enumerate(self._ids)
            }
            self._complete = True
        return self._cache

    def values(self) -> ValuesView[TaskSchedule]:
        """Every task's result, in input order (built in one vectorised sweep)."""
        return self._materialise().values()

    def items(self) -> ItemsView[str, TaskSchedule]:
        """(id, result) pairs in input order (built in one vectorised sweep)."""
        return self._materialise().items()

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<TaskTable of {len(self._ids)} tasks>"
