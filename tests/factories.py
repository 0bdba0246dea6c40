"""factory_boy factories.  ``make_credit_code`` builds valid GB 32100-2015 codes."""

import datetime
import itertools

import factory
from django.utils import timezone

from applications.models import (
    Application,
    AttachmentRequirement,
    Member,
    Person,
    Programme,
    ProgrammeRule,
    Task,
)
from portal import creditcode
from portal.models import Authority, District, Division, Role, Unit, UnitType, User

_serial = itertools.count(1)


def make_credit_code(division="320500", kind="91"):
    """A valid code: registration kind, division code, a 9-character organisation code, check."""
    body = f"{kind}{division}{next(_serial):08d}A"[:17]
    return body + creditcode.check_character(body)


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{990000 + n:06d}")
    name = factory.Sequence(lambda n: f"测试区{n}")


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"测试市科学技术局{n}")
    short_name = factory.Sequence(lambda n: f"测试局{n}")
    level = Authority.Level.CITY
    region = factory.SubFactory(DivisionFactory)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"测试区科技局{n}")
    division = factory.SubFactory(DivisionFactory)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试科技有限公司{n}")
    credit_code = factory.LazyAttribute(lambda o: make_credit_code(o.division.code))
    unit_type = UnitType.ENTERPRISE
    legal_representative = "张三"
    address = "测试路1号"
    division = factory.SubFactory(DivisionFactory)
    contact_name = "李四"
    contact_phone = "0512-12345678"
    contact_email = "contact@example.com"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.APPLICANT
    unit = factory.Maybe(factory.LazyAttribute(lambda o: o.role == Role.APPLICANT),
                         factory.SubFactory(UnitFactory), None)
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    authority = factory.SubFactory(AuthorityFactory)
    code = factory.Sequence(lambda n: f"test-programme-{n}")
    certificate_prefix = "TEST"
    title = factory.Sequence(lambda n: f"测试创新联合体申报{n}")
    guideline_title = "《测试创新联合体工作指引》"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    fields = ["电子信息", "生物医药"]
    stages = [{"key": "district_review"}, {"key": "formal_review"}, {"key": "decision"}, {"key": "filing"}]


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeRule

    programme = factory.SubFactory(ProgrammeFactory)
    rule_key = "min_members"
    params = {"min": 2}
    citation = "一（一）"


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttachmentRequirement

    programme = factory.SubFactory(ProgrammeFactory)
    code = "agreement"
    name = "组建协议"
    citation = "三（一）3"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    unit = factory.SubFactory(UnitFactory)
    created_by = factory.LazyAttribute(lambda o: UserFactory(unit=o.unit))
    name = factory.Sequence(lambda n: f"测试创新联合体{n}")
    field = "电子信息"
    goals = "突破关键核心技术。"
    district = factory.LazyAttribute(lambda o: DistrictFactory(authority=o.programme.authority,
                                                               division=o.unit.division))

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            for i in range(extracted):
                MemberFactory(application=obj, order=i)

    @factory.post_generation
    def with_task(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Task.objects.create(application=obj, title="关键技术攻关")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    application = factory.SubFactory(ApplicationFactory)
    name = factory.Sequence(lambda n: f"成员单位{n}")
    credit_code = factory.LazyFunction(make_credit_code)
    unit_type = UnitType.ENTERPRISE
    region = "江苏省苏州市"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    application = factory.SubFactory(ApplicationFactory)
    role = Person.Role.COUNCIL_CHAIR
    name = factory.Sequence(lambda n: f"负责人{n}")
