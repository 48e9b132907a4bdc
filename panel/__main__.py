"""`python -m panel` is the same as the `opspanel` command."""

import sys

from panel.cli import main

sys.exit(main())
