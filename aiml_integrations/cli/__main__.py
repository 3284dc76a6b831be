"""``python -m aiml_integrations.cli``: the ``aimlapi`` script without the script."""

from aiml_integrations.cli import main

raise SystemExit(main())
