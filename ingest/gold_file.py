"""Reading a gold JSON Lines file (the corpus format, ``../shared/corpus/*/gold.jsonl``).

One reader for the three users of gold: ``eikg eval`` (:func:`eikg.ingest.evaluate.read_gold`,
which stops at the first bad line), ``eikg train`` and ``eikg eval --cv``
(:func:`eikg.ingest.training.gold.read_gold_checked`, which reports each bad line
and goes on) and the resolution benchmark's gold
(:func:`eikg.ingest.resolution_gold.read_gold_articles`). Each decides what a bad
line costs; the reading and the wording of the problems are here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eikg.errors import InputError


@dataclass(frozen=True)
class GoldLine:
    """One non-blank line of ``path``: ``obj`` the decoded object, or None with
    ``problem`` saying why not."""

    path: Path
    line: int
    obj: dict[str, Any] | None
    problem: str | None = None

    @property
    def where(self) -> str:
        """``file:line``, as problems name it."""
        return f"{self.path}:{self.line}"


def gold_lines(path: str | Path) -> Iterator[GoldLine]:
    """Each non-blank line of the gold file at ``path``; an InputError naming the
    file when it cannot be read.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "gold.jsonl")
    >>> _ = open(f, "w").write('{"id": "a"}\\n\\n[1]\\n{oops\\n')
    >>> [(g.line, g.obj, g.problem) for g in gold_lines(f)]
    [(1, {'id': 'a'}, None), (3, None, 'expected a JSON object'), (4, None, 'malformed JSON (Expecting property name enclosed in double quotes)')]
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read gold file ({exc})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield GoldLine(path, n, None, f"malformed JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            yield GoldLine(path, n, None, "expected a JSON object")
            continue
        yield GoldLine(path, n, obj)
