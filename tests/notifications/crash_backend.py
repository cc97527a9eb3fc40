"""A text backend for the worker-crash test, importable by the worker processes it starts: it appends
"start <text>" to the file named by $CRASH_SMS_LOG, waits $CRASH_SMS_SECONDS, then appends "sent <text>"."""

import os
import time
from pathlib import Path


class SlowBackend:
    def send(self, phone: str, text: str, *, urgent: bool = False) -> None:
        log = Path(os.environ["CRASH_SMS_LOG"])
        with log.open("a") as f:
            f.write(f"start {text}\n")
        time.sleep(float(os.environ.get("CRASH_SMS_SECONDS", "0")))
        with log.open("a") as f:
            f.write(f"sent {text}\n")
