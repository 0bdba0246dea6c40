"""The append-only history of every supervision record's changes of state, per consortium."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin

from portal.models import AppendOnlyModel, Role


class SupervisionLog(AppendOnlyModel):
    append_only_message = "The supervision log is append-only."

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="supervision_log", verbose_name=_("consortium"))
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    transition = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("actor"))
    actor_role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    source = models.CharField(_("from"), max_length=30)
    target = models.CharField(_("to"), max_length=30)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "id"]
        verbose_name = _("supervision log entry")
        verbose_name_plural = _("supervision log")
        indexes = [models.Index(fields=["application", "at", "id"], name="supervisionlog_timeline"),
                   models.Index(fields=["subject_type", "subject_id"], name="supervisionlog_subject")]


class Lifecycle(ConcurrentTransitionMixin, models.Model):
    """A supervision record with a lifecycle: it belongs to a filed consortium (``application``) and logs each
    transition that :func:`portal.lifecycle.perform` fires."""

    class Meta:
        abstract = True

    def log_transition(self, name, source, target, actor, reason="", ip=None):
        SupervisionLog.objects.create(
            application_id=self.application_id, subject_type=ContentType.objects.get_for_model(type(self)),
            subject_id=self.pk, transition=name, actor=actor, actor_role=actor.role, source=source, target=target,
            reason=reason, ip=ip)

    @property
    def history(self):
        return SupervisionLog.objects.filter(subject_type=ContentType.objects.get_for_model(type(self)),
                                             subject_id=self.pk).select_related("actor")
