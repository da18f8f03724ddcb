"""The folders of files a backup carries, each registered by the app that writes there.

Core registers Django's media folder (the FileFields: agreement and adjustment documents);
an app that keeps files of its own registers its folder in its ``AppConfig.ready()``
(monitoring: evidence; jobs: finished exports). A folder not registered is not backed up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import FileField


@dataclass(frozen=True)
class FileRoot:
    """A folder backed up whole, as ``files/<name>/<path inside it>``; ``leave_out`` names
    first-level entries that are not (files still being written); ``referenced`` gives the
    paths the database names (read in the backup's snapshot), so that a file a row needs
    but the folder lacks is reported instead of passing unnoticed."""

    name: str
    path: Callable[[], Path]
    leave_out: frozenset[str] = frozenset()
    referenced: Callable[[], Iterable[str]] | None = None


_ROOTS: dict[str, FileRoot] = {}


def register_file_root(
    name: str,
    path: Callable[[], Path],
    *,
    leave_out: tuple[str, ...] = (),
    referenced: Callable[[], Iterable[str]] | None = None,
) -> None:
    """Back up every file under ``path()`` (read when a backup or restore runs)."""
    if "/" in name or not name:
        raise ValueError(f"nombre de carpeta inválido: {name!r}")
    _ROOTS[name] = FileRoot(
        name=name, path=path, leave_out=frozenset(leave_out), referenced=referenced
    )


def file_roots() -> list[FileRoot]:
    return sorted(_ROOTS.values(), key=lambda root: root.name)


def media_root() -> Path:
    if not settings.MEDIA_ROOT:
        raise ImproperlyConfigured("MEDIA_ROOT no está configurado; revisa config/settings.")
    return Path(settings.MEDIA_ROOT).resolve()


def media_referenced() -> Iterator[str]:
    """The names every FileField of every model holds."""
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, FileField)]
        for name in names:
            values = model._base_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
            yield from values.values_list(name, flat=True)


def root_files(root: FileRoot) -> Iterator[tuple[str, Path]]:
    """(path inside the root with «/», absolute path) of every regular file, sorted."""
    base = root.path()
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if relative.parts[0] in root.leave_out or path.is_symlink() or not path.is_file():
            continue
        yield relative.as_posix(), path
