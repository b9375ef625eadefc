"""The `facilitator` command. `serve` runs on eventlet, which must patch the standard library
before anything else is imported, so this module imports nothing until it knows the command."""

import sys
import warnings


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        with warnings.catch_warnings():  # eventlet warns of its own retirement on import
            warnings.simplefilter("ignore")
            import eventlet
        eventlet.monkey_patch()
    from .cli import cli

    cli()
