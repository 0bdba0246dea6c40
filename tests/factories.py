"""factory_boy factories.  ``make_credit_code`` builds valid GB 32100-2015 codes.

``ApplicationFactory`` has one trait per application state, for tests that only need an
application *in* a state (a list, a page, a filter) and not the way there::

    ApplicationFactory(in_formal_review=True)
    ApplicationFactory(programme=weihai, filed=True)
    ApplicationFactory(programme=weihai, in_publicity=True, history__publicity_start=a_date)

The trait writes what the state implies on the application itself (``submitted_at``; the
return reason; the certificate number from the real counter and the filing date), the frozen
version 1 of a submission, the transition log of the way there along the programme's route, and
the publicity entry where the route has publicity.  It does NOT go through the services, so the
review records of the stages passed (peer and district opinions, the formal-review checklist,
drawn experts and their scores, decisions and meetings, filing agreements) are not there: when a
test needs them, or checks the way itself, use ``tests.review_factories.make_application``.
"""

import datetime
import itertools

import factory
from django.utils import timezone

from applications.models import (
    Application,
    AttachmentRequirement,
    Field,
    Member,
    Person,
    Programme,
    ProgrammeRule,
    Task,
)
from applications.states import State
from portal import creditcode
from portal.models import Authority, District, Division, Role, Unit, UnitType, User
from review.models import PublicityBatch, PublicityEntry, TransitionLog

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


def taxonomy(names):
    """The taxonomy's fields of these names, made when missing."""
    return [Field.objects.get_or_create(name=name)[0] for name in names]


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
    stages = [{"key": "district_review"}, {"key": "formal_review"}, {"key": "decision"}, {"key": "filing"}]

    @factory.post_generation
    def fields(obj, create, extracted, **kwargs):
        """The programme's fields by name (made in the taxonomy when missing); default 电子信息, 生物医药."""
        if create:
            obj.fields.set(taxonomy(["电子信息", "生物医药"] if extracted is None else extracted))


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


#: The transition that leaves each state forwards (APPROVED: ``publicize`` where the route has publicity).
FORWARD = {State.DRAFT: "submit", State.DISTRICT_REVIEW: "recommend",
           State.FORMAL_REVIEW: "pass_formal_review", State.EXPERT_PENDING: "start_expert_review",
           State.EXPERT_REVIEW: "conclude_expert_review", State.DECISION: "approve",
           State.APPROVED: "file", State.PUBLICITY: "file"}
#: Who fires each transition (the actor of a log row; the applicant's rows name the applicant).
ROLE_OF = {"submit": Role.APPLICANT, "withdraw": Role.APPLICANT, "recommend": Role.DISTRICT,
           "not_recommend": Role.DISTRICT}
RETURN_REASON = "请补充材料。"
SUBMITTED = "submitted"  # the trait's target: the first review state of the application's route


def forward_path(app):
    """The states ``app`` passes through from draft to filed on its programme's route."""
    from tests.review_factories import forward_states

    return forward_states(app)


def transitions_to(app, target):
    """[(transition, source, target)] from draft to ``target`` along the route of ``app``."""
    path = forward_path(app)
    side = None
    if target == State.RETURNED or target == State.WITHDRAWN:
        side, reach = target, path[1]
    elif target == State.NOT_RECOMMENDED:
        side, reach = target, State.DISTRICT_REVIEW
    elif target == State.REFUSED:
        side = target
        sources = (State.DECISION, State.EXPERT_REVIEW, State.FORMAL_REVIEW)
        reach = next((s for s in sources if s in path), None)
    else:
        reach = target
    if reach not in path:
        raise ValueError(f"{target} cannot be reached on the route of {app.programme.code}: "
                         f"{' → '.join(path)}")
    steps = []
    for source, nxt in zip(path[:path.index(reach)], path[1:path.index(reach) + 1], strict=True):
        steps.append(("publicize" if nxt == State.PUBLICITY else FORWARD[source], source, nxt))
    if side is not None:
        name = {State.RETURNED: "return_for_revision", State.WITHDRAWN: "withdraw",
                State.NOT_RECOMMENDED: "not_recommend", State.REFUSED: "refuse"}[side]
        steps.append((name, reach, side))
    return steps


def _staff_of(authority):
    found = User.objects.filter(role=Role.STAFF, authority=authority).order_by("pk").first()
    return found or UserFactory(role=Role.STAFF, authority=authority, unit=None)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application; in a state with a trait (see the module doc), without the services."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(state=SUBMITTED)
        in_district_review = factory.Trait(state=State.DISTRICT_REVIEW)
        in_formal_review = factory.Trait(state=State.FORMAL_REVIEW)
        awaiting_experts = factory.Trait(state=State.EXPERT_PENDING)
        in_expert_review = factory.Trait(state=State.EXPERT_REVIEW)
        awaiting_decision = factory.Trait(state=State.DECISION)
        approved = factory.Trait(state=State.APPROVED)
        in_publicity = factory.Trait(state=State.PUBLICITY)
        filed = factory.Trait(state=State.FILED)
        returned = factory.Trait(state=State.RETURNED)
        withdrawn = factory.Trait(state=State.WITHDRAWN)
        not_recommended = factory.Trait(state=State.NOT_RECOMMENDED)
        refused = factory.Trait(state=State.REFUSED)

    programme = factory.SubFactory(ProgrammeFactory)
    unit = factory.SubFactory(UnitFactory)
    created_by = factory.LazyAttribute(lambda o: UserFactory(unit=o.unit))
    name = factory.Sequence(lambda n: f"测试创新联合体{n}")
    field = "电子信息"
    goals = "突破关键核心技术。"
    district = factory.LazyAttribute(lambda o: DistrictFactory(authority=o.programme.authority,
                                                               division=o.unit.division))
    state = State.DRAFT

    @classmethod
    def _create(cls, model_class, *args, state=State.DRAFT, **kwargs):
        """``state`` is a protected FSMField: given once, at construction, with the fields it implies."""
        if state != State.DRAFT:
            unsaved = model_class(*args, **kwargs)
            if state == SUBMITTED:
                state = forward_path(unsaved)[1]
            steps = transitions_to(unsaved, state)  # ValueError when the route does not lead there
            kwargs.setdefault("submitted_at", timezone.now())
            if state == State.RETURNED:
                kwargs.setdefault("returned_from", steps[-1][1])
                kwargs.setdefault("return_reason", RETURN_REASON)
            if state == State.FILED:
                from review.services import next_certificate_number

                kwargs.setdefault("filed_on", timezone.localdate())
                if not kwargs.get("certificate_number"):
                    kwargs["certificate_number"] = next_certificate_number(kwargs["programme"],
                                                                          kwargs["filed_on"].year)
        return super()._create(model_class, *args, state=state, **kwargs)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            for i in range(extracted):
                MemberFactory(application=obj, order=i)

    @factory.post_generation
    def with_task(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Task.objects.create(application=obj, title="关键技术攻关")

    @factory.post_generation
    def history(obj, create, extracted, publicity_start=None, **kwargs):
        """The rows of the way to a state: version 1 as submitted, the log, the publicity entry (its
        batch starts ``history__publicity_start``: by default today, or 30 days ago for a filed one)."""
        if not create or obj.state == State.DRAFT:
            return
        from applications.models import ApplicationVersion
        from applications.services import snapshot
        from review.calendar import WorkingCalendar

        ApplicationVersion.objects.create(application=obj, number=1, created_by=obj.created_by,
                                          data=snapshot(Application.objects.for_detail().get(pk=obj.pk)))
        for name, source, target in transitions_to(obj, obj.state):
            reason = {"return_for_revision": obj.return_reason, "not_recommend": "不符合推荐条件。",
                      "refuse": "不符合条件。", "withdraw": "主动撤回。"}.get(name, "")
            role = ROLE_OF.get(name, Role.DISTRICT if source == State.DISTRICT_REVIEW else Role.STAFF)
            TransitionLog.objects.create(application=obj, transition=name, source=source, target=target,
                                         actor=obj.created_by if role == Role.APPLICANT else None,
                                         actor_role=role, reason=reason)
            if name == "publicize":
                start = publicity_start or timezone.localdate() - datetime.timedelta(
                    days=30 if obj.state == State.FILED else 0)
                days = obj.programme.publicity_working_days
                period = WorkingCalendar().period(start, days)
                batch = PublicityBatch.objects.create(
                    programme=obj.programme, title=f"{obj.programme.title}公示", starts_on=start,
                    ends_on=period.end, working_days=days, calendar_fallback=period.used_fallback,
                    by=_staff_of(obj.programme.authority),
                    filed_at=timezone.now() if obj.state == State.FILED else None)
                PublicityEntry.objects.create(batch=batch, application=obj)

    @factory.post_generation
    def certificate(obj, create, extracted, **kwargs):
        """A filed application's first certificate edition, as the filing event freezes it."""
        if create and obj.state == State.FILED and not obj.certificates.exists():
            from applications.models import Certificate

            Certificate.freeze(obj, obj.filed_on)


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
