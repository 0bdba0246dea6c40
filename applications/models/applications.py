"""The applications made to programmes, their members, people, tasks, budget, targets, attachments
and frozen versions."""

import functools
import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin

from notices.numbers import next_number
from portal.models import AppendOnlyModel, District, Unit

from .. import vocabulary
from ..choices import LeadSelection, MemberRole, OperatorStatus, PersonRole
from ..lifecycle import ApplicationWorkflow
from ..states import EDITABLE_STATES, State
from .programmes import AttachmentRequirement, Programme

#: The parts of an application (related names), each a table of its own.
PARTS = ("members", "people", "tasks", "budget_lines", "targets")
#: What the application pages read of the programme's configuration (related names).
PROGRAMME_PARTS = ("attachment_requirements", "rules")


@functools.cache
def _member_count():
    """The member count's expression, made once (a list page made it twice): annotating copies an expression
    as it resolves it, so the same one serves every query."""
    members = (Member.objects.filter(application=models.OuterRef("pk")).order_by().values("application")
               .annotate(n=models.Count("pk")).values("n"))
    return Coalesce(models.Subquery(members, output_field=models.IntegerField()), 0)


class ApplicationQuerySet(models.QuerySet):
    def for_table(self):
        """Everything a list needs, in a fixed number of queries.

        The member count is a correlated subquery (one index lookup per row shown), not a join with
        GROUP BY over the whole scope: a page of 25 rows costs the same with 100 or 100,000 in scope,
        and the paginator's COUNT leaves it out.  The lead unit and the programme come in the same query
        (joined by their primary keys: cheaper than a query of their own), and the long texts no table shows
        (the goals, the carriers, the programme's guideline and summary) stay in the database.  The district
        office is not joined (the staff list names it from its cached choices)."""
        return self.select_related("unit", "programme").defer(
            "goals", "lead_carriers", "lead_search", "programme__guideline_text", "programme__summary").annotate(
            member_count=_member_count())

    def for_detail(self, parts=True, programme_parts=True, listed=True):
        """An application with everything its pages read; the frozen versions without their snapshots (each
        a copy of the whole application: the pages list the versions, the diff reads the two it compares).
        ``parts=False``, ``programme_parts=False``, ``listed=False``: without its members, people, tasks, budget
        lines and targets, without its programme's attachment requirements and rules, without its versions,
        documents and attachments (the application page loads them with the application:
        applications.selectors.application_page)."""
        return self.select_related("programme__authority", "unit__division__parent__parent", "district").prefetch_related(
            *(f"programme__{name}" for name in (PROGRAMME_PARTS if programme_parts else ())),
            *(PARTS if parts else ()),
            *((models.Prefetch("versions", queryset=ApplicationVersion.objects.defer("data")), "documents",
               models.Prefetch("attachments", queryset=Attachment.objects.select_related("requirement")
                               .prefetch_related("files"))) if listed else ()),
        )


def lead_search_text(unit):
    """What the search finds an application's lead unit by: its name and its credit code, one a line."""
    return f"{unit.name}\n{unit.credit_code}"


def application_reference(programme, year):
    """The next 申报编号 of ``programme`` in ``year``, e.g. WHCXLHTSB20260007 (drawn in the creating transaction)."""
    n = next_number(f"reference:{programme.certificate_prefix}", year)
    return f"{programme.certificate_prefix}SB{year}{n:04d}"


@functools.cache
def _state_fields(model):
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


class Application(ConcurrentTransitionMixin, ApplicationWorkflow, models.Model):
    LeadSelection = LeadSelection

    OperatorStatus = OperatorStatus

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("programme"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="applications",
                             verbose_name=_("lead unit"))
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="applications", verbose_name=_("district office"),
                                 help_text=_("The office that does the initial review."))
    # ``state`` (a protected FSMField) and the transitions come from applications.lifecycle.

    # 基本信息
    name = models.CharField(_("consortium name"), max_length=120, blank=True)
    field = models.CharField(_("field"), max_length=60, blank=True)
    industry_chain = models.CharField(_("industry chain"), max_length=120, blank=True)
    formation_mode = models.CharField(_("formation mode"), max_length=60, blank=True)
    lead_selected_by = models.CharField(_("lead unit selected by"), max_length=10, blank=True,
                                        choices=LeadSelection.choices)
    goals = models.TextField(_("goals and positioning"), blank=True)

    # 牵头单位 (figures of the last year, in 万元)
    # The code of a LeadCategory entry (a vocabulary held as data, which a programme may extend).
    lead_category = models.CharField(_("lead unit category"), max_length=20, blank=True)
    lead_revenue = models.DecimalField(_("last year's revenue (10k yuan)"), max_digits=14, decimal_places=2,
                                       null=True, blank=True)
    lead_rd_spending = models.DecimalField(_("last year's R&D spending (10k yuan)"), max_digits=14,
                                           decimal_places=2, null=True, blank=True)
    lead_carriers = models.TextField(_("innovation carriers held"), blank=True,
                                     help_text=_("重点实验室, 技术创新中心, 企业技术中心 …, one per line with level."))
    lead_has_provincial_carrier = models.BooleanField(_("holds a provincial-level or higher carrier"),
                                                      default=False)
    lead_has_equity_fund = models.BooleanField(_("has an equity investment fund"), default=False)
    operator_status = models.CharField(_("operating entity"), max_length=20, blank=True,
                                       choices=OperatorStatus.choices)
    total_investment = models.DecimalField(_("total investment (10k yuan)"), max_digits=14, decimal_places=2,
                                           null=True, blank=True)
    fulltime_staff = models.PositiveIntegerField(_("full-time staff"), null=True, blank=True)
    integrated_enterprises = models.PositiveIntegerField(_("up/downstream enterprises integrated"), null=True,
                                                         blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    returned_from = models.CharField(_("returned from"), max_length=30, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    # 申报编号: drawn when the application is created (the printed draft carries it on its cover, is stamped and
    # its scan uploaded before submission), unique per programme and year, e.g. WHCXLHTSB20260007.
    reference = models.CharField(_("application number"), max_length=40, null=True, blank=True, unique=True)
    certificate_number = models.CharField(_("certificate number"), max_length=40, null=True, blank=True, unique=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    revoked_on = models.DateField(_("certificate revoked on"), null=True, blank=True)
    # Since when it waits where it is: the time of its last transition (kept by review.TransitionLog when
    # an entry is written), so the lists sort by an indexed column instead of a subquery per row.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True, editable=False)
    # The lead unit's name and credit code, as the staff list's search reads them (one trigram index on this
    # table instead of a lookup of the units whose ids then grow the applications' query): written by save()
    # and, when a unit changes, by ``refresh_lead_search`` (applications.signals).
    lead_search = models.TextField(_("lead unit, as searched"), blank=True, default="", editable=False)

    # The documents and outbox jobs about this application (notices.Document/Job name it as their subject).
    documents = GenericRelation("notices.Document", content_type_field="subject_type", object_id_field="subject_id",
                                related_query_name="application")
    jobs = GenericRelation("notices.Job", content_type_field="subject_type", object_id_field="subject_id",
                           related_query_name="application")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["programme", "state"]),
            # The staff list's and the queues' orders, each with the primary key as tie-breaker, so a page
            # is read from an index in order (a backward scan serves the descending orders; PostgreSQL puts
            # NULLs last in an ascending index, as the lists want them).
            models.Index(fields=["waiting_since", "id"], name="application_waiting"),
            models.Index(fields=["submitted_at", "id"], name="application_submitted"),
            models.Index(fields=["name", "id"], name="application_name"),
            # The public directory: filed applications, latest filing first.
            models.Index(models.F("filed_on").desc(), models.F("certificate_number"), name="application_directory",
                         condition=models.Q(state=State.FILED)),
        ]
        # On PostgreSQL, migrations 0007 and 0008 add trigram (pg_trgm) indexes for the substring searches of
        # the name, the field and the lead unit: UPPER(name), UPPER(field) and UPPER(lead_search), as
        # ``icontains`` compares them.

    def __str__(self):
        return self.name or _("(unnamed application #%(id)s)") % {"id": self.pk}

    def save(self, *args, **kwargs):
        if self.waiting_since is None and self.submitted_at is not None:  # submitted, not yet moved: since then
            self.waiting_since = self.submitted_at
        update_fields = kwargs.get("update_fields")
        if self.unit_id and (update_fields is None or "unit" in update_fields) and (
                not self.lead_search or self._state.adding or Application.unit.is_cached(self)):
            self.lead_search = lead_search_text(self.unit)  # (a unit renamed later: applications.signals)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "lead_search"}
        if self.reference or not self.programme_id:
            return super().save(*args, **kwargs)
        with transaction.atomic():  # the number and the row it numbers, together
            self.reference = application_reference(self.programme, timezone.localdate().year)
            return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("review:application_detail", args=[self.pk])

    @property
    def state_fields(self):
        """The state fields ConcurrentTransitionMixin guards, found once per class: the mixin looked for them
        among every field of each instance made (a list page makes 25, an export thousands)."""
        return _state_fields(type(self))

    @property
    def is_draft(self):
        return self.state == State.DRAFT

    @property
    def is_returned(self):
        return self.state == State.RETURNED

    @property
    def in_publicity(self):
        return self.state == State.PUBLICITY

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    def get_lead_category_display(self):
        return vocabulary.name_of(vocabulary.LEAD_CATEGORY, self.lead_category)

    @property
    def rd_intensity(self):
        """R&D spending as a percentage of revenue, or None when unknown."""
        if self.lead_revenue and self.lead_rd_spending is not None and self.lead_revenue > 0:
            return self.lead_rd_spending * 100 / self.lead_revenue
        return None


class Member(models.Model):
    Role = MemberRole

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("unit name"), max_length=120)
    credit_code = models.CharField(_("credit code"), max_length=18, blank=True)
    # The code of a MemberKind entry (a vocabulary held as data, which a programme may extend).
    unit_type = models.CharField(_("type"), max_length=20)
    region = models.CharField(_("region"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    division_of_work = models.CharField(_("division of work"), max_length=300, blank=True)
    committed_input = models.DecimalField(_("committed input (10k yuan)"), max_digits=14, decimal_places=2,
                                          null=True, blank=True)
    independent_legal_person = models.BooleanField(_("independent legal person"), default=True)
    qualification = models.CharField(_("qualification"), max_length=120, blank=True,
                                     help_text=_("e.g. 江苏省概念验证中心建设单位, 检验检测资质"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")

    def __str__(self):
        return self.name

    def get_unit_type_display(self):
        return vocabulary.name_of(vocabulary.MEMBER_KIND, self.unit_type)


class Person(models.Model):
    Role = PersonRole

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("governance role"), max_length=20, choices=Role.choices)
    name = models.CharField(_("name"), max_length=40)
    title = models.CharField(_("title or position"), max_length=60, blank=True)
    unit_name = models.CharField(_("unit"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("governance person")
        verbose_name_plural = _("governance people")

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class Task(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=120)
    description = models.TextField(_("content and goal"), blank=True)
    responsible = models.CharField(_("responsible units"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")

    def __str__(self):
        return self.title


class BudgetLine(models.Model):
    class Source(models.TextChoices):
        LEAD = "lead", _("lead unit's own funds")
        MEMBERS = "members", _("member units' funds")
        FISCAL = "fiscal", _("government funding")
        SOCIAL = "social", _("social capital and funds")
        BANK = "bank", _("bank loans")
        OTHER = "other", _("other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")


class Target(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=120)
    value = models.CharField(_("target value"), max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["year", "order", "id"]
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")


class Attachment(models.Model):
    """One slot of an application (e.g. its 组建协议); files are versions of it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(AttachmentRequirement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "requirement"], name="one_slot_per_kind")]

    def __str__(self):
        return self.requirement.name


def attachment_path(instance, filename):
    # File names are never trusted: the stored name is the checksum.
    app = instance.attachment.application_id
    return f"attachments/{app}/{instance.attachment.requirement.code}/v{instance.version}-{instance.sha256[:16]}.bin"


class AttachmentFile(models.Model):
    """One uploaded version of an attachment; earlier versions are kept."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="files")
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    text_excerpt = models.TextField(_("extracted text"), blank=True,
                                    help_text=_("Text layer of a PDF (empty for scans)."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["attachment", "-version"]
        constraints = [models.UniqueConstraint(fields=["attachment", "version"], name="attachment_version_unique")]

    def __str__(self):
        return f"{self.original_name} (v{self.version})"

    @staticmethod
    def checksum(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class ApplicationVersion(AppendOnlyModel):
    """An immutable snapshot frozen at each submission."""

    append_only_message = "An application version is immutable."

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="version_unique_number")]

    def __str__(self):
        return f"{self.application_id} v{self.number}"

