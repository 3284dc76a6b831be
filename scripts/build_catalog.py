#!/usr/bin/env python3
"""Build ``aiml_integrations/data/models.json`` from AI/ML API's public documentation.

Why a generator: AI/ML API serves hundreds of models and adds some every week; a hand-kept
list falls behind and guesses. This script reads local checkouts of

* ``aimlapi/api-docs`` (``--docs``): ``docs/api-references/model-database.md`` — every model id
  with its developer and (text models) context length, grouped by kind, plus the deprecated
  table — and each model's OpenAPI spec ``docs/api-references/**/*.json``, whose ``model``
  enum lists the ids the API accepts (the aliases), whose ``messages`` schema lists the roles,
  and whose properties are the request parameters;
* ``aimlapi/models.dev-aimlapi`` (``--prices``): ``providers/aimlapi/models/**/*.toml``, AI/ML
  API's own per-token prices (USD per 1M tokens) and, where the docs give none, limits;

and writes the catalog deterministically (sorted, stable, same bytes for the same inputs).
A value the sources do not state is ``null``: never a guess, never a zero.

Source commits: ``--docs-commit`` / ``--prices-commit``, else a ``COMMIT`` file at the root
of the checkout (``<sha> <ISO date>``), else ``COMMITS.tsv`` (``<sha>\\t<path>`` per price
file, for a copy assembled file by file), else ``git rev-parse HEAD``.

Usage::

    python scripts/build_catalog.py --docs ../api-docs --prices ../models.dev-aimlapi
    python scripts/build_catalog.py --docs ... --prices ... --check   # exit 1 if out of date

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # catalog_build/, when imported

from catalog_build import DATABASE, KINDS, MAX_ALIASES_PER_SPEC, PRICES, SPECS
from catalog_build.assemble import build
from catalog_build.database import Row, parse_model_database
from catalog_build.prices import Price, parse_price, pricing_block
from catalog_build.specs import Spec, chat_capabilities, chat_roles, parse_spec

__all__ = [
    "DATABASE",
    "DEFAULT_OUT",
    "KINDS",
    "MAX_ALIASES_PER_SPEC",
    "PRICES",
    "SPECS",
    "Price",
    "Row",
    "Spec",
    "build",
    "chat_capabilities",
    "chat_roles",
    "dump",
    "main",
    "parse_model_database",
    "parse_price",
    "parse_spec",
    "pricing_block",
    "render",
]

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "aiml_integrations" / "data" / "models.json"

# -- reading the checkouts ----------------------------------------------------------------------


def load_specs(docs: Path) -> list[Spec]:
    root = docs / SPECS
    specs: list[Spec] = []
    for path in sorted(root.rglob("*.json")):
        try:
            document = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            print(f"build_catalog: skipping {path}: {exc}", file=sys.stderr)
            continue
        if isinstance(document, Mapping):
            specs.extend(parse_spec(document, path.relative_to(root).as_posix()))
    return specs


def load_prices(prices: Path) -> dict[str, Price]:
    """``{model id: Price}``; the id is the file's path under ``models/`` without ``.toml``."""
    root = prices / PRICES
    found: dict[str, Price] = {}
    for path in sorted(root.rglob("*.toml")):
        rel = path.relative_to(root).as_posix()
        found[rel.removesuffix(".toml")] = parse_price(path.read_text("utf-8"), rel)
    return found


def _commit(checkout: Path, given: str | None) -> tuple[str | None, str | None, list[str]]:
    """``(sha, date, per-file shas)`` from the flag, COMMIT / COMMITS.tsv, or git."""
    if given:
        return given, None, []
    marker = checkout / "COMMIT"
    if marker.is_file():
        sha, _, date = marker.read_text("utf-8").strip().partition(" ")
        return sha, date.strip() or None, []
    listing = checkout / "COMMITS.tsv"
    if listing.is_file():
        shas = sorted({line.split("\t", 1)[0] for line in listing.read_text("utf-8").splitlines()})
        return None, None, [s for s in shas if s]
    try:
        out = subprocess.run(
            ["git", "-C", str(checkout), "log", "-1", "--format=%H %cI"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None, None, []
    sha, _, date = out.partition(" ")
    return sha or None, date or None, []


def render(docs: Path, prices: Path, docs_commit: str | None, prices_commit: str | None) -> str:
    rows = parse_model_database((docs / DATABASE).read_text("utf-8"))
    models = build(rows, load_specs(docs), load_prices(prices))
    docs_sha, docs_date, _ = _commit(docs, docs_commit)
    prices_sha, _, price_shas = _commit(prices, prices_commit)
    counts = {k: sum(1 for m in models if m["kind"] == k and not m["deprecated"]) for k in KINDS}
    document = {
        "schema": 2,
        "snapshot": (docs_date or "")[:10] or None,
        "source": (
            "AI/ML API public documentation (aimlapi/api-docs: model-database.md and the "
            "per-model OpenAPI specs) and AI/ML API's models.dev provider data for prices; "
            "per-model 'source' says which; null means unknown, not zero. Generated by "
            "scripts/build_catalog.py"
        ),
        "sources": {
            "aimlapi/api-docs": docs_sha,
            "aimlapi/models.dev-aimlapi": prices_sha or price_shas,
        },
        "counts": {
            **counts,
            "deprecated": sum(1 for m in models if m["deprecated"]),
            "names": sum(1 + len(m["aliases"]) for m in models),
        },
        "models": models,
    }
    return dump(document)


def dump(document: Mapping[str, Any]) -> str:
    """The document with one model per line: small to load, and a diff shows which changed."""
    head = {k: v for k, v in document.items() if k != "models"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    lines = [json.dumps(m, ensure_ascii=False, separators=(",", ":")) for m in document["models"]]
    return text + ',\n "models": [\n' + ",\n".join(lines) + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, required=True, help="checkout of aimlapi/api-docs")
    parser.add_argument("--prices", type=Path, required=True, help="aimlapi/models.dev-aimlapi")
    parser.add_argument("--docs-commit", default=None)
    parser.add_argument("--prices-commit", default=None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out is not up to date")
    args = parser.parse_args(argv)
    text = render(args.docs, args.prices, args.docs_commit, args.prices_commit)
    if args.check:
        current = args.out.read_text("utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"build_catalog: {args.out} is out of date", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, "utf-8")
    doc = json.loads(text)
    print(f"build_catalog: wrote {args.out}: {doc['counts']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
