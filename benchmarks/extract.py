"""Extraction speed against the bare spaCy model, in one process; memory on a long stream.

    python benchmarks/extract.py                 # speed: bare model vs eikg, and the ratio
    python benchmarks/extract.py --components    # + seconds per pipeline component
    python benchmarks/extract.py --profile       # + the top functions of the eikg run (cProfile)
    python benchmarks/extract.py --memory 10000  # + RSS while streaming a generated JSONL
    python benchmarks/extract.py --long [MB]     # + peak RSS and time for one MB-sized article (default 1)

Speed: the dev articles (../shared/corpus/dev/articles) repeated to at least
``--words`` words, run through ``load_model()``'s ``nlp.pipe`` and through
``eikg.ingest.pipeline.extract`` (reading excluded, records included), after a
warm-up of each; the two alternate ``--repeat`` times and each keeps its best
run (the machine is shared, so single runs are noisy). The target is eikg, learned layers
included, at most 1.5x the bare model's time.

Memory: writes ``--memory`` synthetic articles (sentences written here, names
drawn from a fixed pool) to a temporary JSONL, streams them through
``read_articles`` and ``extract``, and samples the process's resident memory;
flat means the last sample is within a few MB of the one after warm-up.

Long article: writes one synthetic article of ``--long`` MB (the memory
run's paragraphs, one after another) to a temporary file and runs ``eikg
extract`` on it in a child process, which is killed past ``--long-cap`` MB;
prints the child's peak resident memory against the 1 GB target, and its time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eikg.ingest.model import load_model
from eikg.ingest.pipeline import build_pipeline, extract
from eikg.ingest.sources import read_articles
from eikg.records import Article

ROOT = Path(__file__).resolve().parents[1]
DEV_ARTICLES = ROOT.parent / "shared" / "corpus" / "dev" / "articles"
TARGET_RATIO = 1.5


def corpus(min_words: int) -> list[Article]:
    """The dev articles, repeated (with distinct ids) to at least ``min_words`` words."""
    base = list(read_articles([DEV_ARTICLES]))
    if not base:
        sys.exit(f"no articles in {DEV_ARTICLES}")
    out, words, n = [], 0, 0
    while words < min_words:
        a = base[n % len(base)]
        out.append(Article(id=f"{a.id}#{n}", text=a.text, title=a.title, published=a.published))
        words += len(a.text.split())
        n += 1
    return out


def count_words(articles: list[Article]) -> int:
    return sum(len(a.text.split()) for a in articles)


def time_bare(nlp, articles, batch_size) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe((a.text for a in articles), batch_size=batch_size):
        pass
    return time.perf_counter() - start


def time_eikg(nlp, articles, batch_size) -> float:
    start = time.perf_counter()
    for _ in extract(articles, nlp, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def component_times(nlp, articles) -> list[tuple[str, float]]:
    """Seconds each pipeline component takes over ``articles`` (tokenizer included)."""
    texts = [a.text for a in articles]
    start = time.perf_counter()
    docs = [nlp.make_doc(t) for t in texts]
    times = [("tokenizer", time.perf_counter() - start)]
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs))
        else:
            docs = [proc(d) for d in docs]
        times.append((name, time.perf_counter() - start))
    return times


def profile_eikg(nlp, articles, batch_size, top=25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in extract(articles, nlp, batch_size=batch_size):
        pass
    profiler.disable()
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(top)
    return buf.getvalue()


# --- memory ---------------------------------------------------------------------------

_ORG_STEMS = ["Harbor", "Lakeside", "Pinecrest", "Redstone", "Silverlake", "Oakridge", "Brookfield",
              "Maplewood", "Northgate", "Westfield", "Clearwater", "Ironwood", "Sunvale", "Highmoor"]
_COLLEGES = ["Polytechnic", "Vocational College", "University", "Technician College"]
_COMPANIES = ["Robotics Co., Ltd.", "Motors Group", "Semiconductor Co., Ltd.", "Logistics Group"]
_PEOPLE = ["Zhao Ming", "Qian Li", "Sun Hao", "Li Wei", "Zhou Fang", "Wu Jun", "Zheng Yu", "Wang Lei",
           "Feng Tao", "Chen Jing", "Chu Ping", "Wei Lan"]
_TITLES = ["President", "Vice President", "Dean", "General Manager", "Chairman"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def synthetic_article(rng: random.Random, n: int) -> dict:
    college = f"{rng.choice(_ORG_STEMS)} {rng.choice(_COLLEGES)}"
    company = f"{rng.choice(_ORG_STEMS)} {rng.choice(_COMPANIES)}"
    person, other = rng.sample(_PEOPLE, 2)
    month, day = rng.choice(_MONTHS), rng.randint(1, 28)
    text = (
        f"{college} signs agreement with {company}\n\n"
        f"Posted on {month} {day}, 2024\n\n"
        f"On {month} {day}, {college} and {company} signed a school-enterprise cooperation "
        f"agreement at a ceremony held on campus. {person}, {rng.choice(_TITLES)} of {college}, "
        f"and {other}, {rng.choice(_TITLES)} of {company}, attended the signing ceremony and "
        f"delivered speeches. The two sides will jointly build a training base and an order class "
        f"for {rng.randint(30, 90)} students.\n"
    )
    return {"id": f"syn-{n:05d}", "text": text}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def memory_run(nlp, n_articles: int, batch_size: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for n in range(n_articles):
                f.write(json.dumps(synthetic_article(rng, n)) + "\n")
        print(f"\nmemory: streaming {n_articles} synthetic articles from {path.name} "
              f"({path.stat().st_size / 1e6:.1f} MB)")
        step = max(1, n_articles // 10)
        samples = []
        start = time.perf_counter()
        for i, _ in enumerate(extract(read_articles([path]), nlp, batch_size=batch_size), 1):
            if i % step == 0:
                samples.append((i, rss_mb()))
                print(f"  {i:>6} articles  RSS {samples[-1][1]:7.1f} MB")
        elapsed = time.perf_counter() - start
    if len(samples) >= 2:
        growth = samples[-1][1] - samples[0][1]
        print(f"memory: RSS after {samples[0][0]} articles {samples[0][1]:.1f} MB, "
              f"after {samples[-1][0]} {samples[-1][1]:.1f} MB (growth {growth:+.1f} MB); "
              f"{n_articles / elapsed:.0f} articles/s")


# --- one long article -----------------------------------------------------------------

#: Peak resident memory allowed for extracting any single input.
LONG_TARGET_MB = 1024


def long_article(path: Path, megabytes: float) -> int:
    """Write one article of about ``megabytes`` MB of synthetic paragraphs to ``path``.

    The paragraphs are ``synthetic_article``'s (headline, date line, story),
    one after another with fresh names, as in a digest page or a file holding
    many stories at once. Returns the number of characters.
    """
    rng = random.Random(11)
    target = int(megabytes * 1_000_000)
    size, n = 0, 0
    with path.open("w", encoding="utf-8") as f:
        while size < target:
            text = synthetic_article(rng, n)["text"] + "\n"
            f.write(text)
            size += len(text)
            n += 1
    return size


def _peak_rss_mb(pid: int) -> float:
    """The high-water mark of ``pid``'s resident memory so far, in MB (nan once gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def long_run(megabytes: float, cap_mb: float) -> bool:
    """Extract one ~``megabytes`` MB article with ``eikg extract`` in a child process.

    Prints the child's peak resident memory (from ``wait4``) and wall time
    against ``LONG_TARGET_MB``; a child past ``cap_mb`` is killed, so a
    pipeline without bounds cannot take the machine down. True when within target.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        chars = long_article(path, megabytes)
        out = Path(tmp) / "long.jsonl"
        print(f"\nlong article: one file of {chars:,} characters ({path.stat().st_size / 1e6:.1f} MB)")
        command = [sys.executable, "-m", "eikg.cli", "extract", str(path), "--out", str(out)]
        log = Path(tmp) / "stderr.txt"
        start = time.perf_counter()
        with log.open("w") as err:
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        killed = False
        while True:
            # wait4 rather than Popen.wait: it also gives this child's own peak RSS.
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if not killed and _peak_rss_mb(child.pid) > cap_mb:
                child.kill()
                killed = True
            time.sleep(0.2)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        peak = usage.ru_maxrss / 1024
        if killed:
            print(f"long article: KILLED at {peak:.0f} MB (past the {cap_mb:.0f} MB cap) "
                  f"after {elapsed:.0f} s")
            return False
        if child.returncode != 0:
            last = (log.read_text().strip().splitlines() or ["(no message)"])[-1]
            print(f"long article: eikg extract exited {child.returncode} after {elapsed:.0f} s: {last}")
            return False
        entities = relations = 0
        with out.open(encoding="utf-8") as f:
            for line in f:
                obj = json.loads(line)
                entities += len(obj["entities"])
                relations += len(obj["relations"])
        verdict = "meets" if peak <= LONG_TARGET_MB else "MISSES"
        print(f"long article: {entities} entities, {relations} relations in {elapsed:.1f} s "
              f"({chars / elapsed / 1000:.0f} kchars/s)")
        print(f"long article: peak RSS {peak:.0f} MB ({verdict} the {LONG_TARGET_MB} MB target)")
        return peak <= LONG_TARGET_MB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000, help="words of text to time (default 20000)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; best kept")
    parser.add_argument("--components", action="store_true", help="seconds per pipeline component")
    parser.add_argument("--profile", action="store_true", help="cProfile the eikg run")
    parser.add_argument("--memory", type=int, metavar="N", default=0,
                        help="also stream N synthetic articles and sample RSS")
    parser.add_argument("--long", type=float, metavar="MB", nargs="?", const=1.0, default=0,
                        help="also extract one synthetic article of MB megabytes (default 1) "
                             "in a child process: peak RSS and time")
    parser.add_argument("--long-cap", type=float, metavar="MB", default=4096,
                        help="kill the --long child past this resident size (default 4096)")
    args = parser.parse_args(argv)

    articles = corpus(args.words)
    words = count_words(articles)
    bare = load_model()
    nlp = build_pipeline()
    print(f"corpus: {len(articles)} articles, {words} words (dev articles repeated)")
    print(f"bare pipeline: {', '.join(bare.pipe_names)}")
    print(f"eikg pipeline: {', '.join(nlp.pipe_names)}")
    warm = articles[:15]
    time_bare(bare, warm, args.batch_size)
    time_eikg(nlp, warm, args.batch_size)

    # The machine is shared: alternate the two and keep each one's best run.
    t_bare = t_eikg = float("inf")
    for _ in range(args.repeat):
        t_bare = min(t_bare, time_bare(bare, articles, args.batch_size))
        t_eikg = min(t_eikg, time_eikg(nlp, articles, args.batch_size))
    ratio = t_eikg / t_bare
    print(f"bare spaCy: {words / t_bare:8.0f} words/s ({t_bare:.2f} s)")
    print(f"eikg:       {words / t_eikg:8.0f} words/s ({t_eikg:.2f} s)")
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"ratio eikg/bare time: {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")

    if args.components:
        print("\nseconds per component (eikg pipeline, same articles, one pass):")
        for name, seconds in component_times(nlp, articles):
            print(f"  {name:<24} {seconds:7.2f}")
    if args.profile:
        print("\neikg run, top functions by own time:")
        print(profile_eikg(nlp, articles, args.batch_size))
    if args.memory:
        memory_run(nlp, args.memory, args.batch_size)
    if args.long and not long_run(args.long, args.long_cap):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
