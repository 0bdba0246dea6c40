"""Accounts, units and the organisations that review them.

* ``Division``: an administrative division (省/市/区县) with its six-digit code; units say
  where they are registered by choosing one.
* ``Authority``: an issuing authority (发布机关) — 市科技局, 省科技厅, 中关村管委会 — with the
  division it governs.
* ``District``: a reviewing office of one authority (区县科技局, 设区市科技局, 分园管委会);
  district reviewers belong to exactly one.
* ``Unit``: a registered unit (单位), one per 统一社会信用代码.
* ``User``: a person, with one role and the scope that role needs.
"""

import pgtrigger
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import creditcode


class Division(models.Model):
    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def ancestors_and_self(self):
        node = self
        while node is not None:
            yield node
            node = node.parent

    def is_within(self, other: "Division") -> bool:
        return any(node.pk == other.pk for node in self.ancestors_and_self())

    @classmethod
    def suggest_for_code(cls, credit_code: str):
        """The most specific division matching positions 3–8 of a credit code, or None."""
        code = creditcode.division_code(credit_code)
        if len(code) != 6 or not code.isdigit():
            return None
        for candidate in (code, code[:4] + "00", code[:2] + "0000"):
            found = cls.objects.filter(code=candidate).first()
            if found:
                return found
        return None


class Authority(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("provincial")
        CITY = "city", _("municipal")
        PARK = "park", _("science park")

    name = models.CharField(_("name"), max_length=80, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(Division, on_delete=models.PROTECT, verbose_name=_("region governed"))
    # What its papers carry (GB/T 9704-2012): the pattern of its 发文字号 and where the public objects.
    document_number_format = models.CharField(
        _("document number pattern"), max_length=60, blank=True,
        help_text=_("The 发文字号 of its notices, with {year} and {n}, e.g. 威科字〔{year}〕{n}号."))
    objection_phone = models.CharField(_("objection phone"), max_length=40, blank=True)
    objection_address = models.CharField(_("objection address"), max_length=200, blank=True)
    objection_email = models.EmailField(_("objection e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    def __str__(self):
        return self.name

    @property
    def number_pattern(self):
        return self.document_number_format or f"{self.short_name}〔{{year}}〕{{n}}号"


class District(models.Model):
    """A reviewing office of one authority; covers a division and everything below it."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="districts",
                                  verbose_name=_("authority"))
    name = models.CharField(_("name"), max_length=80)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, verbose_name=_("division covered"))
    document_number_format = models.CharField(
        _("document number pattern"), max_length=60, blank=True,
        help_text=_("The 发文字号 of its recommendations, with {year} and {n}, e.g. 姑苏科荐〔{year}〕{n}号."))

    class Meta:
        ordering = ["authority", "division__code"]
        verbose_name = _("district office")
        verbose_name_plural = _("district offices")
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="district_unique_name")]

    def __str__(self):
        return self.name

    @property
    def number_pattern(self):
        return self.document_number_format or f"{self.name[:2]}科荐〔{{year}}〕{{n}}号"

    @classmethod
    def suggest(cls, authority: Authority, division: Division | None):
        """The authority's office whose division contains ``division`` (most specific first)."""
        if division is None:
            return None
        offices = {d.division_id: d for d in cls.objects.filter(authority=authority)}
        for node in division.ancestors_and_self():
            if node.pk in offices:
                return offices[node.pk]
        return None


class UnitType(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise")
    UNIVERSITY = "university", _("university")
    RESEARCH = "research", _("research institute")
    NEW_RD = "new_rd", _("new-type R&D institution")
    PLATFORM = "platform", _("major science and technology platform")
    HOSPITAL = "hospital", _("research hospital")
    CONCEPT = "concept", _("concept-verification institution")
    TESTING = "testing", _("testing and inspection institution")
    TRANSFER = "transfer", _("technology transfer institution")
    FINANCE = "finance", _("science and technology finance institution")
    OTHER = "other", _("other")


class Unit(models.Model):
    name = models.CharField(_("unit name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    unit_type = models.CharField(_("unit type"), max_length=20, choices=UnitType.choices)
    legal_representative = models.CharField(_("legal representative"), max_length=40)
    address = models.CharField(_("address"), max_length=200)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, verbose_name=_("district of registration"),
                                 help_text=_("The district (区县) where the unit is registered and which it reports to."))
    contact_name = models.CharField(_("contact person"), max_length=40)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    contact_email = models.EmailField(_("contact e-mail"))
    independent_legal_person = models.BooleanField(_("independent legal person"), default=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = creditcode.normalise(self.credit_code)
        super().save(*args, **kwargs)


class AppendOnlyModel(models.Model):
    """Rows written once, never changed or deleted (logs, frozen versions, evidence): refused here and by
    PostgreSQL's ``append_only`` trigger (any UPDATE or DELETE; not TRUNCATE; none on SQLite).  A subclass's
    ``Meta`` extends ``AppendOnlyModel.Meta`` to inherit it (checked: tests/portal/test_append_only.py)."""

    append_only_message = "This record is append-only."

    class Meta:
        abstract = True
        triggers = [pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.append_only_message)


class Role(models.TextChoices):
    APPLICANT = "applicant", _("applicant user")
    DISTRICT = "district", _("district reviewer")
    EXPERT = "expert", _("expert")
    STAFF = "staff", _("programme staff")
    ADMIN = "admin", _("system administrator")
    # 第三方评价机构: sees and evaluates only the filed consortia it is commissioned for (supervision app).
    EVALUATOR = "evaluator", _("third-party evaluator")
    # The central office keeping the shared expert pool and holiday calendar (staff propose: review.PoolProposal).
    REGISTRAR = "registrar", _("central registry keeper")


#: The roles that log in with a second factor (TOTP, portal/twofactor.py); the others may enrol by choice.
# The roles that must sign in with a second factor (portal/twofactor.py): everyone but applicants.
SECOND_FACTOR_ROLES = frozenset({Role.DISTRICT, Role.EXPERT, Role.STAFF, Role.ADMIN, Role.EVALUATOR, Role.REGISTRAR})


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """One person, one role.  The role's scope is held in the matching foreign key."""

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.APPLICANT)
    full_name = models.CharField(_("full name"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
                             verbose_name=_("unit"))
    is_unit_admin = models.BooleanField(_("unit administrator"), default=False)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewers",
                                 verbose_name=_("district office"))
    authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
                                  verbose_name=_("authority"))

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_scope",
                condition=(
                    models.Q(role=Role.APPLICANT, unit__isnull=False)
                    | models.Q(role=Role.DISTRICT, district__isnull=False)
                    | models.Q(role=Role.STAFF, authority__isnull=False)
                    | models.Q(role__in=[Role.EXPERT, Role.ADMIN, Role.EVALUATOR])
                    | models.Q(role=Role.REGISTRAR, unit__isnull=True, district__isnull=True, authority__isnull=True)
                ),
            )
        ]

    def save(self, *args, **kwargs):
        # Programme staff and the registry keeper reach the admin for their configuration (portal.backends);
        # the others only when they are system administrators.
        if self.role in (Role.STAFF, Role.REGISTRAR):
            self.is_staff = True
        elif self.role != Role.ADMIN and not self.is_superuser:
            self.is_staff = False
        super().save(*args, **kwargs)

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def scope_name(self):
        """The name of the district office, else of the authority, the user works for ("" for neither): the back
        office's top bar shows it on every page, so it is read from the cache (:func:`scope_name_of`), not with a
        query of its own each time."""
        if self.district_id:
            return scope_name_of(District, self.district_id)
        if self.authority_id:
            return scope_name_of(Authority, self.authority_id)
        return ""

    @property
    def unit_name(self):
        """The name of the user's unit ("" for none): the applicant's pages show it in the top navigation on every
        page, so it is read from the cache as the office's name is (:func:`scope_name_of`)."""
        return scope_name_of(Unit, self.unit_id) if self.unit_id else ""

    @property
    def needs_second_factor(self):
        """Whether this user must be verified by a second factor (their role, or the admin's keys)."""
        return self.role in SECOND_FACTOR_ROLES or self.is_superuser or self.is_staff

    @property
    def is_applicant(self):
        return self.role == Role.APPLICANT

    @property
    def is_reviewer(self):
        """District reviewers, programme staff and administrators: they see the staff list and counts."""
        return self.role in (Role.DISTRICT, Role.STAFF, Role.ADMIN)

    @property
    def is_district_reviewer(self):
        return self.role == Role.DISTRICT

    @property
    def is_programme_staff(self):
        return self.role == Role.STAFF

    @property
    def is_expert(self):
        return self.role == Role.EXPERT

    @property
    def is_evaluator(self):
        return self.role == Role.EVALUATOR

    @property
    def is_registrar(self):
        return self.role == Role.REGISTRAR

    @property
    def keeps_registry(self):
        """Whether the user changes the expert pool and the holiday calendar (the keeper, administrators)."""
        return self.role in (Role.REGISTRAR, Role.ADMIN) or self.is_superuser

    @property
    def is_system_admin(self):
        return self.role == Role.ADMIN


#: How long an office's (or a unit's) name is kept in the cache: a renamed one is forgotten at once by the process
#: that saved it (``forget_scope_name``), and by the other web workers' caches (each its own) within this time.
SCOPE_NAME_SECONDS = 300


def _scope_key(model, pk):
    return f"scope-name:{model._meta.label_lower}:{pk}"


def scope_name_of(model, pk):
    """The name of the ``model`` (District, Authority or Unit) row ``pk``, kept in the cache."""
    return cache.get_or_set(_scope_key(model, pk),
                            lambda: model.objects.filter(pk=pk).values_list("name", flat=True).first() or "",
                            SCOPE_NAME_SECONDS)


def forget_scope_name(sender, instance, **kwargs):
    """A district office, authority or unit saved or deleted (``post_save``/``post_delete``): its name is read
    again."""
    cache.delete(_scope_key(sender, instance.pk))
