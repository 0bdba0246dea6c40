"""The access matrix (security baseline): every URL pattern the resolver knows, requested by everyone who is not
the owner's side, with real objects of someone else.

The patterns are read from ``django.urls.get_resolver()`` (namespaces included), so a new URL is covered
without editing this test; each of its parameters is filled with the id of a real object of the victim party
(tests/security/victims.py).  A parameter name this test cannot fill FAILS it: a new kind of object needs its
line in :data:`FILL`, it cannot go untested silently.

For each principal (anonymous, an applicant of another unit, an applicant of a member unit, a district
reviewer of another district, an expert not assigned, staff of another authority, a third-party evaluator not
commissioned), each URL is requested with GET and with an empty POST:

- a 200 must contain none of the victim's markers (private fields and file bodies; see victims.py);
- no request (an empty POST above all) may change any of the victim's rows: after each request that wrote
  anything (PostgreSQL's statistics of the transaction say so), the victim's rows are compared with a snapshot.

Skipped: the admin site (``admin/``), whose every page requires ``is_staff`` — checked on its own below
(``test_the_admin_site_is_closed_to_every_principal``), since none of the principals is staff of the site.
The victim's side is the control: its users reach the main pages with 200 and see their markers, so the
matrix is known to reach real pages.
"""

import itertools
import time
from collections import Counter

import pytest
from captcha.models import CaptchaStore
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications.certificates import verification_code
from review.models import Assignment, PoolProposal

from . import victims

#: Prefixes of patterns not requested here, each with the reason (asserted small and explicit below).
SKIPPED = {"admin/": "the admin site: every page requires is_staff (test_the_admin_site_is_closed_to_every_principal)"}

#: URL names whose ``pk`` is not an application.
PK_OF = {
    "review:recommendation_batch": "batch", "review:recommendation_summary": "batch",
    "review:recommendation_letter": "batch",
    "review:export_detail": "export", "review:export_status": "export", "review:export_download": "export",
    "review:import_detail": "paper_import", "review:import_invite": "paper_import",
    "review:credit_edit": "credit",
    "review:proposal_detail": "proposal", "review:proposal_decide": "proposal",
}


def _apps(d):
    """One application of the victim at each interesting state."""
    return [(a.pk, a.pk) for a in (d.draft, d.district, d.formal, d.experts, d.publicity, d.filed, d.supervised)]


def _own(obj):
    """(id, the application it belongs to) — paired with a ``pk`` of that application only."""
    return [(obj.pk, obj.application_id)]


APPLICATION_KWARGS = {"pk", "application_id"}

#: kwarg name → function(data, url name) → [(value, application id it belongs to, or None)].
FILL = {
    "pk": lambda d, name: [(getattr(d, PK_OF[name]).pk, None)] if name in PK_OF else _apps(d),
    "application_id": lambda d, name: _apps(d),
    "code": lambda d, name: (
        [(a.requirement.code, a.application_id) for a in d.draft.attachments.select_related("requirement")]
        if name == "applications:attachment_upload"
        else [(verification_code(d.filed.certificate_number), None)] if name == "review:verify_certificate"
        else [(d.draft.programme.code, None)]),
    "number": lambda d, name: (
        [(d.filed.certificate_number, None)] if name == "review:verify_certificate"
        else [(v.number, v.application_id) for a in d.applications for v in a.versions.all()]),
    "file_id": lambda d, name: (
        [(d.supervision_file.pk, None)] if name.startswith("supervision:")
        else [(f.pk, f.attachment.application_id) for f in d.files]),
    "user_id": lambda d, name: [(d.colleague.pk, None), (d.owner.pk, None)],
    "note_id": lambda d, name: [(d.notification.pk, None)],
    "opinion_id": lambda d, name: (
        [(d.letter_opinion.pk, d.letter_opinion.application_id)] if name == "review:district_letter"
        else _own(d.peer)),
    "filing_id": lambda d, name: [(d.paper_filing.pk, None)],
    "batch_id": lambda d, name: [(d.entry.batch_id, None)],
    "entry_id": lambda d, name: [(d.entry.pk, None)],
    "objection_id": lambda d, name: [(d.objection.pk, None), (d.unit_objection.pk, None)],
    "agreement_id": lambda d, name: _own(d.agreement),
    "visit_id": lambda d, name: _own(d.visit),
    "assignment_id": lambda d, name: [(a.pk, None) for a in Assignment.objects.filter(application=d.experts)],
    "document_id": lambda d, name: [(d.document.pk, d.document.subject_id)],
    "report_id": lambda d, name: [(d.report.pk, None)],
    "evaluation_id": lambda d, name: [(d.evaluation.pk, None)],
    "change_id": lambda d, name: [(d.change.pk, None)],
    "rectification_id": lambda d, name: [(d.rectification.pk, None)],
    "revocation_id": lambda d, name: [(d.revocation.pk, None)],
    "kind": lambda d, name: [(kind, None) for kind in PoolProposal.Kind.values],
    # the objection form's challenge pictures: public by design, a fresh challenge's key
    "key": lambda d, name: [(CaptchaStore.generate_key(), None)],
    # someone else's account in a reset link, without their token (the token is the secret of the e-mail)
    "uidb64": lambda d, name: [(urlsafe_base64_encode(force_bytes(d.owner.pk)), None)],
    "token": lambda d, name: [("set-password", None), (default_token_generator.make_token(d.stranger), None)],
}


def walk(patterns=None, prefix="", namespace=None):
    """Every URL pattern: (route, full name, [kwarg names])."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, route, inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            kwargs = list(getattr(pattern.pattern, "converters", {})) or list(pattern.pattern.regex.groupindex)
            yield route, name, kwargs


def patterns_under_test():
    return [(route, name, kwargs) for route, name, kwargs in walk()
            if not any(route.startswith(prefix) for prefix in SKIPPED)]


def urls_for(data, name, kwargs):
    """Each URL of ``name`` with its kwargs filled by the victim's objects (the kwargs of one object agree)."""
    unknown = [k for k in kwargs if k not in FILL]
    assert not unknown, f"{name}: no victim object for the URL parameter(s) {unknown}: add them to FILL"
    urls = []
    choices = [FILL[k](data, name) for k in kwargs]
    for combination in itertools.product(*choices):
        values = dict(zip(kwargs, combination, strict=True))
        # an object of an application (a file, an opinion …) goes with that application's id
        owners = {owner for k, (_v, owner) in values.items() if owner is not None and k not in APPLICATION_KWARGS}
        if len(owners) > 1:
            continue
        for k in APPLICATION_KWARGS & set(kwargs) if owners and name not in PK_OF else ():
            values[k] = (next(iter(owners)), None)
        url = reverse(name, kwargs={k: value for k, (value, _o) in values.items()})
        if url not in urls:
            urls.append(url)
    assert urls, f"{name}: the victim's data gives no URL"
    return urls


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # the client closes the response at the end
    return response.content


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The victim's data and the principals, written once for the module (rolled back at its end)."""
    from django.db import transaction
    from django.test.utils import override_settings

    media = str(tmp_path_factory.mktemp("matrix-media"))
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}}
    from django.conf import settings

    with override_settings(STORAGES={**settings.STORAGES, "default": storage}, MEDIA_ROOT=media,
                           OUTBOX_DISPATCH=False, AXES_ENABLED=False,
                           PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
            django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # the migration-seeded holidays and the seed programmes, as a transactional test may have left them
            from django.core.management import call_command

            from review.calendar import load_holidays

            load_holidays()
            call_command("load_programmes", "--demo-window", verbosity=0)
            data = victims.build()
            data.principals = victims.principals(data)
            data.stranger = data.principals["applicant of another unit"]
            data.files = list(victims.AttachmentFile.objects.filter(attachment__application__in=data.applications)
                              .select_related("attachment"))
            data.media = storage
            yield data
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def victim(matrix, settings, db):
    settings.STORAGES = {**settings.STORAGES, "default": matrix.media}
    settings.MEDIA_ROOT = matrix.media["OPTIONS"]["location"]
    return matrix


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_pattern_is_requested_and_the_skipped_set_is_small():
    every = list(walk())
    tested = patterns_under_test()
    skipped = [route for route, _n, _k in every if (route, _n, _k) not in tested]
    assert set(SKIPPED) == {"admin/"}
    assert all(route.startswith("admin/") for route in skipped)
    assert len(tested) > 90, len(tested)  # the project's own pages, Django's login pages, the language switch
    assert all(name for _r, name, _k in tested), "every pattern has a name (reverse() builds its URL)"


def test_a_parameter_nobody_can_fill_fails_the_matrix(victim):
    with pytest.raises(AssertionError, match="no victim object for the URL parameter"):
        urls_for(victim, "review:new_page", ["widget_id"])


def test_the_victim_side_reaches_its_pages(victim):
    """The control: the same URLs give 200 with the markers to the victim's own side."""
    d = victim
    staff = victims.staff_user(d.formal.programme.authority)
    reviewer = victims.district_user(d.district.district)
    expert = Assignment.objects.filter(application=d.experts).first()
    file = d.files[0]
    checks = [
        (d.owner, reverse("review:application_detail", args=[d.draft.pk]), d.draft.name),
        (d.owner, reverse("applications:application_edit", args=[d.draft.pk]), d.draft.goals),
        (d.owner, reverse("applications:attachment_download", args=[file.attachment.application_id, file.pk]),
         file.original_name.split("-")[0]),
        (d.owner, reverse("notices:inbox"), d.notification.subject),
        (d.owner, reverse("portal:unit_profile"), victims.Unit.objects.get(pk=d.draft.unit_id).contact_phone),
        (reviewer, reverse("review:district_review", args=[d.district.pk]), d.district.name),
        (staff, reverse("review:formal_review", args=[d.formal.pk]), d.formal.name),
        (staff, reverse("review:objection_finding", args=[d.objection.pk]), d.objection.person_name),
        (expert.expert.user, reverse("review:assignment_detail", args=[expert.pk]), d.experts.name),
        (d.evaluator, reverse("supervision:consortium", args=[d.supervised.pk]), d.evaluation.comments),
        (d.supervised.created_by, reverse("supervision:report_edit", args=[d.report.pk]), d.report.strategy),
    ]
    for user, url, word in checks:
        response = _client(user).get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert word.encode() in body(response), (url, word)


def test_the_admin_site_is_closed_to_every_principal(victim):
    """The admin, skipped by the matrix: a principal who is not staff of the site is sent to its login; programme
    staff of another authority reach it, but no change list or change page of the victim's rows shows a marker."""
    from django.contrib import admin

    markers = [m.encode() for m in victim.markers]
    rows = {model: where for model, where in victims.victim_rows(victim)}
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model in rows:
            pages += [reverse("admin:{}_{}_change".format(*info), args=[pk])
                      for pk in model.objects.filter(**rows[model]).values_list("pk", flat=True)[:3]]
    leaks = []
    for who, user in victim.principals.items():
        client = _client(user)
        for url in pages:
            response = client.get(url)
            if user is None or not user.is_staff:
                assert response.status_code == 302 and "/admin/login/" in response.url, (who, url)
            elif response.status_code == 200:
                leaks += [(who, url, m.decode()) for m in markers if m in response.content]
    assert not leaks, leaks


def test_no_outsider_sees_or_changes_the_victims_data(victim):
    d = victim
    markers = [m.encode() for m in d.markers]
    leaks, changed, failed = [], [], []
    count, snapshots, started, statuses, refused = 0, 0, time.monotonic(), Counter(), Counter()
    patterns = patterns_under_test()
    urls = [(name, url) for _route, name, kwargs in patterns for url in urls_for(d, name, kwargs)]
    before, written = victims.snapshot(d), victims.writes()
    for who, user in d.principals.items():
        client = _client(user)
        for _name, url in urls:
            for method in ("get", "post"):
                count += 1
                try:
                    response = getattr(client, method)(url)
                except Exception as error:  # a crash is not a leak, but it is reported
                    failed.append((who, method.upper(), url, repr(error)[:80]))
                    continue
                statuses[response.status_code] += 1
                refused[who] += response.status_code in (403, 404)
                if user is not None and "_auth_user_id" not in client.session:
                    client.force_login(user)  # the logout URL (or a view) ended the session: the next asks as them
                if response.status_code == 200:
                    content = body(response)
                    found = [m.decode() for m in markers if m in content]
                    if found:
                        leaks.append((who, method.upper(), url, ", ".join(found[:3])))
                if victims.writes() != written:  # (a GET must not change them either)
                    written, after, snapshots = victims.writes(), victims.snapshot(d), snapshots + 1
                    if after != before:
                        what = sorted(k for k in after if after[k] != before[k])
                        changed.append((who, method.upper(), url, ", ".join(what)))
                        before = after
    elapsed = time.monotonic() - started
    print(f"\naccess matrix: {count} requests over {len(urls)} URLs of {len(patterns)} patterns, "
          f"{len(d.principals)} principals, {elapsed:.1f} s, {snapshots} snapshots; statuses {dict(statuses)}")
    # each signed-in principal was really asking as itself (not sent to the login page after a logout)
    assert all(refused[who] > 50 for who, user in d.principals.items() if user is not None), refused
    table = "\n".join(f"  {who:40} {method:5} {url:60} {what}" for who, method, url, what in leaks + changed + failed)
    assert not (leaks or changed or failed), (
        f"{len(leaks)} leak(s), {len(changed)} change(s) of the victim's rows, {len(failed)} crash(es):\n{table}")
