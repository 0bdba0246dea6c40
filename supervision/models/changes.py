"""变更备案: the consortium asks to change its name, charter, member units, principal, chief expert (or lead unit);
staff approve (the change is then applied, a name change re-issues the certificate) or refuse with the
reason.  Every request is kept, with its log: the full history of a consortium's changes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from portal.lifecycle import condition

from ..choices import ChangeKind, ChangeState
from ..permissions import is_consortium_of, is_staff_of
from .log import Lifecycle
from .profile import profile_of
from .reports import SupervisionFile


def _lead_message(change):
    profile = profile_of(change.application.programme, create=False)
    return _("The lead unit of an innovation consortium may not change (%(cite)s).") % {
        "cite": profile.cite(profile.lead_citation)}


@condition(_lead_message)
def lead_may_change(change):
    return change.kind != ChangeKind.LEAD or not profile_of(change.application.programme, create=False).lead_change_forbidden


@condition(_("The consortium is revoked: no change can be filed."))
def consortium_not_revoked(change):
    return change.application.revoked_on is None


class ChangeRequest(Lifecycle):
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="change_requests", verbose_name=_("consortium"))
    kind = models.CharField(_("change of"), max_length=15, choices=ChangeKind.choices)
    state = FSMField(_("state"), default=ChangeState.DRAFT, choices=ChangeState.choices, protected=True)
    explanation = models.TextField(_("reason for the change"))
    # What changes (only the fields of the kind are used)
    new_name = models.CharField(_("new name"), max_length=120, blank=True)
    charter = models.ForeignKey(SupervisionFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("new charter or supplementary agreement (PDF)"))
    members_added = models.JSONField(_("member units joining"), default=list, blank=True)
    members_removed = models.JSONField(_("member units leaving"), default=list, blank=True)
    person_name = models.CharField(_("new person's name"), max_length=40, blank=True)
    person_title = models.CharField(_("title or position"), max_length=60, blank=True)
    person_unit = models.CharField(_("unit"), max_length=120, blank=True)
    new_lead_credit_code = models.CharField(_("new lead unit's credit code"), max_length=18, blank=True)
    # What was there before (frozen when approved, for the history)
    before = models.JSONField(_("before the change"), default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [models.Index(fields=["state", "requested_at"], name="change_state_time")]

    lifecycle_messages = {
        "gone": _("The change request no longer exists."),
        "wrong_state": _("This cannot be done while the change request is “%(state)s”."),
        "not_allowed": _("You are not allowed to do this for this change request."),
        "race": _("Someone else has just acted on this change request; nothing was changed. Please reload the page."),
    }

    def __str__(self):
        return _("Change of %(kind)s of %(name)s") % {"kind": self.get_kind_display(), "name": self.application}

    @transition(field=state, source=ChangeState.DRAFT, target=ChangeState.SUBMITTED,
                conditions=[consortium_not_revoked, lead_may_change], permission=is_consortium_of,
                custom={"label": _("submit")})
    def submit(self, **kwargs):
        pass

    @transition(field=state, source=ChangeState.SUBMITTED, target=ChangeState.APPROVED,
                conditions=[consortium_not_revoked, lead_may_change], permission=is_staff_of,
                custom={"label": _("approve")})
    def approve(self, reason="", **kwargs):
        self.decided_on = timezone.localdate()
        self.decision_reason = reason

    @transition(field=state, source=ChangeState.SUBMITTED, target=ChangeState.REFUSED, permission=is_staff_of,
                custom={"label": _("refuse"), "reason_required": _("Please give the reason for the refusal.")})
    def refuse(self, reason="", **kwargs):
        self.decided_on = timezone.localdate()
        self.decision_reason = reason
