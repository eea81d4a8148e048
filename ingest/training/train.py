"""Train eikg's learned entity layer from gold, the ``spacy train`` way.

``train`` converts gold articles to DocBin corpora (``gold.py``), builds the
training pipeline (the base model frozen, eikg's rule components proposing
candidates, ``eikg_spans`` learning), fills ``config.cfg``'s ``[paths]`` and runs
``spacy.training.loop.train``. It writes, under ``out``:

- ``eikg_spans/``: the trained span classifier alone (its config and weights,
  about 0.6 MB);
- ``relations.json``: the relation classifier's weights (``training/relations.py``);
- ``pipeline/``: the whole pipeline, base model included (``eikg extract --model
  out/pipeline`` uses it as it is).

``build_nlp(learned=out)`` adds the first two to the base model: the form the
project ships (``ingest/trained/``).

Seeds are fixed (``[system] seed``), so the same gold and config give the same
weights on the same machine.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.training import Example
from spacy.training.loop import train as spacy_train
from thinc.api import Config

from eikg.ingest.model import DEFAULT_MODEL
from eikg.ingest.nlp import build_nlp
from eikg.ingest.training.gold import GoldArticle, GoldReport, docbin, read_gold_checked
from eikg.records import EntityType

#: The committed training config.
CONFIG = files("eikg.ingest.training") / "config.cfg"
#: The annotated corpus beside the project (run from the project root).
DEFAULT_GOLD = (Path("../shared/corpus/dev/gold.jsonl"), Path("../shared/corpus/train/gold.jsonl"))
#: Components the learned layer adds after the rule components.
LEARNED = ("eikg_candidates", "eikg_spans")
SPANS = "eikg_spans"


def load_config(path: str | Path | None = None, overrides: dict | None = None) -> Config:
    text = Path(path).read_text(encoding="utf-8") if path else CONFIG.read_text(encoding="utf-8")
    return Config().from_str(text, overrides=overrides or {}, interpolate=False)


def training_pipeline(config: Config, base_model: str = DEFAULT_MODEL) -> Language:
    """The base model, the rule components that propose candidates, and the
    learned components of ``config`` (untrained)."""
    nlp = build_nlp(model=base_model, learned=None)
    for name in ("eikg_entities", "eikg_relations"):
        nlp.remove_pipe(name)
    for name in LEARNED:
        block = dict(config["components"][name])
        factory = block.pop("factory")
        nlp.add_pipe(factory, name=name, config=block)
    for section in ("paths", "system", "corpora", "training"):
        # the base model's [initialize] names its own [paths]: keep them
        nlp.config[section] = {**nlp.config.get(section, {}), **config[section]}
    # The base model's vocab already holds its lookup tables (lexeme norms);
    # initialising must not fetch them again from spacy-lookups-data.
    nlp.config.setdefault("initialize", {})["lookups"] = None
    return nlp


def train(
    articles: list[GoldArticle],
    out: str | Path,
    *,
    report: GoldReport | None = None,
    config: Config | None = None,
    base_model: str = DEFAULT_MODEL,
    log: Callable[[str], None] | None = None,
    full_pipeline: bool = True,
) -> Path:
    """Train on ``articles``; write ``out/eikg_spans``, ``out/relations.json`` and
    (``full_pipeline``) ``out/pipeline``; return ``out``."""
    report = report if report is not None else GoldReport()
    config = config if config is not None else load_config()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nlp = training_pipeline(config, base_model)
    with tempfile.TemporaryDirectory(prefix="eikg-train-") as tmp:
        tmp = Path(tmp)
        docbin(nlp, articles, report).to_disk(tmp / "train.spacy")
        # The dev corpus only feeds the training log: a few training articles,
        # so no held-out article ever steers training.
        docbin(nlp, articles[:3], GoldReport()).to_disk(tmp / "dev.spacy")
        nlp.config["paths"]["train"] = str(tmp / "train.spacy")
        nlp.config["paths"]["dev"] = str(tmp / "dev.spacy")
        _initialize(nlp, config)
        stdout = io.StringIO()
        (tmp / "training").mkdir()
        spacy_train(nlp, tmp / "training", stdout=stdout, stderr=stdout)
        if log is not None:
            for line in stdout.getvalue().splitlines():
                log(line)
        export_component(tmp / "training" / "model-last", out / SPANS)
    train_relation_layer(articles, out, base_model)
    if full_pipeline:
        if (out / "pipeline").exists():
            shutil.rmtree(out / "pipeline")
        build_nlp(model=base_model, learned=out).to_disk(out / "pipeline")
    return out


def train_relation_layer(articles: list[GoldArticle], out: Path, base_model: str = DEFAULT_MODEL) -> dict:
    """Fit the relation classifier over the trained entity layer in ``out``; write ``out/relations.json``."""
    from eikg.ingest.training.relations import train_relations

    rel = out / "relations.json"
    if rel.exists():
        rel.unlink()
    nlp = build_nlp(model=base_model, learned=out)  # no relations.json yet: rules only
    return train_relations(nlp, [(a.article(), a.obj) for a in articles], rel)


def _initialize(nlp: Language, config: Config) -> None:
    """Initialise the learned component only: the base model keeps its weights."""
    from spacy.training import Corpus

    corpus = Corpus(nlp.config["paths"]["train"])
    annotate = [n for n in nlp.pipe_names if n not in LEARNED[1:]]

    def sample() -> Iterable[Example]:
        examples = list(corpus(nlp))[:10]
        with nlp.select_pipes(enable=annotate):
            for eg in examples:
                eg.predicted = nlp(eg.predicted)
        return examples

    spans = nlp.get_pipe(SPANS)
    for label in EntityType:  # every type, in a fixed order, whatever the sample holds
        spans.add_label(label.value)
    with nlp.select_pipes(enable=[SPANS]):
        nlp.initialize(sample)


def export_component(pipeline: Path, out: Path) -> None:
    """Copy the trained ``eikg_spans`` of a saved pipeline with its config block."""
    config = Config().from_disk(pipeline / "config.cfg", interpolate=False)
    block = dict(config["components"][SPANS])
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(pipeline / SPANS, out)
    srsly.write_json(out / "eikg_component.json", {
        "candidates": dict(config["components"]["eikg_candidates"]),
        "spans": block,
        "labels": srsly.read_json(pipeline / SPANS / "cfg")["labels"],
    })


def train_files(gold_files: Iterable[str | Path], out: str | Path, **kwargs) -> tuple[Path, GoldReport]:
    """``eikg train``: read and check the gold files, train, return the output and what was wrong."""
    report = GoldReport()
    articles = [a for path in gold_files for a in read_gold_checked(path, report)]
    if not articles:
        from eikg.errors import InputError

        raise InputError("no usable gold article in " + ", ".join(str(p) for p in gold_files))
    return train(articles, out, report=report, **kwargs), report
