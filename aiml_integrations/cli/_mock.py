"""``aimlapi mock``: the offline AI/ML API mock server in the foreground.

Why its own module: the mock server (:mod:`aiml_integrations.testing`) is a test kit, so the
CLI imports it only inside :func:`run`; ``aimlapi models`` and ``aimlapi demo`` never load it.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
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


def run(args: argparse.Namespace) -> int:
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

    def on_stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    # Both signals get a handler of ours: a process started in the background by a
    # non-interactive shell (``aimlapi mock &`` in a CI script) inherits SIGINT *ignored*, and
    # Python then never raises KeyboardInterrupt, so Ctrl-C / ``kill -INT`` would not stop it.
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGTERM, on_stop)
    try:
        while not stopped.wait(0.5):
            pass
    finally:
        mock.stop()
    return 0
