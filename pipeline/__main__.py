"""``python -m pipeline``: the command line (pipeline.cli).

Ctrl-C while Python is still importing the command line, before it handles interrupts itself,
stops as quietly as later on (SIGTERM then needs nothing: its default ends the process silently).
"""

import sys

try:
    from pipeline.cli import main
except KeyboardInterrupt:
    print("interrupted (Ctrl-C): stopped before it started", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
