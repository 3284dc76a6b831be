"""Client overhead of the AI/ML API adapters vs raw httpx and the peers, in one run.

Command (from the repository root, with the ``bench`` extra installed for the peers)::

    python benchmarks/bench.py            # full run, a few minutes on 2 cores
    python benchmarks/bench.py --quick    # smoke run, seconds

Everything talks to ``benchmarks/_server.py``: a minimal keep-alive HTTP/1.1 server in its own
process that answers from pre-built bytes (a chat completion, or a 500-chunk SSE stream), so the
server costs a few tens of µs and the numbers are dominated by the client. What is printed:

1. per call, sequential, non-streaming: medians over many calls, interleaved in rounds so drift
   hits every subject alike; "over httpx" is the client cost on top of a raw ``httpx`` POST;
2. streaming, 500 chunks: time to first token and total;
3. 200-way async concurrency: calls per second;
4. import time in a fresh interpreter (median of several);
5. RSS growth over 10,000 calls (fresh process per subject).

Peers that are not installed (``langchain-openai``, ``litellm``) are reported as "skipped".
There are no pass/fail exit codes: the "targets" lines say met / MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "gpt-4o-mini"
KEY = "sk-bench-0000"
MESSAGES = [{"role": "user", "content": "Hello"}]


def _have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


# -- the server ------------------------------------------------------------------------------


@contextmanager
def bench_server(chunks: int) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "_server.py"), "--chunks", str(chunks)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        proc.wait(timeout=5)


# -- subjects --------------------------------------------------------------------------------


def _noop_model_class() -> Any:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class NoOpChat(BaseChatModel):
        """LangChain's own floor: ``invoke`` machinery around a ``_generate`` that does nothing."""

        @property
        def _llm_type(self) -> str:
            return "noop"

        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            message = AIMessage(content="Hello! How can I help you today?")
            return ChatResult(generations=[ChatGeneration(message=message)])

    return NoOpChat


def _raw_in_langchain_class(post: Callable[[], Any]) -> Any:
    """The no-op model whose ``_generate`` also does the raw httpx POST: LangChain + httpx with
    no adapter at all. Why a separate floor: the no-op model alone runs with hot CPU caches;
    after a blocking socket read the same LangChain code runs ~100 µs slower on this kind of
    machine, so "raw httpx + no-op" understates what any LangChain HTTP model can reach."""
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class RawHttpxChat(_noop_model_class()):  # type: ignore[misc]
        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            post()
            message = AIMessage(content="Hello! How can I help you today?")
            return ChatResult(generations=[ChatGeneration(message=message)])

    return RawHttpxChat


def _litellm() -> Any:
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    from aiml_integrations.litellm import register

    register()
    if not any(p.get("provider") == "benchnoop" for p in litellm.custom_provider_map):
        from litellm import CustomLLM
        from litellm.types.utils import ModelResponse

        class NoOpLLM(CustomLLM):  # type: ignore[misc]
            """LiteLLM's own floor: its ``completion`` machinery around a handler doing nothing."""

            def _answer(self, model_response: ModelResponse) -> ModelResponse:
                model_response.choices[0].message.content = "Hello! How can I help you today?"
                return model_response

            def completion(self, *args: Any, **kwargs: Any) -> ModelResponse:
                return self._answer(kwargs["model_response"])

            async def acompletion(self, *args: Any, **kwargs: Any) -> ModelResponse:
                return self._answer(kwargs["model_response"])

        litellm.custom_provider_map.append({"provider": "benchnoop", "custom_handler": NoOpLLM()})
        litellm.utils.custom_llm_setup()
    return litellm


def _chat_aimlapi(url: str) -> Any:
    from aiml_integrations.langchain import ChatAIMLAPI

    settings: dict[str, Any] = {"model": MODEL, "api_key": KEY, "base_url": url}
    return ChatAIMLAPI(**settings)


@dataclass
class Sync:
    name: str
    call: Callable[[], Any]


def sync_subjects(url: str) -> tuple[list[Sync], list[str]]:
    import httpx

    subjects: list[Sync] = []
    skipped: list[str] = []
    client = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})
    body = {"model": MODEL, "messages": MESSAGES}
    chat_url = f"{url}/v1/chat/completions"

    def raw() -> Any:
        response = client.post(
            chat_url,
            content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        return json.loads(response.content)

    subjects.append(Sync("raw httpx POST + json", raw))
    noop = _noop_model_class()()
    subjects.append(Sync("no-op LangChain chat model", lambda: noop.invoke("Hello")))
    raw_lc = _raw_in_langchain_class(raw)()
    subjects.append(
        Sync("raw httpx inside a no-op LangChain model", lambda: raw_lc.invoke("Hello"))
    )

    ours = _chat_aimlapi(url)
    subjects.append(Sync("ChatAIMLAPI.invoke", lambda: ours.invoke("Hello")))
    if _have("langchain_openai"):
        from langchain_openai import ChatOpenAI

        peer = ChatOpenAI(model=MODEL, api_key=KEY, base_url=f"{url}/v1")  # type: ignore[arg-type]
        subjects.append(Sync("ChatOpenAI(base_url).invoke", lambda: peer.invoke("Hello")))
    else:
        skipped.append("ChatOpenAI(base_url).invoke")
    if _have("litellm"):
        litellm = _litellm()

        def ours_litellm() -> Any:
            return litellm.completion(
                model=f"aimlapi/{MODEL}", messages=MESSAGES, api_key=KEY, api_base=url
            )

        def peer_litellm() -> Any:
            return litellm.completion(
                model=f"openai/{MODEL}", messages=MESSAGES, api_key=KEY, api_base=f"{url}/v1"
            )

        def noop_litellm() -> Any:
            return litellm.completion(model=f"benchnoop/{MODEL}", messages=MESSAGES)

        subjects.append(Sync("no-op LiteLLM CustomLLM", noop_litellm))
        subjects.append(Sync("litellm.completion aimlapi/", ours_litellm))
        subjects.append(Sync("litellm.completion openai/ + api_base", peer_litellm))
    else:
        skipped += [
            "no-op LiteLLM CustomLLM",
            "litellm.completion aimlapi/",
            "litellm.completion openai/ + api_base",
        ]
    return subjects, skipped


def measure_sync(
    subjects: list[Sync], rounds: int, per_round: int, warmup: int
) -> dict[str, float]:
    """Median µs per call; subjects interleaved in rounds."""
    for subject in subjects:
        for _ in range(warmup):
            subject.call()
    times: dict[str, list[float]] = {s.name: [] for s in subjects}
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for subject in subjects:
            call = subject.call
            bucket = times[subject.name]
            for _ in range(per_round):
                start = clock()
                call()
                bucket.append((clock() - start) / 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def measure_preflight(n: int) -> float:
    """Median µs of one ``preflight()`` call on a typical body (no HTTP)."""
    from aiml_integrations.preflight import preflight

    payload = {"model": MODEL, "messages": MESSAGES, "temperature": 0.2}
    for _ in range(200):
        preflight(payload)
    clock = time.perf_counter_ns
    samples = []
    for _ in range(n):
        start = clock()
        preflight(payload)
        samples.append((clock() - start) / 1000)
    return statistics.median(samples)


# -- streaming -------------------------------------------------------------------------------


def stream_subjects(url: str) -> tuple[dict[str, Callable[[], Iterator[Any]]], list[str]]:
    import httpx

    client = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})
    body = json.dumps({"model": MODEL, "messages": MESSAGES, "stream": True}).encode()

    def raw() -> Iterator[Any]:
        with client.stream(
            "POST",
            f"{url}/v1/chat/completions",
            content=body,
            headers={"Content-Type": "application/json"},
        ) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        return
                    event = json.loads(data)
                    for choice in event.get("choices") or ():
                        if (choice.get("delta") or {}).get("content"):
                            yield event

    subjects: dict[str, Callable[[], Iterator[Any]]] = {"raw httpx SSE + json": raw}
    skipped: list[str] = []

    ours = _chat_aimlapi(url)
    subjects["ChatAIMLAPI.stream"] = lambda: ours.stream("Hello")
    if _have("langchain_openai"):
        from langchain_openai import ChatOpenAI

        peer = ChatOpenAI(model=MODEL, api_key=KEY, base_url=f"{url}/v1")  # type: ignore[arg-type]
        subjects["ChatOpenAI(base_url).stream"] = lambda: peer.stream("Hello")
    else:
        skipped.append("ChatOpenAI(base_url).stream")
    return subjects, skipped


def measure_streams(
    subjects: dict[str, Callable[[], Iterator[Any]]], rounds: int, warmup: int
) -> dict[str, tuple[float, float, int]]:
    """Median (µs to first content chunk, µs total, chunks seen) per subject."""
    results: dict[str, tuple[list[float], list[float], int]] = {n: ([], [], 0) for n in subjects}
    for make in subjects.values():
        for _ in range(warmup):
            for _chunk in make():
                pass
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for name, make in subjects.items():
            start = clock()
            first = None
            count = 0
            for _chunk in make():
                if first is None:
                    first = clock()
                count += 1
            end = clock()
            ttft, total, _ = results[name]
            ttft.append(((first or end) - start) / 1000)
            total.append((end - start) / 1000)
            results[name] = (ttft, total, count)
    return {n: (statistics.median(a), statistics.median(b), c) for n, (a, b, c) in results.items()}


# -- async concurrency -----------------------------------------------------------------------


def async_subjects(url: str) -> tuple[dict[str, Callable[[], Any]], list[str]]:
    """name -> factory returning (call, cleanup) inside the running loop."""
    skipped: list[str] = []

    def raw_factory() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
        import httpx

        client = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {KEY}"},
            limits=httpx.Limits(max_connections=1000, max_keepalive_connections=1000),
        )
        body = {"model": MODEL, "messages": MESSAGES}

        async def call() -> Any:
            response = await client.post(
                f"{url}/v1/chat/completions",
                content=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            return json.loads(response.content)

        return call, client.aclose

    def ours_factory() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:

        model = _chat_aimlapi(url)

        async def cleanup() -> None:
            await model._get_client().aclose()

        return (lambda: model.ainvoke("Hello")), cleanup

    factories: dict[str, Callable[[], Any]] = {
        "raw httpx.AsyncClient": raw_factory,
        "ChatAIMLAPI.ainvoke": ours_factory,
    }
    if _have("langchain_openai"):

        def peer_factory() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
            from langchain_openai import ChatOpenAI

            model = ChatOpenAI(model=MODEL, api_key=KEY, base_url=f"{url}/v1")  # type: ignore[arg-type]

            async def cleanup() -> None:
                return None

            return (lambda: model.ainvoke("Hello")), cleanup

        factories["ChatOpenAI(base_url).ainvoke"] = peer_factory
    else:
        skipped.append("ChatOpenAI(base_url).ainvoke")
    if _have("litellm"):
        litellm = _litellm()

        def litellm_factory(
            prefix: str, base: str
        ) -> Callable[[], tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]]:
            def factory() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
                async def cleanup() -> None:
                    return None

                return (
                    lambda: litellm.acompletion(
                        model=f"{prefix}/{MODEL}", messages=MESSAGES, api_key=KEY, api_base=base
                    )
                ), cleanup

            return factory

        factories["no-op LiteLLM CustomLLM (acompletion floor)"] = litellm_factory("benchnoop", url)
        factories["litellm.acompletion aimlapi/"] = litellm_factory("aimlapi", url)
        factories["litellm.acompletion openai/ + api_base"] = litellm_factory("openai", f"{url}/v1")
    else:
        skipped += [
            "no-op LiteLLM CustomLLM (acompletion floor)",
            "litellm.acompletion aimlapi/",
            "litellm.acompletion openai/ + api_base",
        ]
    return factories, skipped


def measure_async(factory: Callable[[], Any], concurrency: int, total: int) -> float:
    """Calls per second with ``concurrency`` workers sharing ``total`` calls."""

    async def run() -> float:
        call, cleanup = factory()

        async def worker(count: int) -> None:
            for _ in range(count):
                await call()

        # warm-up: open the connections
        await asyncio.gather(*(worker(1) for _ in range(concurrency)))
        each = max(1, total // concurrency)
        start = time.perf_counter()
        await asyncio.gather(*(worker(each) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
        await cleanup()
        return each * concurrency / elapsed

    return asyncio.run(run())


# -- import time and memory (fresh interpreters) ---------------------------------------------

IMPORTS = [
    ("import aiml_integrations", "import aiml_integrations"),
    ("import aiml_integrations.langchain", "import aiml_integrations.langchain"),
    (
        "from aiml_integrations.langchain import ChatAIMLAPI",
        "from aiml_integrations.langchain import ChatAIMLAPI",
    ),
    ("import aiml_integrations.litellm", "import aiml_integrations.litellm"),
    (
        "floor: from langchain_core.language_models import BaseChatModel",
        "from langchain_core.language_models import BaseChatModel",
    ),
    ("import langchain_openai", "import langchain_openai"),
    ("import litellm", "import litellm"),
]

_IMPORT_PROBE = (
    "import time, sys\n"
    "t = time.perf_counter()\n"
    "{stmt}\n"
    "d = time.perf_counter() - t\n"
    "print(d, 'litellm' in sys.modules, 'openai' in sys.modules)\n"
)


def measure_import(stmt: str, repeats: int) -> tuple[float, bool, bool] | None:
    samples = []
    flags = (False, False)
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE.format(stmt=stmt)],
            capture_output=True,
            text=True,
            env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"},
        )
        if out.returncode != 0:
            return None
        seconds, has_litellm, has_openai = out.stdout.split()
        samples.append(float(seconds) * 1000)
        flags = (has_litellm == "True", has_openai == "True")
    return statistics.median(samples), flags[0], flags[1]


def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_worker(subject: str, url: str, calls: int) -> None:
    """Runs in a fresh process: RSS before/after ``calls`` calls, printed as JSON."""
    if subject == "ChatAIMLAPI":
        model = _chat_aimlapi(url)

        def call() -> Any:
            return model.invoke("Hello")
    elif subject == "ChatOpenAI":
        from langchain_openai import ChatOpenAI

        peer = ChatOpenAI(model=MODEL, api_key=KEY, base_url=f"{url}/v1")  # type: ignore[arg-type]

        def call() -> Any:
            return peer.invoke("Hello")
    else:
        litellm = _litellm()

        def call() -> Any:
            return litellm.completion(
                model=f"aimlapi/{MODEL}", messages=MESSAGES, api_key=KEY, api_base=url
            )

    for _ in range(min(500, calls)):
        call()
    gc.collect()
    before = _rss_kib()
    for _ in range(calls):
        call()
    gc.collect()
    after = _rss_kib()
    print(json.dumps({"before_kib": before, "after_kib": after}))


def measure_memory(subject: str, url: str, calls: int) -> float | None:
    out = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--memory-worker",
            subject,
            "--url",
            url,
            "--calls",
            str(calls),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-2000:])
        return None
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return float(data["after_kib"] - data["before_kib"]) / 1024


# -- report ----------------------------------------------------------------------------------


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    targets: list[tuple[str, bool | None, str]] = field(default_factory=list)

    def table(self, title: str, header: list[str], rows: list[list[str]]) -> None:
        self.lines += ["", f"## {title}", ""]
        self.lines.append("| " + " | ".join(header) + " |")
        self.lines.append("|" + "|".join("---" for _ in header) + "|")
        self.lines += ["| " + " | ".join(r) + " |" for r in rows]

    def target(self, label: str, ok: bool | None, detail: str) -> None:
        self.targets.append((label, ok, detail))

    def render(self) -> str:
        out = list(self.lines)
        out += ["", "## Targets", ""]
        for label, ok, detail in self.targets:
            state = "skipped" if ok is None else ("met" if ok else "MISSED")
            out.append(f"- [{state}] {label}: {detail}")
        return "\n".join(out)


def _machine() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for dist in ("httpx", "langchain-core", "langchain-openai", "openai", "litellm"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (not installed)")
    return ", ".join(parts)


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="AI/ML API adapter benchmark")
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--memory-worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=10_000, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_worker:
        memory_worker(args.memory_worker, args.url, args.calls)
        return

    quick = args.quick
    rounds, per_round, warmup = (2, 5, 3) if quick else (10, 200, 200)
    stream_rounds, stream_warmup = (2, 1) if quick else (40, 5)
    chunks = 20 if quick else 500
    concurrency, async_total = (10, 20) if quick else (200, 4000)
    import_repeats = 1 if quick else 5
    mem_calls = 50 if quick else 10_000

    report = Report()
    report.lines += [
        "# aiml-integrations benchmark"
        + (" (--quick: counts too small to mean anything)" if quick else ""),
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"- machine: {_machine()}",
        f"- versions: {_versions()}",
        f"- per call: {rounds} rounds x {per_round} calls per subject (+{warmup} warm-up); "
        f"streams: {chunks} chunks x {stream_rounds}; async: {concurrency}-way, "
        f"{async_total} calls; imports: median of {import_repeats}; memory: {mem_calls} calls",
    ]
    t0 = time.perf_counter()
    with bench_server(chunks) as url:
        # 1. per call
        subjects, skipped = sync_subjects(url)
        medians = measure_sync(subjects, rounds, per_round, warmup)
        raw = medians["raw httpx POST + json"]
        noop = medians["no-op LangChain chat model"]
        openai_lc = medians.get("ChatOpenAI(base_url).invoke")
        litellm_openai = medians.get("litellm.completion openai/ + api_base")
        rows = []
        for name, median in medians.items():
            over = "-" if name.startswith(("raw", "no-op")) else _fmt(median - raw)
            if name == "litellm.completion aimlapi/" and "no-op LiteLLM CustomLLM" in medians:
                floor = medians["no-op LiteLLM CustomLLM"]
                over += f" (floor+httpx {raw + floor:,.0f})"
            vs_peer = "-"
            if name == "ChatAIMLAPI.invoke" and openai_lc:
                vs_peer = f"{median / openai_lc:.2f}x ChatOpenAI"
            if name == "litellm.completion aimlapi/" and litellm_openai:
                vs_peer = f"{median / litellm_openai:.2f}x openai/"
            rows.append([name, _fmt(median), f"{median / raw:.2f}x", over, vs_peer])
        rows += [[name, "skipped", "-", "-", "-"] for name in skipped]
        pre = measure_preflight(200 if quick else 20_000)
        rows.append(["preflight() alone (no HTTP)", _fmt(pre, 2), "-", "-", "-"])
        report.table(
            "Per call, sequential, non-streaming (median µs)",
            ["path", "median µs", "x raw httpx", "client µs over httpx", "vs peer"],
            rows,
        )
        ours = medians["ChatAIMLAPI.invoke"]
        if openai_lc:
            report.target(
                "ChatAIMLAPI <= 0.6x ChatOpenAI per call",
                ours <= 0.6 * openai_lc,
                f"{ours / openai_lc:.2f}x",
            )
        else:
            report.target("ChatAIMLAPI <= 0.6x ChatOpenAI per call", None, "peer not installed")
        budget = raw + noop + 60
        report.target(
            "ChatAIMLAPI within 60 µs of raw httpx + no-op chat model",
            ours <= budget,
            f"{ours:.0f} µs vs {raw:.0f} + {noop:.0f} = {raw + noop:.0f} µs "
            f"({ours - raw - noop:+.0f} µs)",
        )
        floor = medians["raw httpx inside a no-op LangChain model"]
        report.target(
            "(measured floor) ChatAIMLAPI within 60 µs of raw httpx inside a no-op LangChain model",
            ours <= floor + 60,
            f"{ours:.0f} µs vs {floor:.0f} µs ({ours - floor:+.0f} µs)",
        )
        if litellm_openai:
            ours_ll = medians["litellm.completion aimlapi/"]
            report.target(
                "aimlapi/ <= 0.9x litellm openai/ path",
                ours_ll <= 0.9 * litellm_openai,
                f"{ours_ll / litellm_openai:.2f}x",
            )
        else:
            report.target("aimlapi/ <= 0.9x litellm openai/ path", None, "litellm not installed")

        # 2. streaming
        streams, skipped = stream_subjects(url)
        stream_medians = measure_streams(streams, stream_rounds, stream_warmup)
        raw_ttft, raw_total, _ = stream_medians["raw httpx SSE + json"]
        rows = [
            [
                name,
                _fmt(ttft),
                f"{ttft / raw_ttft:.2f}x",
                _fmt(total),
                f"{total / raw_total:.2f}x",
                str(count),
            ]
            for name, (ttft, total, count) in stream_medians.items()
        ]
        rows += [[name, "skipped", "-", "-", "-", "-"] for name in skipped]
        report.table(
            f"Streaming, {chunks} chunks (median µs)",
            ["path", "first token µs", "x raw", "total µs", "x raw", "chunks"],
            rows,
        )

        # 3. async concurrency
        factories, skipped = async_subjects(url)
        throughput = {
            name: measure_async(f, concurrency, async_total) for name, f in factories.items()
        }
        raw_rate = throughput["raw httpx.AsyncClient"]
        rows = [[name, _fmt(rate), f"{rate / raw_rate:.2f}x"] for name, rate in throughput.items()]
        rows += [[name, "skipped", "-"] for name in skipped]
        report.table(
            f"Async, {concurrency}-way concurrency (calls/s)",
            ["path", "calls/s", "x raw httpx"],
            rows,
        )
        for name in ("ChatAIMLAPI.ainvoke", "litellm.acompletion aimlapi/"):
            if name in throughput:
                rate = throughput[name]
                report.target(
                    f"{name} throughput >= 0.8x raw httpx",
                    rate >= 0.8 * raw_rate,
                    f"{rate / raw_rate:.2f}x",
                )

        # 5. memory (needs the server)
        rows = []
        mem_subjects = [
            subject
            for subject, needs in (
                ("ChatAIMLAPI", None),
                ("litellm aimlapi/", "litellm"),
                ("ChatOpenAI", "langchain_openai"),
            )
            if needs is None or _have(needs)
        ]
        with ThreadPoolExecutor(max_workers=len(mem_subjects) if quick else 1) as pool:
            growths = list(pool.map(lambda s: measure_memory(s, url, mem_calls), mem_subjects))
        for subject in ("ChatAIMLAPI", "litellm aimlapi/", "ChatOpenAI"):
            if subject not in mem_subjects:
                rows.append([subject, "skipped"])
                continue
            growth = growths[mem_subjects.index(subject)]
            rows.append([subject, _fmt(growth, 2)])
            if subject != "ChatOpenAI" and growth is not None:
                report.target(
                    f"{subject} RSS growth over {mem_calls} calls < 10 MB",
                    growth < 10,
                    f"{growth:.2f} MB",
                )
        memory_rows = rows

    # 4. imports (--quick runs the probes side by side: fast, but the numbers mean nothing)
    rows = []
    times: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=len(IMPORTS) if quick else 1) as pool:
        results = list(pool.map(lambda item: measure_import(item[1], import_repeats), IMPORTS))
    for (label, _stmt), result in zip(IMPORTS, results, strict=True):
        if result is None:
            rows.append([label, "skipped", "-", "-"])
            continue
        ms, has_litellm, has_openai = result
        times[label] = ms
        rows.append(
            [label, _fmt(ms), "yes" if has_litellm else "no", "yes" if has_openai else "no"]
        )
    peer_import = times.get("import langchain_openai")
    if peer_import:
        rows = [[*r, f"{times[r[0]] / peer_import:.2f}x" if r[0] in times else "-"] for r in rows]
    else:
        rows = [[*r, "-"] for r in rows]
    report.table(
        "Import time, fresh interpreter (median ms)",
        ["statement", "ms", "litellm loaded", "openai loaded", "x import langchain_openai"],
        rows,
    )
    report.table(
        f"RSS growth over {mem_calls} calls (MB, after warm-up)", ["path", "MB"], memory_rows
    )
    lc = times.get("import aiml_integrations.langchain")
    if peer_import and lc is not None:
        report.target(
            "import aiml_integrations.langchain <= 0.25x import langchain_openai",
            lc <= 0.25 * peer_import,
            f"{lc / peer_import:.2f}x",
        )
        full = times.get("from aiml_integrations.langchain import ChatAIMLAPI")
        if full is not None:
            report.target(
                "(for reference) from aiml_integrations.langchain import ChatAIMLAPI "
                "<= 0.25x import langchain_openai",
                full <= 0.25 * peer_import,
                f"{full / peer_import:.2f}x",
            )
    report.lines += ["", f"(run took {time.perf_counter() - t0:.0f} s)"]
    print(report.render())


if __name__ == "__main__":
    main()
