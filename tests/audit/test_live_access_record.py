"""Opening the IEP's live channel is a read of the child's record: one entry per socket opened by
staff or an evaluator, none for the child's parents or for a refused socket."""
import pytest
from channels.db import database_sync_to_async

from apps.audit.models import AccessLog
from tests.live import connect_member, open_socket, refused_with

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def _entries():
    return list(AccessLog.objects.values_list("user__email", "role", "action", "object_type", "object_id", "purpose"))


async def test_opening_the_live_channel_is_recorded_for_staff_and_not_for_the_parents(transactional_demo):
    d = transactional_demo
    ot, _ = await connect_member(d.maya_iep.id, d.ot)
    parent, _ = await connect_member(d.maya_iep.id, d.parent_maya)
    refused = await open_socket(d.maya_iep.id, d.parent_leo)
    assert (await refused_with(refused))[0] == 4403
    assert await _entries() == [("ot@demo.example", "clinician", "live", "iep", d.maya_iep.id, "IEP team work")]
    await ot.disconnect()
    await parent.disconnect()
