"""The ``ledgerflow`` command: thin — parse, call the API, render."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="ledgerflow",
    help="Event-sourced orchestration of data pipelines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts are printed as written: "POSITION:LINK", "ledgerflow[postgres]"
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    context_settings={"help_option_names": ["-h", "--help"]},
)


#: Command modules; each defines ``register(app)``.
COMMAND_MODULES: tuple[str, ...] = (
    "global_options",
    "run",
    "jobs",
    "audit",
    "compact",
    "versions",
    "timetravel",
    "replay",
    "workflow",
    "ui",
    "cluster",
)


def _register_commands() -> None:
    from importlib import import_module

    for name in COMMAND_MODULES:
        import_module(f"ledgerflow.commands.{name}").register(app)


_register_commands()


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
