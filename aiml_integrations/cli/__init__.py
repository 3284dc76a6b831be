"""The ``aimlapi`` command line.

Why a registry: each subcommand lives in its own private module (``_mock``, ``_models``,
``demo``). Each one is a ``_Subcommand`` (name, help, a function that
adds its arguments, a function that runs it); adding one is appending to ``_SUBCOMMANDS``
without touching ``main``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiml_integrations.cli import _mock, _models
from aiml_integrations.cli import demo as _demo

__all__ = ["build_parser", "main"]


@dataclass(frozen=True)
class _Subcommand:
    """One ``aimlapi <name>`` command."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


_SUBCOMMANDS: list[_Subcommand] = [
    _Subcommand(
        name="mock",
        help="run the offline AI/ML API mock server in the foreground",
        configure=_mock.configure,
        run=_mock.run,
    ),
    _Subcommand("models", "list, show and sync AI/ML API models", _models.configure, _models.run),
    _Subcommand(
        "demo",
        "offline demo: retries, fallbacks, cooldowns on a scripted incident",
        _demo.configure,
        _demo.run,
    ),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aimlapi", description="AI/ML API integration tools for LiteLLM and LangChain."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for sub in _SUBCOMMANDS:
        sub_parser = commands.add_parser(sub.name, help=sub.help, description=sub.help)
        sub.configure(sub_parser)
        sub_parser.set_defaults(_run=sub.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``aimlapi`` script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "_run", None)
    if run is None:
        parser.print_help()
        return 2
    return run(args)
