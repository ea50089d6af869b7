"""``python -m wazap``: the command line (see ``wazap._cli``)."""

import sys

from ._cli import main

sys.exit(main())
