"""The IEP page's table of contents leads to "I have considered the findings" for exactly those who
still have to consider them (the evaluations panel adds the entry; ieps does not know of it)."""
from django.test import Client


def _toc(user, iep):
    client = Client()
    client.force_login(user)
    html = client.get(f"/ieps/{iep.id}/").content.decode()
    start = html.index('id="toc-list"')
    return html[start:html.index("</ol>", start)]


def test_the_contents_link_to_the_acknowledgement_for_whom_it_waits(flow, demo):
    flow.to("submitted")
    link = f'href="#ack-button-{flow.id}">I have considered the findings'
    assert link in _toc(demo.parent_maya, demo.maya_iep)
    assert link in _toc(demo.ot, demo.maya_iep)
    assert link not in _toc(demo.admin, demo.maya_iep)  # administrators read; they do not acknowledge
    flow.acknowledge("parent.maya")
    assert link not in _toc(demo.parent_maya, demo.maya_iep)
    assert link in _toc(demo.ot, demo.maya_iep)
