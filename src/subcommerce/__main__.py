"""``python -m subcommerce``: the command line (see :mod:`subcommerce.cli`)."""

from subcommerce.cli import main

raise SystemExit(main())
