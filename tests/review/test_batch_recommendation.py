"""The district office's batch recommendation (推荐汇总表): the waiting applications listed with checkboxes,
ranks and own opinions; one common opinion and one confirmation recommend the chosen ones through the same
transition as a single recommendation, all or nothing; the act issues the numbered 推荐函 with the ranked
table (PDF) and the table as an Excel file, for the district office and the programme staff only."""

import io
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.choices import Notice
from applications.states import State
from notices.models import Counter, Document, Job, Notification
from review.models import (
    DistrictOpinion,
    PeerOpinion,
    RecommendationBatch,
    RecommendationEntry,
    TransitionLog,
)
from tests.notices.conftest import dispatch  # noqa: F401  (in-process rendering of the paper)
from tests.review_factories import district_user, pdf_upload, quick_application, staff_user, unit_in
from tests.statements import prepared_statements, runs_since

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = reverse("review:district_batch")


def peers(app, n):
    reviewer = district_user(app.district)
    for i in range(n):
        PeerOpinion.objects.create(application=app, added_by=reviewer, expert_name=f"同行专家{app.pk}-{i}",
                                   title="教授", title_level="senior", discipline="海洋科学", opinion="同意推荐。",
                                   date=timezone.localdate())


@pytest.fixture
def waiting(seeded):
    """Three Weihai applications of one district office awaiting its initial review, each with the three peer
    opinions of 副高 or above that 威海 四、2 asks for."""
    apps = [quick_application("weihai-2026", "in_district_review", name=f"威海批量推荐{i}号创新联合体",
                             members=i + 2) for i in range(3)]
    assert len({a.district_id for a in apps}) == 1
    for app in apps:
        peers(app, 3)
    return apps


@pytest.fixture
def reviewer(waiting):
    return district_user(waiting[0].district)


def post(client, ids, ranks, opinion="材料真实，符合条件，同意推荐。", confirm=True, own=None, **extra):
    data = {"ids": [a.pk for a in ids], "opinion": opinion, **extra}
    data.update({f"rank-{a.pk}": r for a, r in ranks.items()})
    data.update({f"opinion-{a.pk}": text for a, text in (own or {}).items()})
    if confirm:
        data["confirm"] = "on"
    return client.post(URL, data, **EN)


def sheet(data):
    return [list(r) for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)]


def test_the_waiting_applications_are_listed_to_rank_and_choose(client, waiting, reviewer):
    other_district = quick_application("weihai-2026", "in_district_review", name="荣成别区创新联合体",
                                       unit=unit_in("weihai-2026", division="371003"))
    client.force_login(reviewer)
    assert 'id="batch-recommend-link"' in client.get(reverse("review:workspace"), **EN).content.decode()
    page = client.get(URL, **EN).content.decode()
    for app in waiting:
        assert f'name="ids" value="{app.pk}"' in page and f'name="rank-{app.pk}"' in page and app.reference in page
    assert other_district.name not in page
    assert 'name="confirm"' in page and "3 of 3" in page
    assert waiting[0].name in client.get(URL, {"q": waiting[0].name}, **EN).content.decode()
    assert waiting[1].name not in client.get(URL, {"q": waiting[0].name}, **EN).content.decode()


def test_a_batch_recommends_the_chosen_in_their_rank_and_issues_its_papers(client, waiting, reviewer):
    first, second, third = waiting
    client.force_login(reviewer)
    response = post(client, [first, second, third], {third: 1, first: 5, second: 7},
                    own={second: "产学研协同基础好，重点推荐。"})
    batch = RecommendationBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("review:recommendation_batch",
                                                                           args=[batch.pk])
    for app in waiting:  # each through the recommend transition: state, log, opinion, notice
        app.refresh_from_db()
        assert app.state == State.FORMAL_REVIEW
        assert TransitionLog.objects.filter(application=app, transition="recommend", actor=reviewer).count() == 1
        assert DistrictOpinion.objects.get(application=app).decision == DistrictOpinion.Decision.RECOMMEND
        assert Notification.objects.filter(recipient=app.created_by, kind=Notice.RECOMMENDED).exists()
    entries = list(batch.entries.order_by("rank"))
    assert [(e.rank, e.application_id) for e in entries] == [(1, third.pk), (2, first.pk), (3, second.pk)]
    assert entries[2].opinion == "产学研协同基础好，重点推荐。" == DistrictOpinion.objects.get(application=second).opinion
    assert entries[0].opinion == batch.opinion == "材料真实，符合条件，同意推荐。"
    assert entries[0].member_count == third.members.count() > 0 and entries[0].lead_name == third.unit.name
    # The 推荐函 is one numbered paper of the district office, addressed to the programme's authority.
    job = Job.objects.get(kind=Job.Kind.RECOMMENDATION_BATCH)
    assert job.subject == batch and job.payload["issuer"] == reviewer.district.name
    year = timezone.localdate().year
    assert job.payload["number"] == reviewer.district.number_pattern.format(year=year, n=job.payload["number"]
                                                                             .split("〕")[1].rstrip("号"))
    page = client.get(response["Location"], **EN).content.decode()
    assert job.payload["number"] in page and 'id="batch-letter-pending"' in page
    assert page.index(third.name) < page.index(first.name) < page.index(second.name)
    # The Excel table: a title, the office and number, the header, one row per application in rank order.
    rows = sheet(client.get(reverse("review:recommendation_summary", args=[batch.pk])).content)
    assert rows[0][0].endswith("推荐汇总表") and reviewer.district.name in rows[1][0] and job.payload["number"] in rows[1][3]
    assert rows[2] == ["排名", "申报编号", "创新联合体名称", "牵头单位", "成员单位数", "领域", "推荐意见"]
    assert rows[3:] == [[e.rank, e.reference, e.name, e.lead_name, e.member_count, e.field, e.opinion]
                        for e in entries]
    assert rows[3][1] == third.reference and rows[5][6] == "产学研协同基础好，重点推荐。"


def test_one_that_cannot_be_recommended_is_named_and_none_is(client, waiting, reviewer):
    short = quick_application("weihai-2026", "in_district_review", name="同行意见不足创新联合体",
                              unit=unit_in("weihai-2026", division="371002"))
    assert short.district_id == reviewer.district_id
    peers(short, 2)
    counters = list(Counter.objects.values_list("series", "last"))
    client.force_login(reviewer)
    response = post(client, [waiting[0], short, waiting[1]], {waiting[0]: 1, short: 2, waiting[1]: 3},
                    opinion="共同意见保留。", own={waiting[1]: "保留的单独意见"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="batch-problems"' in page and short.name in page
    assert "At least 3 peer opinions by experts of associate senior title" in page
    assert "Nothing was recommended: 1 of the chosen applications cannot be recommended now." in page
    # Nothing is half-done: no state changed, no record, no paper, no number drawn.
    assert set(type(short).objects.filter(pk__in=[short.pk] + [a.pk for a in waiting]).values_list(
        "state", flat=True)) == {State.DISTRICT_REVIEW}
    assert not (RecommendationBatch.objects.exists() or DistrictOpinion.objects.exists()
                or Job.objects.filter(kind=Job.Kind.RECOMMENDATION_BATCH).exists())
    assert list(Counter.objects.values_list("series", "last")) == counters
    # What was typed is kept: the ticks, the ranks, the opinions.
    assert f'name="ids" value="{short.pk}" id="choose-{short.pk}" checked' in page
    assert f'name="ids" value="{waiting[2].pk}" id="choose-{waiting[2].pk}">' in page
    assert "共同意见保留。" in page and 'value="保留的单独意见"' in page
    # Unticked, the others go through.
    assert post(client, [waiting[0], waiting[1]], {waiting[0]: 1, waiting[1]: 2}).status_code == 302
    assert RecommendationEntry.objects.count() == 2


@pytest.mark.parametrize("case", ["no confirmation", "no opinion", "same rank", "no rank", "nothing chosen"])
def test_bad_input_recommends_nothing(client, waiting, reviewer, case):
    a, b, _c = waiting
    client.force_login(reviewer)
    kwargs = {"no confirmation": {"confirm": False}, "no opinion": {"opinion": " "}}.get(case, {})
    ranks = {"same rank": {a: 1, b: 1}, "no rank": {a: 1, b: ""}}.get(case, {a: 1, b: 2})
    response = post(client, [] if case == "nothing chosen" else [a, b], ranks, **kwargs)
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert not RecommendationBatch.objects.exists()
    assert set(type(a).objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {State.DISTRICT_REVIEW}


def test_another_districts_application_is_refused_and_nothing_is_done(client, waiting, reviewer):
    foreign = quick_application("weihai-2026", "in_district_review", name="别区的创新联合体",
                                unit=unit_in("weihai-2026", division="371003"))
    assert foreign.district_id != reviewer.district_id
    peers(foreign, 3)
    client.force_login(reviewer)
    response = post(client, [waiting[0], foreign], {waiting[0]: 1, foreign: 2})
    page = response.content.decode()
    assert response.status_code == 200 and "are not your office&#x27;s applications" in page
    assert foreign.name not in page  # never named to an office that may not see it
    foreign.refresh_from_db()
    waiting[0].refresh_from_db()
    assert foreign.state == waiting[0].state == State.DISTRICT_REVIEW and not RecommendationBatch.objects.exists()


def test_the_papers_are_for_the_district_office_and_the_programme_staff_only(client, waiting, reviewer):
    client.force_login(reviewer)
    post(client, waiting[:1], {waiting[0]: 1})
    batch = RecommendationBatch.objects.get()
    app = waiting[0]
    urls = [reverse(name, args=[batch.pk]) for name in ("review:recommendation_batch", "review:recommendation_summary")]
    staff = staff_user(app.programme.authority)
    entries = 'SELECT "review_recommendationentry"."id"'
    before = prepared_statements(entries)
    for user in (reviewer, staff):
        client.force_login(user)
        assert all(client.get(url).status_code == 200 for url in urls), user.role
        page = client.get(reverse("review:application_detail", args=[app.pk]), **EN).content.decode()
        assert 'data-kind="recommendation_batch"' in page and urls[0] in page
    # The application page reads them by a prepared statement, one per role's scope (portal.statements).
    assert sorted(runs_since(before, entries).values()) == [1, 1]
    other_office = district_user(quick_application("weihai-2026", "in_district_review",
                                                   unit=unit_in("weihai-2026", division="371003")).district)
    other_staff = staff_user(quick_application("zgc-2026", "in_district_review").programme.authority)
    for user in (other_office, other_staff, app.created_by):
        client.force_login(user)
        assert all(client.get(url).status_code == 404 for url in urls), user.role
    client.force_login(app.created_by)  # the applicant's page does not show the ranked table of others
    assert 'data-kind="recommendation_batch"' not in client.get(
        reverse("review:application_detail", args=[app.pk]), **EN).content.decode()
    for user in (staff, app.created_by):  # the batch page acts for district offices only
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_suzhou_batch_records_the_local_governments_letter_with_each(client, seeded):
    apps = [quick_application("suzhou-2026", "in_district_review", name=f"苏州批量{i}号创新联合体",
                              unit=unit_in("suzhou-2026", division="320506")) for i in range(2)]
    client.force_login(district_user(apps[0].district))
    page = client.get(URL, {"programme": apps[0].programme_id}, **EN).content.decode()
    assert 'name="letter"' in page
    without = post(client, apps, {apps[0]: 1, apps[1]: 2}, programme=apps[0].programme_id)
    assert "推荐函" in without.content.decode() and not RecommendationBatch.objects.exists()
    response = post(client, apps, {apps[0]: 1, apps[1]: 2}, programme=apps[0].programme_id,
                    letter=pdf_upload("推荐函.pdf"))
    assert response.status_code == 302
    assert DistrictOpinion.objects.exclude(letter="").filter(application__in=apps).count() == 2


def test_the_letter_is_rendered_numbered_and_downloadable(client, waiting, reviewer, dispatch):  # noqa: F811
    client.force_login(reviewer)
    post(client, waiting[:2], {waiting[1]: 1, waiting[0]: 2})
    batch = RecommendationBatch.objects.get()
    document = Document.objects.get(kind=Job.Kind.RECOMMENDATION_BATCH)
    assert document.subject == batch
    number = batch.jobs.get().payload["number"]
    response = client.get(reverse("review:recommendation_letter", args=[batch.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    text = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                                  check=True).stdout.decode().split())
    assert number in text and "关于推荐2家创新联合体的函" in text and "推荐汇总表" in text
    assert f"{waiting[0].programme.authority.name}：" in text and reviewer.district.name in text
    assert text.index(waiting[1].name) < text.index(waiting[0].name)
    assert waiting[0].reference in text


def test_the_page_runs_the_same_queries_whatever_the_number_listed(client, waiting, reviewer,
                                                                   django_assert_max_num_queries):
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for i in range(12):
        peers(quick_application("weihai-2026", "in_district_review", name=f"更多待推荐{i}号创新联合体",
                                unit=unit_in("weihai-2026", division="371002"), members=2), 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL).content.decode()
    assert page.count('name="ids"') == 15
