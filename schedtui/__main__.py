"""`python -m schedtui` runs the same entry point as the console script."""

from schedtui.cli import main

raise SystemExit(main())
