"""`python -m panel.connections.worker ...` runs one connection worker."""

import sys

from panel.connections.worker.entry import main

sys.exit(main(sys.argv[1:]))
