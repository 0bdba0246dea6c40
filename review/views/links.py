"""Where the action an application waits for is taken, derived from the stage registry."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications import lifecycle, stages
from applications.states import EDITABLE_STATES, REVIEW_STATES, State


def stage_link(application, for_queue=True):
    """(URL, label) of the stage page ``application`` waits at, or None.  ``publicity_batch_id`` is
    used where the list annotated it."""
    page = stages.page_of(application)
    if page is None:
        return None
    if page.args == "pk":
        url = reverse(page.url_name, args=[application.pk])
    elif page.args == "batch":
        batch_id = getattr(application, "publicity_batch_id", None)
        url = reverse(page.url_name, args=[batch_id]) if batch_id else reverse(page.fallback)
    else:
        url = reverse(page.url_name)
    return url, str(page.queue_label if for_queue else page.action_label)


def action_link(application):
    """(URL, label) of the page where the one waited-for action on ``application`` is taken."""
    if application.state == State.RETURNED:
        return reverse("applications:application_edit", args=[application.pk]), _("Revise and resubmit")
    return stage_link(application) or (application.get_absolute_url(), pgettext("button: view a record", "Open"))


def next_actions(application, user):
    """(label, url, css) of the pages this user may act on now."""
    pk = application.pk
    state = application.state
    actions = []
    if lifecycle.is_applicant_of(application, user):
        if state in EDITABLE_STATES:
            actions.append((_("Edit"), reverse("applications:application_edit", args=[pk]), "primary"))
            actions.append((_("Submit") if state == State.DRAFT else _("Resubmit"),
                            reverse("applications:application_submit", args=[pk]), "success"))
        if state in REVIEW_STATES or state == State.RETURNED:
            actions.append((_("Withdraw"), reverse("review:application_withdraw", args=[pk]), "outline-danger"))
    elif lifecycle.acts_on(application, user):
        url, label = stage_link(application, for_queue=False)
        actions.append((label, url, "primary"))
    if len(application.versions.all()) > 1:
        actions.append((_("Compare versions"), reverse("review:version_diff", args=[pk]), "outline-secondary"))
    return actions
