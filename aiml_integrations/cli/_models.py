"""``aimlapi models``: list, filter and show catalog entries; ``sync`` refreshes the cache.

Why in its own module: ``cli.py`` is a registry shared by several owners; this file holds the
whole ``models`` command and exposes one :data:`SUBCOMMAND` for it. The transport (httpx) is
imported only by ``sync``, so ``list`` / ``show`` stay fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from aiml_integrations.catalog import (
    CAPABILITY_NAMES,
    KINDS,
    Catalog,
    ModelInfo,
    cache_path,
    current_catalog,
)

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``aimlapi models`` (``list`` is the default action)."""
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION")
    listing = actions.add_parser("list", help="list models (default)")
    _configure_list(listing)
    _configure_list(parser)
    show = actions.add_parser("show", help="show one model by id or alias")
    show.add_argument("model", metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    sync = actions.add_parser("sync", help="refresh the local cache from GET /v1/models")
    sync.add_argument("--base-url", default=None, help="API root (default: env or official)")
    sync.add_argument("--api-key", default=None, help="optional; /v1/models needs no key")
    sync.add_argument("--cache-dir", default=None, help="override the cache directory")
    sync.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", default=None, choices=KINDS, help="only models of this kind")
    parser.add_argument(
        "--deprecated", action="store_true", help="include ids AI/ML API no longer serves"
    )
    parser.add_argument(
        "--capability",
        action="append",
        default=[],
        choices=CAPABILITY_NAMES,
        help="only models known to have it; repeat to require several",
    )
    parser.add_argument("--search", default=None, metavar="TEXT", help="substring of id/alias")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "models_action", None) or "list"
    if action == "show":
        return _show(current_catalog(), args.model, as_json=args.json)
    if action == "sync":
        return _sync(args)
    return _list(current_catalog(), args)


def _matches(model: ModelInfo, args: argparse.Namespace) -> bool:
    if args.kind and model.kind != args.kind:
        return False
    if model.deprecated and not args.deprecated:
        return False
    if any(model.supports(c) is not True for c in args.capability):
        return False
    if args.search:
        needle = args.search.lower()
        return any(needle in name.lower() for name in model.names)
    return True


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def _price(model: ModelInfo) -> str:
    inp, out = model.input_price_per_mtok, model.output_price_per_mtok
    if inp is None and out is None:
        return "-"
    return f"{_fmt(inp)}/{_fmt(out)}"


def _list(catalog: Catalog, args: argparse.Namespace) -> int:
    chosen = sorted((m for m in catalog if _matches(m, args)), key=lambda m: (m.kind, m.id))
    if args.json:
        print(json.dumps([m.to_dict() for m in chosen], indent=1))
        return 0
    rows = [("ID", "KIND", "CONTEXT", "MAX OUT", "CAPABILITIES", "$/1M IN/OUT")]
    for m in chosen:
        caps = ",".join(c for c in CAPABILITY_NAMES if m.supports(c)) or "-"
        kind = f"{m.kind} (deprecated)" if m.deprecated else m.kind
        rows.append((m.id, kind, _fmt(m.context_length), _fmt(m.max_output), caps, _price(m)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1])
    fresh = "fresh" if catalog.is_fresh() else "bundled snapshot or stale cache"
    print(f"{len(chosen)} of {len(catalog)} models ({fresh})", file=sys.stderr)
    return 0


def _show(catalog: Catalog, name: str, *, as_json: bool) -> int:
    model = catalog.get(name)
    if model is None:
        matches = catalog.close_matches(name)
        hint = f"; did you mean {' or '.join(matches)}?" if matches else ""
        print(f"aimlapi models: unknown model {name!r}{hint}", file=sys.stderr)
        return 1
    data = model.to_dict()
    data["input_price_per_mtok"] = model.input_price_per_mtok
    data["output_price_per_mtok"] = model.output_price_per_mtok
    if as_json:
        print(json.dumps(data, indent=1))
        return 0
    for key, value in data.items():
        if isinstance(value, dict | list):
            value = json.dumps(value) if value else "-"
        print(f"{key + ':':<24}{_fmt(value)}")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from aiml_integrations._core.config import AIMLAPIConfig
    from aiml_integrations.catalog._sync import sync_catalog
    from aiml_integrations.errors import AIMLAPIError

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"aimlapi models sync: {message}", file=sys.stderr, flush=True)

    try:
        config = AIMLAPIConfig.resolve(api_key=args.api_key, base_url=args.base_url)
        result = sync_catalog(config, progress=progress, cache_dir=args.cache_dir)
    except (AIMLAPIError, ValueError, OSError) as exc:
        print(f"aimlapi models sync: failed: {exc}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def default_cache_file() -> str:
    """Where ``sync`` writes by default (for help texts and diagnostics)."""
    return str(cache_path())
