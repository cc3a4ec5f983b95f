"""Entry point for ``python -m assistant``."""

import sys

from assistant.app.cli import main

sys.exit(main())
