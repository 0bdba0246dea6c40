"""The Simplified Chinese catalogue (locale/zh_Hans): complete, well-formed, and actually used.

* A fresh ``makemessages`` over a copy of the source must leave nothing untranslated or fuzzy, so a
  string added to the code without its translation fails CI (not just a forgotten re-run).
* ``msgfmt --check-format`` accepts the catalogue, and every placeholder and HTML tag of a msgid
  survives in its msgstr.
* Key strings come out in Chinese: the state labels, a rule message built by ``applications.rules``
  and a credit-code error.
* The home page follows the browser (Accept-Language) and the language switch (``set_language``).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["portal", "notices", "applications", "review", "supervision", "templates", "static", "manage.py", "locale"]
IGNORES = ["--ignore=.venv", "--ignore=node_modules", "--ignore=staticfiles", "--ignore=var", "--ignore=artefacts"]

#: What Chinese shows for each application state (the labels the users and the docs know).
STATE_LABELS = {
    "draft": "草稿",
    "district_review": "待初审",
    "formal_review": "待形式审查",
    "expert_pending": "待专家评审",
    "expert_review": "专家评审中",
    "decision": "待审定",
    "approved": "已审定（待公示/备案）",
    "publicity": "公示中",
    "filed": "已备案",
    "returned": "退回修改",
    "not_recommended": "不予推荐",
    "refused": "不予备案",
    "withdrawn": "已撤回",
}

#: msgids whose translation may legitimately be the msgid itself.
SAME_IN_CHINESE = {"SHA-256", "IP"}


def _tool(name):
    path = shutil.which(name)
    assert path, f"{name} (GNU gettext) is needed for the translation checks: apt-get install gettext"
    return path


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(parts):
    joined = "".join(part.strip()[1:-1] for part in parts)
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), joined)


def parse_po(text):
    """Entries of a .po text as dicts (msgctxt, msgid, msgid_plural, msgstr, plurals, flags, obsolete).

    Enough of the format for what makemessages and msgattrib write; the header entry is left out.
    """
    entries, entry, key = [], None, None

    def close():
        if entry is not None and entry.get("msgid"):
            entries.append(entry)

    for raw in text.splitlines() + [""]:
        obsolete = raw.startswith("#~")
        line = raw[2:].strip() if obsolete else raw.strip()
        if not line:
            close()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": "", "plurals": {},
                     "flags": set(), "obsolete": False, "_parts": {}}
        entry["obsolete"] = entry["obsolete"] or obsolete
        if line.startswith("#,") and not obsolete:
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            key = match.group(1)
            entry["_parts"][key] = [match.group(3)]
        elif line.startswith('"') and key:
            entry["_parts"][key].append(line)
        for name, parts in entry["_parts"].items():
            value = _unquote(parts)
            if name.startswith("msgstr["):
                entry["plurals"][int(name[7:-1])] = value
            else:
                entry[name] = value
    return entries


def _msgids(po_text):
    return [e["msgid"] for e in parse_po(po_text)]


def _entries(po=PO):
    return [e for e in parse_po(Path(po).read_text(encoding="utf-8")) if not e["obsolete"]]


def _msgattrib(po, *flags):
    result = subprocess.run([_tool("msgattrib"), *flags, str(po)], capture_output=True, text=True, check=True)
    return _msgids(result.stdout)


# --- (a) complete after a fresh makemessages -------------------------------------------------------

@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory):
    """makemessages run over a copy of the source, so the working tree is never touched."""
    _tool("xgettext")
    _tool("msgmerge")
    copy = tmp_path_factory.mktemp("i18n-source")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", ".venv", "node_modules", "var", "staticfiles",
                                  "artefacts")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=skip)
        else:
            shutil.copy2(source, copy / name)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", *IGNORES, "--no-obsolete"],
        cwd=copy, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    po = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert po.exists()
    return po


def test_every_string_of_the_code_is_translated(fresh_catalogue):
    untranslated = _msgattrib(fresh_catalogue, "--untranslated", "--no-obsolete")
    assert not untranslated, (
        f"{len(untranslated)} string(s) have no Chinese translation; run makemessages (see README) and fill "
        f"locale/zh_Hans/LC_MESSAGES/django.po: {untranslated[:20]}")


def test_no_translation_is_fuzzy(fresh_catalogue):
    fuzzy = _msgattrib(fresh_catalogue, "--only-fuzzy", "--no-obsolete")
    assert not fuzzy, f"{len(fuzzy)} fuzzy translation(s) to check and unflag: {fuzzy[:20]}"


def test_the_committed_catalogue_is_up_to_date(fresh_catalogue):
    """Every msgid of the code is already in the committed .po (not only in a fresh merge)."""
    committed = {(e["msgctxt"], e["msgid"]) for e in _entries()}
    fresh = {(e["msgctxt"], e["msgid"]) for e in _entries(fresh_catalogue)}
    assert not fresh - committed, f"re-run makemessages: missing from the committed .po: {sorted(fresh - committed)[:20]}"


# --- (b) well-formed -------------------------------------------------------------------------------

def test_msgfmt_accepts_the_catalogue():
    result = subprocess.run([_tool("msgfmt"), "--check-format", "--check-header", "-o", "/dev/null", str(PO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{\w*\}|</?[a-zA-Z][^>]*>")


def test_placeholders_and_tags_survive_translation():
    problems = []
    for entry in _entries():
        wanted = set(PLACEHOLDER.findall(entry["msgid"]))
        translations = list(entry["plurals"].values()) if entry["msgid_plural"] else [entry["msgstr"]]
        for text in translations:
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append((entry["msgid"], text))
    assert not problems, problems


def test_plural_forms_are_chinese():
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in PO.read_text(encoding="utf-8")
    plurals = [e for e in _entries() if e["msgid_plural"]]
    assert plurals
    for entry in plurals:
        assert set(entry["plurals"]) == {0} and entry["plurals"][0], entry["msgid"]


def test_translations_are_chinese_not_copies():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    copies = [e["msgid"] for e in _entries() if e["msgid"] not in SAME_IN_CHINESE
              and not cjk.search(e["msgstr"] or e["plurals"].get(0, ""))]
    assert not copies, copies


# --- (c) key strings in Chinese --------------------------------------------------------------------

def test_state_labels():
    from applications.models import Application
    from applications.states import State

    with translation.override("zh-hans"):
        assert {state.value: str(state.label) for state in State} == STATE_LABELS
        assert Application(state=State.APPROVED).get_state_display() == "已审定（待公示/备案）"
    with translation.override("en"):
        assert str(State.DISTRICT_REVIEW.label) == "awaiting district review"


def _suzhou_facts(n_members):
    from applications.facts import Facts, MemberFacts
    from applications.models import Programme

    programme = Programme.objects.get(code="suzhou-2026")
    return Facts(
        programme=programme, lead_name="苏州测试牵头企业有限公司", lead_credit_code="91320500MA00000001",
        lead_unit_type="enterprise", lead_division_codes=["320000", "320500"], lead_division_name="江苏省苏州市",
        lead_independent_legal_person=True,
        members=[MemberFacts(f"成员单位{i}", "enterprise") for i in range(n_members)],
    )


def test_rule_message_reads_like_the_guideline(seeded):
    from applications.rules import WARN, evaluate

    with translation.override("zh-hans"):
        results = {r.key: r for r in evaluate(_suzhou_facts(5))}
        member_rule = results["min_members"]
        assert member_rule.status == WARN
        assert "成员单位一般不少于8个，当前5个" in member_rule.message
        assert member_rule.message == "《苏州市创新联合体建设实施方案》三（一）2：成员单位一般不少于8个，当前5个"
        assert member_rule.status_label == "提示"
        region = results["lead_region"].message
        assert "牵头单位应在苏州市注册" in region and not region.endswith(("。", "，", "；"))
    with translation.override("en"):
        message = {r.key: r for r in evaluate(_suzhou_facts(5))}["min_members"].message
        assert "member units should generally number at least 8，currently 5" in message


def test_credit_code_messages():
    from portal import creditcode

    with translation.override("zh-hans"):
        problems = creditcode.problems("91350100M000100Y4")
        assert [p.message for p in problems][:1] == ["统一社会信用代码应为18位，当前输入了17位。"]
        assert creditcode.problems("")[0].message == "请输入统一社会信用代码。"


def test_lazy_and_plural_strings():
    from applications.rules import REGISTRY

    with translation.override("zh-hans"):
        assert str(REGISTRY["min_members"].label) == "成员单位数量下限"
        text = translation.ngettext("%(counter)s condition is not met; it blocks submission.",
                                    "%(counter)s conditions are not met; they block submission.", 3)
        assert text % {"counter": 3} == "有3项条件不符合，无法提交。"


# --- (d) the language follows the browser and the switch -------------------------------------------

@pytest.mark.django_db
def test_home_page_in_chinese_for_a_chinese_browser(client, settings):
    settings.LANGUAGE_CODE = "en"  # so that Chinese can only come from Accept-Language
    html = client.get(reverse("applications:home"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "办理流程" in html and "单位注册" in html and "申报通知" in html
    assert "How it works" not in html


@pytest.mark.django_db
def test_home_page_in_english_after_switching_language(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the portal's default: English can only come from the switch
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("applications:home")},
                           HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("applications:home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html
    assert "How it works" in html and "Register a unit" in html
    assert "办理流程" not in html


@pytest.mark.django_db
def test_home_page_in_chinese_by_default(client, settings):
    from portal import settings as project_settings

    assert project_settings.LANGUAGE_CODE == "zh-hans"
    settings.LANGUAGE_CODE = project_settings.LANGUAGE_CODE  # whatever a test fixture chose for other tests
    html = client.get(reverse("applications:home")).content.decode()
    assert '<html lang="zh-hans">' in html and "办理流程" in html


@pytest.mark.chinese
def test_labels_are_followed_by_the_chinese_colon_in_chinese():
    from django.template import Context, Template

    template = Template('{% load i18n portal_tags %}{% translate "Deadline" %}{% colon %}2026-12-31')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "截止时间：2026-12-31"
    with translation.override("en"):
        assert template.render(Context()) == "Deadline: 2026-12-31"
