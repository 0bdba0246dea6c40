"""The district office's batch recommendation in real Chromium: from the workspace to the list of waiting
applications, two chosen and ranked (the second listed first), the common opinion written and confirmed; the
batch's page shows the 文号 and the ranked table, and the summary table downloads as an Excel file.  Screenshots
land in artefacts/browser/<test>/."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application
from applications.states import State
from review.models import PeerOpinion, RecommendationBatch
from tests.browser.conftest import shoot
from tests.browser.test_weihai_route import go, log_in
from tests.review_factories import district_user, quick_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_district_office_ranks_and_recommends_two_at_once(live_server, browser_page, seeded):
    apps = [quick_application("weihai-2026", "in_district_review", name=f"浏览器批量推荐{i}号创新联合体", members=3)
            for i in range(2)]
    reviewer = district_user(apps[0].district)
    for app in apps:
        for i in range(3):
            PeerOpinion.objects.create(application=app, added_by=reviewer, expert_name=f"专家{app.pk}-{i}",
                                       title="研究员", title_level="senior", discipline="海洋科学",
                                       opinion="同意推荐。", date=timezone.localdate())
    page, base = browser_page, live_server.url
    log_in(page, base, reviewer)
    go(page, page.locator("#batch-recommend-link"))
    for app in apps:
        page.check(f"#choose-{app.pk}")
    page.fill(f"#rank-{apps[0].pk}", "2")
    page.fill(f"#rank-{apps[1].pk}", "1")
    page.fill(f"#opinion-{apps[1].pk}", "产业链协同基础扎实，优先推荐。")
    page.fill("#id_opinion", "经审核，申报材料真实、完整，同意推荐。")
    shoot(page, "1-chosen-and-ranked")
    go(page, page.locator("#batch-submit"))  # not confirmed: nothing happens, what was typed stays
    assert page.locator("#id_opinion").input_value() == "经审核，申报材料真实、完整，同意推荐。"
    assert page.locator(f"#rank-{apps[1].pk}").input_value() == "1" and page.is_checked(f"#choose-{apps[0].pk}")
    assert not RecommendationBatch.objects.exists()
    page.check("#id_confirm")
    go(page, page.locator("#batch-submit"))
    batch = RecommendationBatch.objects.get()
    assert page.url == f"{base}/recommendations/{batch.pk}/"
    number = batch.jobs.get().payload["number"]
    assert page.locator("#batch-number").inner_text() == number
    names = page.locator("#batch-entries tbody tr td:nth-child(3)").all_inner_texts()
    assert names == [apps[1].name, apps[0].name]
    assert {a.state for a in Application.objects.filter(pk__in=[a.pk for a in apps])} == {State.FORMAL_REVIEW}
    shoot(page, "2-recommended")
    with page.expect_download() as download:
        page.click("#batch-summary")
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True).active.iter_rows(
        values_only=True))
    assert [r[2] for r in rows[3:]] == [apps[1].name, apps[0].name] and number in rows[1][3]
