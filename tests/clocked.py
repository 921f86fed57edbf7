"""Run a module on the test suite's clock: `python -m tests.clocked app worker` (used when TEST_CLOCK_START is set).

A subprocess does not inherit time-machine's travel, so a worker or server started by a test would live on the real
clock while the test's database rows live on the moved one. The parent passes its current moment in
`TEST_CLOCK_NOW`; this launcher starts ticking from there, then runs the module as `python -m` would.
"""

from __future__ import annotations

import os
import runpy
import sys
from datetime import datetime

import time_machine

NOW_VARIABLE = "TEST_CLOCK_NOW"


def main() -> None:
    module, *arguments = sys.argv[1:]
    traveller = time_machine.travel(datetime.fromisoformat(os.environ[NOW_VARIABLE]), tick=True)
    traveller.start()
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
