"""The mapping of task results a ``Schedule`` carries, built lazily from the pass arrays.

A 100,000-task schedule holds its dates as integer arrays; a ``TaskSchedule`` dataclass is
made the first time a task is looked up and then kept. Iteration order is input order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from keel.domain.schedule.calendar import from_minutes
from keel.domain.schedule.model import TaskSchedule

__all__ = ["TaskTable"]


class TaskTable(Mapping[str, TaskSchedule]):
    """Read-only ``{task id: TaskSchedule}`` backed by arrays of epoch minutes."""

    __slots__ = ("_cache", "_columns", "_flags", "_ids", "_index")

    def __init__(
        self,
        ids: Sequence[str],
        index: Mapping[str, int],
        dates: npt.NDArray[np.int64],
        floats: npt.NDArray[np.int64],
        flags: Sequence[tuple[bool, str | None, bool, bool, int]],
    ) -> None:
        """Store the columns.

        Parameters
        ----------
        ids, index
            Task ids in input order and their positions.
        dates
            Shape (6, n): start, finish, early start, early finish, late start, late finish.
        floats
            Shape (2, n): total float, free float.
        flags
            Per task: critical, driving predecessor, summary, milestone, duration.
        """
        self._ids = ids
        self._index = index
        self._columns = (dates, floats)
        self._flags = flags
        self._cache: dict[str, TaskSchedule] = {}

    def __getitem__(self, key: str) -> TaskSchedule:
        found = self._cache.get(key)
        if found is not None:
            return found
        i = self._index[key]
        dates, floats = self._columns
        d = dates[:, i].tolist()
        critical, driver, summary, milestone, duration = self._flags[i]
        item = TaskSchedule(
            key,
            from_minutes(d[0]),
            from_minutes(d[1]),
            from_minutes(d[2]),
            from_minutes(d[3]),
            from_minutes(d[4]),
            from_minutes(d[5]),
            int(floats[0, i]),
            int(floats[1, i]),
            critical,
            driver,
            summary,
            milestone,
            duration,
        )
        self._cache[key] = item
        return item

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __repr__(self) -> str:
        return f"<TaskTable of {len(self._ids)} tasks>"
