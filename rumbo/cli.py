"""The `rumbo` command: a thin front over Rumbo's management commands.

`rumbo import …` runs the `rumbo_import` management command, and so on; each subcommand
has its own `--help`. Settings come from the environment (DATABASE_URL, SECRET_KEY…).
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "init": ("rumbo_init", "crea o actualiza la base de datos"),
    "demo": ("rumbo_demo", "base de datos + datos de muestra + usuarios de demostración"),
    "serve": ("rumbo_serve", "sirve la aplicación web [--port N] [--production [--workers N]]"),
    "import": (
        "rumbo_import",
        "importa paa|pgd|sipot-objetivos|diseno|presupuesto ARCHIVO --institution CLAVE",
    ),
    "export": (
        "rumbo_export",
        "exporta program|objectives|sipot FORMATO --institution CLAVE --year AAAA",
    ),
    "report": (
        "rumbo_report",
        "informe monthly|quarterly|program|mir|fisico-financiero --institution CLAVE --year AAAA"
        " --format pdf|xlsx|json",
    ),
    "quality": ("rumbo_quality", "lista los hallazgos de calidad --institution CLAVE"),
    "check-mir": ("rumbo_check_mir", "revisa una MIR: --institution CLAVE --mir ID"),
    "check-format": (
        "rumbo_check_format",
        "revisa un formato de transparencia: ARCHIVO --format fr-iv|fr-v|fr-vi",
    ),
    "user": ("rumbo_user", "crea usuarios: user create USUARIO --institution CLAVE --role ROL"),
    "token": (
        "rumbo_token",
        "tokens de la API: token create USUARIO [--days N] | list [USUARIO] "
        "| revoke PREFIJO|--user USUARIO --all",
    ),
    "window": ("rumbo_window", "prórrogas de captura: window extend …"),
    "notify": (
        "rumbo_notify",
        "avisos programados (ventanas de captura) y reintento de correos, para cron "
        "[--date dd/mm/aaaa] [--dry-run]",
    ),
    "worker": ("rumbo_worker", "atiende la cola de exportaciones largas (requiere REDIS_URL)"),
    "opendata": ("rumbo_opendata", "datos abiertos: list|publish|withdraw|export …"),
    "backup": (
        "rumbo_backup",
        "respalda base de datos y archivos en un .tar.gz: backup ARCHIVO",
    ),
    "restore": (
        "rumbo_restore",
        "restaura un respaldo en una base de datos vacía: restore ARCHIVO [--check]",
    ),
    "maintenance": (
        "rumbo_maintenance",
        "mantenimiento para cron: intentos de inicio de sesión, exportaciones y archivos "
        "huérfanos [--dry-run]",
    ),
    "budget": ("rumbo_budget", "presupuesto: budget load-cog (Clasificador por Objeto del Gasto)"),
    "program": (
        "rumbo_program",
        "programa anual: program copy --institution CLAVE --from AAAA --to AAAA "
        "[--without-targets] | program from-design --institution CLAVE --year AAAA "
        "[--design ID] [--dry-run]",
    ),
}
# `rumbo import KIND` runs the app's own command when one owns KIND (its own options).
SUBCOMMANDS = {("import", "presupuesto"): "rumbo_import_presupuesto"}


def usage() -> str:
    lines = ["uso: rumbo COMANDO [opciones]   (rumbo COMANDO --help para ver las opciones)", ""]
    lines.append("comandos:")
    for name, (_, text) in COMMANDS.items():
        lines.append(f"  {name:<12} {text}")
    lines.append("  manage       cualquier comando de administración de Django")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        sys.exit(0)
    name, rest = args[0], args[1:]
    from django.core.management import execute_from_command_line

    if name == "manage":
        execute_from_command_line(["rumbo", *rest])
        return
    if name not in COMMANDS:
        sys.stderr.write(f"rumbo: error: comando desconocido {name!r}\n\n{usage()}\n")
        sys.exit(2)
    if rest and (name, rest[0]) in SUBCOMMANDS:
        execute_from_command_line(["rumbo", SUBCOMMANDS[(name, rest[0])], *rest[1:]])
        return
    execute_from_command_line(["rumbo", COMMANDS[name][0], *rest])


if __name__ == "__main__":  # pragma: no cover
    main()
