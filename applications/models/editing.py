"""The editor's bookkeeping for an application being written: which revision the draft is at, who saved
it last and when, and the input an automatic save could not store yet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application


class DraftState(models.Model):
    """One row per application opened in the editor (made on its first save).

    ``revision`` grows by one with every save of the editor (automatic or by the button); a save sends
    the revision its page started from and is refused when a colleague saved in between (optimistic
    concurrency).  ``buffer`` holds, as posted, the input of the last automatic save that did not
    validate (a number typed as text, a member row without its type …): the valid parts were saved,
    these are kept until the editor restores them or a save makes them valid.  No version, log entry
    or notice is made here: those belong to submission.
    """

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="draft_state",
                                       primary_key=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("last saved by"))
    saved_at = models.DateTimeField(_("last saved at"), null=True, blank=True)
    automatic = models.BooleanField(_("saved automatically"), default=False)
    # The editor page (one browser tab) that saved last and the last of its edits that save held, so a
    # copy the page kept in the browser is recognised as saved.
    client = models.CharField(max_length=40, blank=True)
    client_seq = models.PositiveIntegerField(default=0)
    buffer = models.JSONField(_("input kept unsaved"), default=dict, blank=True)

    class Meta:
        verbose_name = _("editing state")
        verbose_name_plural = _("editing states")

    def __str__(self):
        return f"{self.application_id} r{self.revision}"
