"""``python -m retriever …``: see :mod:`retriever.cli`."""

import sys

from retriever.cli import main

sys.exit(main())
