"""The PAA parser: the tree and the declared counts."""

from __future__ import annotations

from .layout import (
    KIND_LABEL,
    ParsedProgram,
    ParsedProject,
    ParsedSubprogram,
    _short,
)
from .state import _ParserState


class _Checks(_ParserState):
    # -- the tree and the declared counts ------------------------------------------------

    def _assemble(self) -> ParsedProgram:
        if not self.subprograms:
            raise self.fail(f"no parece {KIND_LABEL}: no tiene secciones «Subprograma NN:»")
        if not self.activities:
            raise self.fail(
                f"no parece {KIND_LABEL}: no se encontró ninguna actividad "
                "(clave de 6 dígitos con sus cantidades)"
            )
        for key, row in sorted(self.structure.items()):
            if key not in self.subprograms:
                self.subprograms[key] = ParsedSubprogram(
                    key=key, name=row.description, line=row.line
                )
            subprogram = self.subprograms[key]
            if not subprogram.area_labels and row.area:
                subprogram.area_labels.append((row.area, row.line))

        projects: dict[str, ParsedProject] = {}
        for key, (name_, line) in self.detail_projects.items():
            projects[key] = ParsedProject(key, name_, line)
        for key, (name_, line, declared) in self.summary_projects.items():
            project = projects.setdefault(key, ParsedProject(key, name_, line))
            project.declared_activities, project.declared_line = declared, line

        seen: set[str] = set()
        for activity in self.activities:
            owner = projects.get(activity.key[:4])
            label = f"Actividad {activity.key}"
            if activity.key in seen:
                self.add(
                    "duplicate_row",
                    activity.line,
                    f"La clave {activity.key} ya apareció antes; se conservó la primera.",
                    label,
                    ("line", str(activity.line)),
                )
                continue
            if owner is None:
                self.add(
                    "unparsed_line",
                    activity.line,
                    f"La actividad {activity.key} no pertenece a ningún proyecto del documento "
                    f"(no existe el proyecto {activity.key[:4]}); no se importó.",
                    label,
                    ("line", str(activity.line)),
                )
                continue
            seen.add(activity.key)
            owner.activities.append(activity)

        for key, project in projects.items():
            parent = self.subprograms.get(key[:2])
            if parent is None:
                self.add(
                    "unparsed_line",
                    project.line,
                    f"El proyecto {key} no pertenece a ningún subprograma del documento; no se "
                    f"importó (ni sus {len(project.activities)} actividades).",
                    f"Proyecto {key}",
                    ("line", str(project.line)),
                )
                continue
            parent.projects.append(project)

        subprograms = sorted(self.subprograms.values(), key=lambda s: s.line)
        self._check_truncation(subprograms)
        self._check_counts(subprograms)
        self.findings.sort(key=lambda f: f.line or 0)
        return ParsedProgram(self.name, self.year, self.year_line, subprograms, self.findings)

    def _check_truncation(self, subprograms: list[ParsedSubprogram]) -> None:
        for subprogram in subprograms:
            if not any(True for _ in subprogram.activities()):
                row = self.structure.get(subprogram.key)
                line = row.line if row else subprogram.line
                raise self.fail(
                    f"el subprograma {subprogram.key} («{_short(subprogram.name, 60)}») se "
                    "anuncia pero no tiene actividades; el archivo parece truncado",
                    line,
                )
        last = self.activities[-1]
        final = self.subprograms.get(last.key[:2])
        for project in final.projects if final else []:
            if not project.activities and project.key > last.key[:4]:
                raise self.fail(
                    f"el proyecto {project.key} se anuncia pero el archivo termina antes de "
                    f"sus actividades (última actividad: {last.key}); parece truncado",
                    project.declared_line or project.line,
                )

    def _check_counts(self, subprograms: list[ParsedSubprogram]) -> None:
        def mismatch(
            line: int | None, what: str, declared: int, found: int, label: str, key: str
        ) -> None:
            if declared != found:
                self.add(
                    "count_mismatch",
                    line,
                    f"{what} declara {declared} y se encontraron {found}.",
                    label,
                    ("node", key) if key else ("line", str(line)),
                )

        total_projects = total_activities = 0
        for subprogram in subprograms:
            count = sum(len(p.activities) for p in subprogram.projects)
            total_projects += len(subprogram.projects)
            total_activities += count
            label = f"Subprograma {subprogram.key}"
            for project in subprogram.projects:
                if project.declared_activities is not None:
                    mismatch(
                        project.declared_line,
                        f"El resumen del proyecto {project.key} (actividades)",
                        project.declared_activities,
                        len(project.activities),
                        f"Proyecto {project.key}",
                        project.key,
                    )
            if subprogram.declared_activities is not None:
                mismatch(
                    subprogram.declared_line,
                    f"El total de actividades del subprograma {subprogram.key}",
                    subprogram.declared_activities,
                    count,
                    label,
                    subprogram.key,
                )
            row = self.structure.get(subprogram.key)
            if row is not None:
                where = f"La estructura del programa, para el subprograma {subprogram.key},"
                mismatch(
                    row.line,
                    f"{where} en proyectos",
                    row.projects,
                    len(subprogram.projects),
                    label,
                    subprogram.key,
                )
                mismatch(
                    row.line,
                    f"{where} en actividades",
                    row.activities,
                    count,
                    label,
                    subprogram.key,
                )
        if self.structure_total is not None:
            figures, line = self.structure_total
            declared = [int(f) for f in figures]
            found = [total_projects, total_activities]
            for what, d, f in zip(("proyectos", "actividades"), declared, found, strict=False):
                mismatch(line, f"El total de {what} de la estructura", d, f, "Programa", "")
