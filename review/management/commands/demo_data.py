"""Demo logins and applications: for each seed programme an applicant unit and its administrator,
a district reviewer and programme staff, and the unit's applications waiting at every stage of the
route (:mod:`review.demo`); five experts of the pool (``expert``, ``expert2`` … ``expert5``,
each able to evaluate every field of the taxonomy, so a draw of up to five always reaches a
demo login) and one system administrator.

Idempotent: runs ``load_programmes --demo-window`` first, finds units by credit code and users
by username, and only writes what differs.  All demo users share one password, printed with
the table of logins at the end.  Refuses to run in production.
"""

import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import seed
from applications.models import Field, Programme
from portal import creditcode
from portal.models import District, Division, Role, Unit, UnitType, User
from portal.twofactor import enrol
from review import demo
from review.models import Expert

DEMO_PASSWORD = "demo-portal-2026"
#: The demo's third-party evaluator (made by ``manage.py load_supervision --demo``).
DEMO_EVALUATOR = "evaluator"

#: One demo lead unit per seed programme.  The name says 演示 so that nobody takes it for a
#: real company; the division is where it is registered (inside the programme's region); the
#: serial makes its credit code, so it must never change.
DEMO_UNITS = {
    "beijing-2026": {"serial": 1, "name": "北京京创智能装备有限公司（演示）", "division": "110105",
                     "legal_representative": "王建国", "address": "北京市朝阳区酒仙桥路10号",
                     "contact_name": "赵敏", "contact_phone": "010-60000001"},
    "jiangsu-2026": {"serial": 2, "name": "江苏苏科新材料股份有限公司（演示）", "division": "320100",
                     "legal_representative": "陈立新", "address": "江苏省南京市江宁区将军大道100号",
                     "contact_name": "周婷", "contact_phone": "025-60000002"},
    "suzhou-2026": {"serial": 3, "name": "苏州园区示范生物医药有限公司（演示）", "division": "320571",
                    "legal_representative": "刘志强", "address": "江苏省苏州市苏州工业园区星湖街218号",
                    "contact_name": "吴佳", "contact_phone": "0512-60000003"},
    "weihai-2026": {"serial": 4, "name": "威海海科先进装备有限公司（演示）", "division": "371002",
                    "legal_representative": "孙海涛", "address": "山东省威海市环翠区海滨北路50号",
                    "contact_name": "郑雪", "contact_phone": "0631-60000004"},
    "zgc-2026": {"serial": 5, "name": "北京中关村示范信息技术有限公司（演示）", "division": "110108",
                 "legal_representative": "李明哲", "address": "北京市海淀区中关村大街1号",
                 "contact_name": "钱程", "contact_phone": "010-60000005"},
}


#: The demo expert pool: (username, name, title, affiliation).  Every one has a login.
DEMO_EXPERTS = [
    ("expert", "评审专家（演示）", "教授", "示范大学（演示）"),
    ("expert2", "钱学勤（演示）", "研究员", "示范科学院（演示）"),
    ("expert3", "孙工（演示）", "正高级工程师", "示范工程研究院（演示）"),
    ("expert4", "李审（演示）", "副教授", "示范理工大学（演示）"),
    ("expert5", "周评（演示）", "高级工程师", "示范产业研究院（演示）"),
]

DEMO_REGISTRAR = "registrar"


def backoffice_usernames():
    """The demo's back-office logins, each enrolled with a TOTP device (``manage.py demo_codes`` shows their
    codes): the district reviewers and staff of every seed programme, the experts, the registry keeper, the
    administrator and the evaluator."""
    names = [f"{prefix_of(spec['code'])}_{kind}" for spec in seed.PROGRAMMES for kind in ("district", "staff")]
    return names + [username for username, *_ in DEMO_EXPERTS] + [DEMO_REGISTRAR, "admin", DEMO_EVALUATOR]


def demo_credit_code(division_code, serial, kind="91"):
    """A valid 统一社会信用代码: kind (91 enterprise, 12 public institution), the division, a 9-character
    organisation code, check character."""
    body = f"{kind}{division_code}MA{2026000 + serial:07d}"
    return body + creditcode.check_character(body)


def prefix_of(programme_code):
    return programme_code.split("-")[0]


class Command(BaseCommand):
    help = gettext_lazy("Create the demo units and logins (one applicant, district reviewer and programme staff "
                        "per seed programme, one expert, one administrator) and print them. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help=gettext_lazy("Password of every demo user (default: %(default)s)."))
        parser.add_argument("--allow-production", action="store_true",
                            help=gettext_lazy("Run even though PORTAL_ENV is production (never do this on a "
                                              "live system: the demo password is public)."))

    def handle(self, *args, password=DEMO_PASSWORD, allow_production=False, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError(_("Refusing to create demo users with a public password in production."))
        missing = [spec["code"] for spec in seed.PROGRAMMES if spec["code"] not in DEMO_UNITS]
        if missing:
            raise CommandError(_("No demo unit is defined for: %(codes)s") % {"codes": ", ".join(missing)})
        call_command("load_programmes", "--demo-window", verbosity=0)
        with transaction.atomic():
            rows = self.create(password)
            for user in rows:
                if user.needs_second_factor:
                    enrol(user)  # the second factor their role needs; manage.py demo_codes prints the code
        made = self.applications(rows)
        if made:
            self.stdout.write(_("%(n)d demo applications waiting at every stage of the five routes.") % {"n": made})
        self.print_table(rows, password)
        self.stdout.write(_("Back-office logins also ask for a code: manage.py demo_codes prints the current ones."))

    def applications(self, rows):
        """Demo applications at every stage of each route (review.demo; idempotent)."""
        applicants = {user.unit_id: user for user in rows if user.role == Role.APPLICANT}
        made = 0
        # The notices of this set-up stay in the inboxes; their e-mails are not printed on the console,
        # where the table of logins is what a newcomer needs to see.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for spec in seed.PROGRAMMES:
                programme = Programme.objects.select_related("authority").get(code=spec["code"])
                unit = Unit.objects.get(credit_code=demo_credit_code(DEMO_UNITS[spec["code"]]["division"],
                                                                     DEMO_UNITS[spec["code"]]["serial"]))
                made += demo.populate(programme, unit, applicants[unit.pk])
        return made

    # --- creation ------------------------------------------------------------------------------

    def create(self, password):
        rows = []
        for spec in seed.PROGRAMMES:
            programme = Programme.objects.select_related("authority__region").get(code=spec["code"])
            authority = programme.authority
            prefix = prefix_of(programme.code)
            unit = self.unit(programme)
            district = District.suggest(authority, unit.division)
            if district is None:
                raise CommandError(_("%(authority)s has no district office covering %(division)s.") % {
                    "authority": authority.name, "division": unit.division.full_name})
            short = authority.short_name
            rows.append(self.user(f"{prefix}_applicant", password, Role.APPLICANT,
                                  full_name=unit.contact_name, unit=unit, is_unit_admin=True,
                                  phone=unit.contact_phone))
            rows.append(self.user(f"{prefix}_district", password, Role.DISTRICT,
                                  full_name=f"{district.name}审核员（演示）", district=district))
            rows.append(self.user(f"{prefix}_staff", password, Role.STAFF,
                                  full_name=f"{short}工作人员（演示）", authority=authority))
        # The broad fields of the taxonomy: an expert of one is drawn for its narrower fields too.
        fields = list(Field.objects.filter(parent=None))
        for serial, (username, name, title, affiliation) in enumerate(DEMO_EXPERTS, start=11):
            user = self.user(username, password, Role.EXPERT, full_name=name)
            self.expert(user, title, affiliation, fields, demo_credit_code("110108", serial, kind="12"))
            rows.append(user)
        # The central office that keeps the shared expert pool and the holiday calendar (staff propose).
        rows.append(self.user(DEMO_REGISTRAR, password, Role.REGISTRAR, full_name="专家库与日历管理员（演示）",
                              is_staff=True))
        rows.append(self.user("admin", password, Role.ADMIN, full_name="系统管理员（演示）",
                              is_staff=True, is_superuser=True))
        return rows

    def unit(self, programme):
        spec = DEMO_UNITS[programme.code]
        division = Division.objects.get(code=spec["division"])
        if not division.is_within(programme.authority.region):
            raise CommandError(_("The demo unit of %(code)s is not in the programme's region.") % {
                "code": programme.code})
        code = demo_credit_code(division.code, spec["serial"])
        values = {
            **{key: value for key, value in spec.items() if key not in ("division", "serial")},
            "division": division, "unit_type": UnitType.ENTERPRISE, "independent_legal_person": True,
            "contact_email": f"{prefix_of(programme.code)}.unit@example.com",
        }
        unit = Unit.objects.filter(credit_code=code).first()
        if unit is None:
            unit = Unit(credit_code=code, **values)
        else:
            for key, value in values.items():
                setattr(unit, key, value)
        unit.full_clean()
        unit.save()
        return unit

    def user(self, username, password, role, **values):
        values = {"role": role, "unit": None, "is_unit_admin": False, "district": None, "authority": None,
                  "is_staff": False, "is_superuser": False, "is_active": True, "phone": "",
                  "email": f"{username}@example.com", **values}
        user = User.objects.filter(username=username).first() or User(username=username)
        for key, value in values.items():
            setattr(user, key, value)
        if not user.has_usable_password() or not user.check_password(password):
            user.set_password(password)
        user.full_clean()
        user.save()
        return user

    def expert(self, user, title, affiliation, fields, affiliation_credit_code):
        """The user's entry in the expert pool (active, every field of the taxonomy)."""
        values = {"name": user.full_name, "title": title, "affiliation": affiliation,
                  "affiliation_credit_code": affiliation_credit_code, "email": user.email, "active": True}
        expert = Expert.objects.filter(user=user).first() or Expert(user=user)
        if expert.pk is None or any(getattr(expert, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(expert, key, value)
            expert.save()
        if set(expert.fields.all()) != set(fields):
            expert.fields.set(fields)
        return expert

    # --- the table -----------------------------------------------------------------------------

    def scope(self, user):
        if user.role == Role.APPLICANT:
            return f"{user.unit.name}（{user.unit.credit_code}，{user.unit.division.full_name}）"
        if user.role == Role.DISTRICT:
            return f"{user.district.name}（{user.district.authority.short_name}）"
        if user.role == Role.STAFF:
            return user.authority.name
        if user.role == Role.EXPERT:
            return _("the applications assigned to them")
        if user.role == Role.REGISTRAR:
            return _("the expert pool and the holiday calendar (staff's proposals)")
        return _("everything (superuser)")

    def print_table(self, users, password):
        header = [_("username"), _("password"), _("role"), _("scope")]
        table = [[u.username, password, str(u.get_role_display()), self.scope(u)] for u in users]
        widths = [max(_width(row[i]) for row in [header, *table]) for i in range(len(header))]
        self.stdout.write(_("Demo logins (every password is %(password)s):") % {"password": password})
        for row in [header, ["-" * w for w in widths], *table]:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _width(text):
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _pad(text, width):
    return str(text) + " " * (width - _width(text))
