"""«Avisos»: one's own avisos newest first, unread marked; opening one marks it read and
goes to its object (only its recipient: anybody else gets 404); «Marcar todo como
leído»; the e-mail preference; the header's unread count, loaded apart (htmx) so no page
pays its query. Query counts pinned, independent of how many avisos there are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rumbo.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

PAGE = "/cuenta/avisos/"


def make(user, n: int, *, read: int = 0) -> list[Notification]:
    """``n`` avisos for ``user``, one a minute apart (the last the newest); the first
    ``read`` of them read."""
    base = timezone.now() - timedelta(days=1)
    rows = []
    for i in range(n):
        row = Notification.objects.create(
            recipient=user,
            kind="capture_returned",
            title=f"Aviso {i + 1}",
            body=f"Texto del aviso {i + 1}",
            url=f"/i/IEEM/programa/2024/captura/SE/{i % 12 + 1}/",
            key=f"prueba:{i}",
            read_at=timezone.now() if i < read else None,
        )
        Notification.objects.filter(pk=row.pk).update(created_at=base + timedelta(minutes=i))
        rows.append(row)
    return rows


def test_the_page_lists_newest_first_with_the_unread_marked(as_user, demo) -> None:
    client = as_user("enlace_se")
    rows = make(demo.users["enlace_se"], 3, read=1)
    make(demo.users["enlace_otra"], 1)  # someone else's: not listed
    html = client.get(PAGE).content.decode()
    positions = [html.find(f">Texto del aviso {i}<") for i in (3, 2, 1)]
    assert -1 not in positions and positions == sorted(positions)  # 3, 2, 1
    assert html.count(">Texto del aviso 1<") == 1  # enlace_otra's own is not listed
    assert html.count('class="notification is-unread"') == 2
    assert "Tienes <strong>2</strong> sin leer." in html
    assert f'href="/cuenta/avisos/{rows[0].pk}/"' in html
    assert "Marcar todo como leído" in html
    assert "Desactivar avisos por correo" in html


def test_opening_an_aviso_marks_it_read_and_goes_to_its_object(as_user, demo, client) -> None:
    (row,) = make(demo.users["enlace_se"], 1)
    as_user("enlace_otra")
    assert client.get(f"{PAGE}{row.pk}/").status_code == 404  # not theirs
    row.refresh_from_db()
    assert row.read_at is None
    as_user("enlace_se")
    response = client.get(f"{PAGE}{row.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/i/IEEM/programa/2024/captura/SE/1/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_all_read(as_user, demo) -> None:
    client = as_user("enlace_se")
    make(demo.users["enlace_se"], 3)
    (other,) = make(demo.users["enlace_otra"], 1)
    response = client.post(f"{PAGE}leidos/", follow=True)
    assert "Marcaste todos tus avisos como leídos." in response.content.decode()
    assert not Notification.objects.filter(
        recipient=demo.users["enlace_se"], read_at__isnull=True
    ).exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert client.get(f"{PAGE}leidos/").status_code == 405  # POST only


def test_the_email_preference_toggles(as_user, demo) -> None:
    client = as_user("enlace_se")
    response = client.post(f"{PAGE}correo/", {"email": "off"}, follow=True)
    assert "Ya no recibirás avisos por correo" in response.content.decode()
    assert "Activar avisos por correo" in response.content.decode()
    assert not NotificationPreference.objects.get(user=demo.users["enlace_se"]).email_enabled
    client.post(f"{PAGE}correo/", {"email": "on"})
    assert NotificationPreference.objects.get(user=demo.users["enlace_se"]).email_enabled
    assert client.post(f"{PAGE}correo/", {}).status_code == 400


def test_the_header_loads_the_count_apart(as_user, demo) -> None:
    client = as_user("enlace_se")
    make(demo.users["enlace_se"], 4, read=1)
    home = client.get("/", follow=True).content.decode()
    assert 'hx-get="/cuenta/avisos/contador/" hx-trigger="load"' in home
    badge = client.get(f"{PAGE}contador/").content.decode()
    assert '>3<span class="visually-hidden"> sin leer</span>' in badge
    client.post(f"{PAGE}leidos/")
    assert "notifications-count" not in client.get(f"{PAGE}contador/").content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_the_page_and_the_count_cost_the_same_for_1_and_20(
    as_user, demo, count, django_assert_num_queries
) -> None:
    client = as_user("enlace_se")
    make(demo.users["enlace_se"], count)
    # session, user, the avisos, the e-mail preference
    with django_assert_num_queries(4):
        assert client.get(PAGE).status_code == 200
    # session, user, the count
    with django_assert_num_queries(3):
        assert client.get(f"{PAGE}contador/").status_code == 200
