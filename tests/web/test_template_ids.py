"""An object's id printed in a template is printed as it is: «1234», never «1,234».

Django localises numbers in templates (USE_THOUSAND_SEPARATOR): an id of 1,000 or more
becomes «1,234», which a form value («1,234:2») or a fragment (#aviso-1,234) does not
survive. Ids stay small in a fresh SQLite test database, so only PostgreSQL's sequences
(which keep counting across tests) showed it; this scan finds every such place instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

BARE_ID = re.compile(r"\{\{\s*[\w.]+\.(?:pk|id)\s*\}\}")


def test_every_id_in_a_template_is_unlocalized():
    root = Path(settings.BASE_DIR) / "rumbo"
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_ID.search(line)
    ]
    assert not found, "add |unlocalize (and {% load l10n %}):\n" + "\n".join(found)
