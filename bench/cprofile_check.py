"""cprofile_check.py OUT.prof RAILWATCH-ARGS...: run the railwatch CLI under cProfile, timing CPU.

`python -m cProfile` times wall clock, which on a shared machine charges other processes' load to
whatever was running; this measures process CPU time (time.process_time) instead.
"""

import cProfile
import runpy
import sys
import time

out, sys.argv = sys.argv[1], ["railwatch", *sys.argv[2:]]
profiler = cProfile.Profile(time.process_time)
try:
    profiler.runcall(runpy.run_module, "monitor.cli", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
finally:
    profiler.dump_stats(out)
sys.exit(code)
