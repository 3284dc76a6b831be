"""The ``aimlapi`` command line.

Why a registry: subcommands are owned by different parts of the package (``mock`` here;
``models`` and ``demo`` elsewhere). Each one is a ``Subcommand`` (name, help, a function that
adds its arguments, a function that runs it); adding one is appending to ``_SUBCOMMANDS``
without touching ``main``.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

from aiml_integrations import _cli_models as _models
from aiml_integrations import _demo

__all__ = ["Subcommand", "build_parser", "main"]


@dataclass(frozen=True)
class Subcommand:
    """One ``aimlapi <name>`` command."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --- aimlapi mock ---------------------------------------------------------------------------


def _configure_mock(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port, 0 for any free one (default: %(default)s)"
    )
    parser.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="KEY",
        help="accepted API key; repeat for several (default: mock-key)",
    )
    parser.add_argument(
        "--success-status",
        type=int,
        default=200,
        metavar="CODE",
        help="status of successful POSTs, e.g. 201 (default: %(default)s)",
    )
    parser.add_argument(
        "--models-shape",
        choices=("current", "legacy"),
        default="current",
        help="shape of /v1/models items (default: %(default)s)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="PRESET[:TIMES]",
        help=(
            "inject a preset, e.g. RATE_LIMITED:2, OUT_OF_CREDITS, rate_limited=5:1, slow=0.5; "
            "without :TIMES it applies forever"
        ),
    )
    parser.add_argument("--list-faults", action="store_true", help="list the presets and exit")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not log each request")


def _run_mock(args: argparse.Namespace) -> int:
    from aiml_integrations.testing import MockAIMLAPI, presets

    if args.list_faults:
        for name, status, what in presets.list_presets():
            print(f"{name:<28} {status if status is not None else '-':<4} {what}")
        return 0
    mock = MockAIMLAPI(
        host=args.host,
        port=args.port,
        keys=args.key or None,
        success_status=args.success_status,
        models_shape=args.models_shape,
    )
    for spec in args.fault:
        try:
            fault, times = presets.parse_spec(spec)
        except (KeyError, ValueError) as exc:
            print(f"aimlapi mock: bad --fault {spec!r}: {exc}", file=sys.stderr)
            return 2
        mock.inject(fault, times)
    if not args.quiet:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        mock.start()
    except OSError as exc:
        print(f"aimlapi mock: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"AI/ML API mock listening on {mock.url}", flush=True)
    print(f"  base_url: {mock.base_url}", flush=True)
    print(f"  api_key:  {', '.join(sorted(mock.keys))}", flush=True)
    for fault in mock.faults:
        left = "forever" if fault.remaining is None else f"{fault.remaining}x"
        print(f"  fault:    {fault.label} ({left})", flush=True)
    print("Press Ctrl-C to stop.", flush=True)

    stopped = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, on_term)
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        mock.stop()
    return 0


_SUBCOMMANDS: list[Subcommand] = [
    Subcommand(
        name="mock",
        help="run the offline AI/ML API mock server in the foreground",
        configure=_configure_mock,
        run=_run_mock,
    ),
    Subcommand("models", "list, show and sync AI/ML API models", _models.configure, _models.run),
    Subcommand(
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


if __name__ == "__main__":
    raise SystemExit(main())
