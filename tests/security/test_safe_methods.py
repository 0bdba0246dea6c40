"""Nothing changes state on a GET: every URL pattern, requested with GET by the victim's own side (the owner, the
programme's staff, the district reviewer, an assigned expert, the commissioned evaluator, the supervised
consortium's applicant, the system administrator), writes no row (PostgreSQL's statistics of the transaction;
sessions and the login throttle aside).  A page that acts does so on a POST (tests/security/test_access_matrix.py
builds the data and walks the patterns)."""

from captcha.models import CaptchaStore
from django.urls import reverse

from review.models import Assignment, PoolProposal

from . import test_access_matrix as access
from . import victims
from .test_access_matrix import _client, patterns_under_test, urls_for

matrix, victim = access.matrix, access.victim  # the matrix's fixtures: its data, written once for the module


#: URL parameters that are not a victim's object: {name: function() → values}.
VALUES = {"kind": lambda: PoolProposal.Kind.values, "key": lambda: [CaptchaStore.generate_key()]}


def every_url(d):
    urls = []
    for _route, name, kwargs in patterns_under_test():
        if set(kwargs) <= set(VALUES):
            urls += [reverse(name, kwargs={k: value}) for k in kwargs for value in VALUES[k]()]
        else:
            urls += urls_for(d, name, kwargs)
    return urls


def own_side(d):
    expert = Assignment.objects.filter(application=d.experts).select_related("expert__user").first()
    return {
        "owner": d.owner,
        "programme staff": victims.staff_user(d.formal.programme.authority),
        "district reviewer": victims.district_user(d.district.district),
        "assigned expert": expert.expert.user,
        "commissioned evaluator": d.evaluator,
        "supervised applicant": d.supervised.created_by,
        "system administrator": victims.review_factories.admin_user(),
    }


#: What a GET may write besides the session and the login throttle: the challenge django-simple-captcha stores
#: when it draws the objection form (a one-time puzzle that expires, not anybody's data).
CHALLENGES = ("captcha_",)


def test_no_get_writes_anything(victim):
    urls = every_url(victim)
    wrote = []
    for who, user in own_side(victim).items():
        client = _client(user)  # (signing in writes the user's last login, and a second factor for the back office)
        written = victims.writes()
        for url in urls:
            response = client.get(url)
            now = victims.writes()
            tables = sorted(k for k in now if now[k] != written.get(k) and not k.startswith(CHALLENGES))
            if tables:
                wrote.append((who, url, response.status_code, tables))
            if "_auth_user_id" not in client.session:
                client.force_login(user)  # a page ended the session (the reset link): the next asks as them again
            written = victims.writes()
    assert len(urls) > 150 and len(wrote) == 0, "\n".join(
        f"  {who:25} GET {url:60} {status} wrote {tables}" for who, url, status, tables in wrote)
