"""Every stage page of every seed route opens for the user who acts there, and the application page
with it, from submission to the filed certificate.

The pages are found from the stage registry (``review.views.links.stage_link``), the users from the
stage's actor.  Marked ``sqlite``: ``scripts/test.sh`` runs these tests a second time on the demo's
embedded SQLite, where a PostgreSQL-only lookup once made the expert page answer 500.
"""

import datetime

import pytest
from django.utils import timezone

from applications.stages import stage_of
from applications.states import State
from portal.models import Role
from review.views.links import stage_link
from tests.review_factories import district_user, make_application, staff_user, step

ROUTES = ["weihai-2026", "jiangsu-2026", "suzhou-2026", "beijing-2026", "zgc-2026"]


def actor_of(application):
    stage = stage_of(application)
    if stage.actor == Role.DISTRICT:
        return district_user(application.district)
    return staff_user(application.programme.authority)


@pytest.mark.sqlite
@pytest.mark.parametrize("code", ROUTES)
def test_every_stage_page_of_the_route_opens_for_its_actor(client, seeded, code):
    options = {"lead_selected_by": "county"} if code == "suzhou-2026" else {}
    application = make_application(code, state=State.DRAFT, **options)
    application = step(application)  # submitted
    start = timezone.localdate() - datetime.timedelta(days=30)  # a publicity period that has ended
    visited = []
    while application.state != State.FILED:
        url, label = stage_link(application)
        client.force_login(actor_of(application))
        page = client.get(url)
        assert page.status_code == 200, (code, application.state, url)
        assert client.get(application.get_absolute_url()).status_code == 200, (code, application.state)
        visited.append(application.state)
        application = step(application, target=State.FILED, publicity_start=start)
    client.force_login(application.created_by)
    detail = client.get(application.get_absolute_url()).content.decode()
    assert application.certificate_number and application.certificate_number in detail
    assert visited[-1] in (State.APPROVED, State.PUBLICITY), visited
