"""The bell's count reaches the person's own socket live, and nobody else's."""
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils.translation import gettext_lazy

from apps.notifications.services import notify
from iepteam.asgi import application
from tests.live import ORIGIN, token_for

pytestmark = pytest.mark.django_db(transaction=True)


async def bell_of(user):
    headers = [ORIGIN]
    if user is not None:
        headers.append((b"authorization", f"Token {await token_for(user)}".encode()))
    socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    return socket


@pytest.mark.asyncio
async def test_the_bell_count_updates_live_for_its_owner_only(transactional_demo):
    demo = transactional_demo
    mine = await bell_of(demo.ot)
    theirs = await bell_of(demo.parent_leo)
    assert (await mine.receive_json_from(timeout=5)) == {"type": "unread.count", "count": 0}
    assert (await theirs.receive_json_from(timeout=5)) == {"type": "unread.count", "count": 0}

    await database_sync_to_async(notify)([demo.ot], "mention", gettext_lazy("Look at this"), url="/ieps/1/")
    assert (await mine.receive_json_from(timeout=5)) == {"type": "unread.count", "count": 1}
    assert await theirs.receive_nothing(timeout=0.5)
    await mine.disconnect()
    await theirs.disconnect()


@pytest.mark.asyncio
async def test_a_bell_without_a_person_is_refused(transactional_demo):
    socket = await bell_of(None)
    message = await socket.receive_output(timeout=5)
    assert message["type"] == "websocket.close" and message["code"] == 4401
