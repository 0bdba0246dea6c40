"""The vocabularies programmes choose from, held as data: lead categories (领军企业 …), member kinds
(产业链上下游企业, 高校 …) and the field taxonomy (领域).

Lead categories and member kinds are shared entries (no programme) that a programme selects, plus
entries a programme adds for itself when its guideline names a kind the others do not (威海's
骨干企业, 中关村's 服务企业).  Applications and members store an entry's ``code`` (the same
values as before these were data), and the rules' parameters name entries by code too.

The field taxonomy is one tree shared by programmes and the expert pool: an expert of a field
is drawn for applications of that field, of a broader one and of a narrower one.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import vocabulary


class VocabularyEntry(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True,
                            help_text=_("Stored with the applications and named in the rules' parameters; "
                                        "do not change it once it is used."))
    name = models.CharField(_("name"), max_length=60)
    programme = models.ForeignKey(
        "applications.Programme", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("only for the programme"),
        help_text=_("Empty: shared, for every programme to select. Set: an entry only this programme offers."))
    citation = models.CharField(_("citation"), max_length=200, blank=True,
                                help_text=_("The article of the guideline that names it, e.g. 三1."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    vocabulary_kind = ""
    used_by = ("", "")  # (model, field) that stores the code

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.name}（{self.programme.code}）" if self.programme_id else self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        vocabulary.forget(self.vocabulary_kind)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        vocabulary.forget(self.vocabulary_kind)
        return result

    def in_use(self):
        """Whether a stored row names this entry (then it may be renamed, never deleted)."""
        model, field = self.used_by
        return self._meta.apps.get_model("applications", model).objects.filter(**{field: self.code}).exists()

    @classmethod
    def offered_by(cls, programme, selected):
        """The entries ``programme`` offers: those it selected (every shared one when it selected
        none) and its own."""
        shared = selected if selected else [e for e in cls.objects.filter(programme=None)]
        own = [e for e in cls.objects.filter(programme=programme)] if programme.pk else []
        return sorted({e.pk: e for e in [*shared, *own]}.values(), key=lambda e: (e.order, e.code))


class LeadCategory(VocabularyEntry):
    """A category of lead unit a guideline names (国家或省科技领军企业, 行业龙头企业 …)."""

    vocabulary_kind = vocabulary.LEAD_CATEGORY
    used_by = ("Application", "lead_category")

    class Meta(VocabularyEntry.Meta):
        verbose_name = _("lead unit category")
        verbose_name_plural = _("lead unit categories")


class MemberKind(VocabularyEntry):
    """A kind of member unit a guideline counts (产业链上下游企业, 高校, 科研院所 …)."""

    vocabulary_kind = vocabulary.MEMBER_KIND
    used_by = ("Member", "unit_type")

    class Meta(VocabularyEntry.Meta):
        verbose_name = _("member kind")
        verbose_name_plural = _("member kinds")


class Field(models.Model):
    """One field (领域) of the taxonomy; a field may sit under a broader one."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("broader field"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("field (领域)")
        verbose_name_plural = _("field taxonomy (领域)")

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        seen, parent = {self.pk}, self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("A field cannot sit under itself or one of its narrower fields.")})
            seen.add(parent.pk)
            parent = parent.parent

    @classmethod
    def related_ids(cls, name, rows=None):
        """The ids of the field called ``name``, of its broader and of its narrower fields (empty when the
        taxonomy has no such field).  One query (none when ``rows``, the taxonomy's (pk, name, parent_id),
        are given); works on every database."""
        rows = list(cls.objects.values_list("pk", "name", "parent_id")) if rows is None else rows
        found = [pk for pk, field_name, _parent in rows if field_name == name]
        if not found:
            return set()
        parent_of = {pk: parent for pk, _name, parent in rows}
        related = set(found)
        pk = parent_of[found[0]]
        while pk is not None and pk not in related:
            related.add(pk)
            pk = parent_of[pk]
        frontier = set(found)
        while frontier:
            frontier = {pk for pk, parent in parent_of.items() if parent in frontier} - related
            related |= frontier
        return related
