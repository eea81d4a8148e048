"""README.md is the front door: every CLI command is documented there."""

from pathlib import Path

import typer.main

from eikg.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _command_paths(group, prefix=()):
    for name, cmd in getattr(group, "commands", {}).items():
        path = (*prefix, name)
        if getattr(cmd, "commands", None):
            yield from _command_paths(cmd, path)
        else:
            yield path


def test_every_cli_command_is_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    click_app = typer.main.get_command(app)
    paths = list(_command_paths(click_app))
    assert paths, "the CLI has no commands"
    missing = [" ".join(p) for p in paths if f"eikg {' '.join(p)}" not in readme]
    assert missing == [], f"commands not mentioned in README.md: {missing}"


def test_readme_names_the_two_commands_and_setup():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("make demo", "make test", "make setup"):
        assert command in readme, command


def test_makefile_targets_exist_for_readme_commands():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("setup:", "test:", "demo:"):
        assert f"\n{target}" in makefile, target
