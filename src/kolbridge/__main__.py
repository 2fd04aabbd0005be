"""The ``kolbridge`` command: Django's management commands under one name.

``kolbridge user add …``, ``kolbridge token create …``, ``kolbridge seed-demo``,
``kolbridge audit verify`` and every Django command (``migrate``, ``createsuperuser`` …).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kolbridge.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # Dashed names read better on a command line; Django's commands use underscores.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "kolbridge"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
