"""Run TaskJuggler (``tj3``) on a written ``.tjp`` file and read back each task's dates.

Used by the agreement tests and the schedule benchmark to compare Keel's engine with an
independent one. TaskJuggler writes a CSV report (``keel_dates.csv``) named in the file by
``keel.interchange.tjp.write_tjp``; this module parses it into Keel task ids.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from keel.domain.errors import KeelError
from keel.interchange.tjp import TjpExport

__all__ = ["TaskDates", "Tj3Error", "Tj3Missing", "find_tj3", "parse_report", "run_tj3"]


class Tj3Error(KeelError):
    """TaskJuggler rejected the file or failed to schedule it; the message quotes its errors."""

    code = "tj3_error"


class Tj3Missing(Tj3Error):
    """The ``tj3`` program is not installed."""

    code = "tj3_missing"


@dataclass(frozen=True, slots=True)
class TaskDates:
    """Start and end of one task as TaskJuggler computed them."""

    start: datetime
    end: datetime


def find_tj3() -> str:
    """Path of the ``tj3`` program.

    Raises
    ------
    Tj3Missing
        When it is not on ``PATH``; ``scripts/test.sh`` installs it (Debian package tj3).
    """
    path = shutil.which("tj3")
    if path is None:
        raise Tj3Missing(
            "TaskJuggler (tj3) is not installed; run scripts/test.sh, which installs the "
            "Debian package tj3"
        )
    return path


def parse_report(text: str, ids: Mapping[str, str]) -> dict[str, TaskDates]:
    """Read TaskJuggler's CSV report (``"Id";"Start";"End"``) into dates per Keel task id.

    Parameters
    ----------
    text
        The CSV file's content.
    ids
        Keel id → TaskJuggler id, as in ``TjpExport.ids``; rows of other tasks are ignored.

    Returns
    -------
    dict[str, TaskDates]
        Dates of every task found in both.

    Examples
    --------
    >>> rows = '"Id";"Start";"End"\\n"t0";"2025-03-03 09:00";"2025-03-03 18:00"\\n'
    >>> parse_report(rows, {"a": "t0"})["a"].end
    datetime.datetime(2025, 3, 3, 18, 0)
    """
    back = {tj: keel for keel, tj in ids.items()}
    out: dict[str, TaskDates] = {}
    reader = csv.reader(text.splitlines(), delimiter=";", quotechar='"')
    header = next(reader, None)
    if header is None or [h.lower() for h in header[:3]] != ["id", "start", "end"]:
        raise Tj3Error(f"unexpected TaskJuggler report header: {header!r}")
    for row in reader:
        if len(row) < 3 or row[0] not in back:
            continue
        start = datetime.strptime(row[1], "%Y-%m-%d %H:%M")
        end = datetime.strptime(row[2], "%Y-%m-%d %H:%M")
        out[back[row[0]]] = TaskDates(start, end)
    return out


def run_tj3(export: TjpExport, *, timeout: float = 120.0) -> dict[str, TaskDates]:
    """Schedule ``export`` with TaskJuggler and return its dates per Keel task id.

    Parameters
    ----------
    export
        Output of ``write_tjp``.
    timeout
        Seconds to wait for ``tj3``.

    Returns
    -------
    dict[str, TaskDates]
        TaskJuggler's start and end of every task.

    Raises
    ------
    Tj3Missing
        When ``tj3`` is not installed.
    Tj3Error
        When TaskJuggler reports errors; the message carries its error lines.
    """
    tj3 = find_tj3()
    with tempfile.TemporaryDirectory(prefix="keel-tj3-") as tmp:
        folder = Path(tmp)
        source = folder / "plan.tjp"
        source.write_text(export.text, encoding="utf-8")
        result = subprocess.run(  # noqa: S603 - fixed program, file we wrote
            [tj3, "--silent", "--no-color", "--output-dir", str(folder), str(source)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=folder,
        )
        report = folder / f"{export.report}.csv"
        if result.returncode != 0 or not report.exists():
            lines = (result.stdout + result.stderr).replace("\r", "\n").splitlines()
            errors = [line for line in lines if "Error" in line or "error" in line]
            raise Tj3Error(
                "TaskJuggler failed (exit code {}): {}".format(
                    result.returncode, "\n".join(errors[:10]) or "no output"
                )
            )
        return parse_report(report.read_text(encoding="utf-8"), export.ids)
