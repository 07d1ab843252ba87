"""docs/cli.md, generated from the command line's own parser, so the reference cannot drift from
what ``python -m pipeline … --help`` prints (a test regenerates it and compares, like the data
dictionary). The parser is passed in: this module does not import the CLI it documents."""

from __future__ import annotations

import argparse
import functools

# Help is wrapped at this width whatever the terminal: the file must not depend on who made it.
WIDTH = 100


def _fixed_width(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.formatter_class = functools.partial(argparse.HelpFormatter, width=WIDTH)
    return parser


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser's subcommands by name, in the order they were added."""
    action = next(a for a in parser._actions  # argparse offers no public way to list them
                  if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def render_cli_reference(parser: argparse.ArgumentParser) -> str:
    """The Markdown reference: the program's help, then each subcommand's, as printed."""
    lines = ["# Command line reference", "",
             "Generated from the parser by `make docs` (`python -m pipeline docs`); a test "
             "checks it is current. Every `make` target runs one of these commands; `make help` "
             "lists the targets and variables.", "",
             f"## `{parser.prog}`", "", "```", _fixed_width(parser).format_help().rstrip(), "```"]
    for name, sub in subcommands(parser).items():
        lines += ["", f"## `{name}`", "", "```", _fixed_width(sub).format_help().rstrip(), "```"]
    return "\n".join(lines) + "\n"
