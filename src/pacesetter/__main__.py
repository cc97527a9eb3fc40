import sys

from pacesetter.cli import main

sys.exit(main())
