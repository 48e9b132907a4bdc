"""The frozen bundle's entry point: the same as the `opspanel` console script."""

import sys

from panel.cli import main

if __name__ == "__main__":
    sys.exit(main())
