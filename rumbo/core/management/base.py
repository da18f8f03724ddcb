"""Base for the `rumbo` commands: bad input ends in one line naming file, line and problem."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, handle_default_options
from django.db import connections

from rumbo.core.errors import ImportFailure


class RumboCommand(BaseCommand):
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        # `rumbo import --help` reads "usage: rumbo import …", not "rumbo rumbo_import".
        return super().create_parser("rumbo", subcommand.removeprefix("rumbo_"), **kwargs)

    def run_from_argv(self, argv: list[str]) -> None:
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            self.execute(*args, **cmd_options)
        except (ImportFailure, CommandError, ValueError) as exc:
            if options.traceback:
                raise
            self._fail(str(exc))
        except KeyboardInterrupt:
            self._fail("interrumpido")
        except Exception as exc:
            if options.traceback:
                raise
            self._fail(f"error inesperado ({type(exc).__name__}): {exc} — repita con --traceback")
        finally:
            connections.close_all()

    def _fail(self, message: str) -> None:
        first_line = " ".join(str(message).split())
        sys.stderr.write(f"rumbo: error: {first_line}\n")
        sys.exit(1)

    def write_out(self, text: str, output: str | None) -> None:
        if output and output != "-":
            with open(output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            self.stderr.write(f"Escrito {output}")
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")

    def write_bytes(self, data: bytes, output: str | None) -> None:
        if output and output != "-":
            with open(output, "wb") as fh:
                fh.write(data)
            self.stderr.write(f"Escrito {output} ({len(data):,} bytes)")
            return
        if sys.stdout.isatty():
            raise CommandError("un archivo XLSX no se escribe en la terminal; use -o ARCHIVO")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def positive_year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"año inválido: {value!r} (se esperaba AAAA)") from None
    if not 1990 <= year <= 2100:
        raise CommandError(f"año fuera de rango: {year} (se esperaba entre 1990 y 2100)")
    return year
