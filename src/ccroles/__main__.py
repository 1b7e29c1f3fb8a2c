"""``python -m ccroles``: the same as the ``ccroles`` command."""

import sys

from ccroles.cli import main

if __name__ == "__main__":  # pragma: no branch
    sys.exit(main())
