"""The command surface stays put: every command, its arguments and options.

``cli_surface.json`` is the surface as it was committed: command paths, help
texts, and each parameter's names, defaults, required flag, type, environment
variable and help. Restructuring ``cli.py`` must leave it as it is; a change
meant to alter the surface rewrites the snapshot on purpose:

    .venv/bin/python tests/test_cli_surface.py
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main

from eikg.cli import app

SNAPSHOT = Path(__file__).with_name("cli_surface.json")


def _param(param: Any) -> dict[str, Any]:
    annotation = param.type_descriptor.annotation
    return {
        "kind": type(param).__name__.removeprefix("Typer"),
        "name": param.name,
        "opts": list(param.opts),
        "secondary_opts": list(param.secondary_opts),
        "required": param.required,
        "default": param.default,
        "type": getattr(annotation, "__name__", None) if isinstance(annotation, type) else str(annotation),
        "min": param.min,
        "max": param.max,
        "multiple": param.multiple,
        "nargs": param.nargs,
        "is_flag": getattr(param, "is_flag", False),
        "envvar": param.envvar,
        "help": param.help,
        "hidden": param.hidden,
        "metavar": param.metavar,
        "show_default": param.show_default,
        "show_envvar": param.show_envvar,
    }


def _commands(command: Any, path: str = "eikg") -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, {
        "help": command.help,
        "short_help": command.short_help,
        "epilog": command.epilog,
        "hidden": command.hidden,
        "no_args_is_help": command.no_args_is_help,
        "params": [_param(p) for p in command.params],
    }
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from _commands(sub, f"{path} {name}")


def surface() -> dict[str, dict[str, Any]]:
    """Command path -> help and parameters, as plain data (read back from JSON, so
    a tuple compares as the list the snapshot holds)."""
    return json.loads(json.dumps(dict(_commands(typer.main.get_command(app))), default=repr))


def dump(commands: dict[str, dict[str, Any]]) -> str:
    """The snapshot's text: one command a block, one parameter a line, for readable diffs."""
    blocks = []
    for path, info in commands.items():
        head = {k: v for k, v in info.items() if k != "params"}
        params = ",\n    ".join(json.dumps(p, ensure_ascii=False) for p in info["params"])
        body = json.dumps(head, ensure_ascii=False)[1:-1]
        blocks.append(f'  {json.dumps(path)}: {{{body}, "params": [\n    {params}\n  ]}}'
                      if params else f'  {json.dumps(path)}: {{{body}, "params": []}}')
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def test_command_list_is_unchanged():
    want = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert list(surface()) == list(want)


def test_every_command_keeps_its_options_arguments_and_help():
    want = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    got = surface()
    for path, info in want.items():
        assert got.get(path) == info, path


def test_connection_options_stay_on_every_graph_command():
    """`eikg query ... --uri X` keeps working: the options sit on the commands, not the root."""
    got = surface()
    with_uri = {path for path, info in got.items() if any("--uri" in p["opts"] for p in info["params"])}
    assert "eikg" not in with_uri
    assert {"eikg query", "eikg cypher", "eikg stats", "eikg load", "eikg analyze centrality",
            "eikg export rdf", "eikg map"} <= with_uri


if __name__ == "__main__":  # pragma: no cover
    SNAPSHOT.write_text(dump(surface()), encoding="utf-8")
    print(f"wrote {SNAPSHOT}", file=sys.stderr)
