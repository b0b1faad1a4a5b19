"""``python -m retriever …``: see :mod:`retriever.cli`."""

import sys

from .cli import main

sys.exit(main())
