"""The district office's batch recommendation (推荐汇总表): the applications it recommends to the programme's
authority in one act, ranked, with the common opinion; the paper (推荐函 with the table) is a document job
about the batch, the Excel table is made from the entries, which hold what was recommended as it stood."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecommendationBatch(models.Model):
    district = models.ForeignKey("portal.District", on_delete=models.PROTECT, related_name="recommendation_batches",
                                 verbose_name=_("district office"))
    programme = models.ForeignKey("applications.Programme", on_delete=models.PROTECT,
                                  related_name="recommendation_batches", verbose_name=_("programme"))
    opinion = models.TextField(_("common opinion"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)

    # The 推荐函 and its job (notices.Document/Job name the batch as their subject).
    documents = GenericRelation("notices.Document", content_type_field="subject_type", object_id_field="subject_id",
                                related_query_name="recommendation_batch")
    jobs = GenericRelation("notices.Job", content_type_field="subject_type", object_id_field="subject_id",
                           related_query_name="recommendation_batch")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("batch recommendation")
        verbose_name_plural = _("batch recommendations")

    def __str__(self):
        return f"{self.district} {timezone.localtime(self.at):%Y-%m-%d}"


class RecommendationEntry(models.Model):
    """One recommended application of a batch, at its rank, as it stood when it was recommended."""

    batch = models.ForeignKey(RecommendationBatch, on_delete=models.PROTECT, related_name="entries")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="recommendation_entries")
    rank = models.PositiveSmallIntegerField(_("rank"))
    opinion = models.TextField(_("opinion"))
    reference = models.CharField(_("application number"), max_length=40, blank=True)
    name = models.CharField(_("consortium name"), max_length=120)
    lead_name = models.CharField(_("lead unit"), max_length=120)
    member_count = models.PositiveIntegerField(_("member units"))
    field = models.CharField(_("field"), max_length=60, blank=True)

    class Meta:
        ordering = ["batch", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "rank"], name="one_application_per_rank"),
            models.UniqueConstraint(fields=["batch", "application"], name="one_rank_per_application"),
        ]
