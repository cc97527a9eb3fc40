"""A task for the worker-crash test, importable by the worker processes it starts."""

import time
from pathlib import Path

from pacesetter.core.tasks import task


@task
def slow_mark(*, path: str, seconds: float) -> None:
    """Append "start", wait, append "done": the file tells how often it began and how often it ended."""
    log = Path(path)
    with log.open("a") as f:
        f.write("start\n")
    time.sleep(seconds)
    with log.open("a") as f:
        f.write("done\n")
