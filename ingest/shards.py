"""Extraction output split in shards: one JSON Lines file per partition.

``eikg extract --cluster`` writes ``part-00000.jsonl``, ``part-00001.jsonl``, ...
into its output directory; ``eikg load`` takes that directory as one input, its
shards read in name order (the order of the input articles).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from eikg.errors import InputError

SHARD_PATTERN = "part-*.jsonl"


def shard_name(index: int) -> str:
    """The file name of partition ``index``.

    >>> shard_name(7)
    'part-00007.jsonl'
    """
    return f"part-{index:05d}.jsonl"


def extraction_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The JSON Lines files to load: each file as given, each directory's ``*.jsonl``
    files in name order (shards first to last). A directory without any is refused."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob("*.jsonl"))
            if not found:
                raise InputError(f"{path}: no .jsonl files in this directory")
            out.extend(found)
        else:
            out.append(path)
    return out
