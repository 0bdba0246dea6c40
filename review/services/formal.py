"""The formal review: the checklist generated from the programme, and the outcome."""


from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from applications.rules import evaluate
from applications.services import fire
from portal.lifecycle import ActionRefused

from ..models import (
    FormalReview,
)


def formal_checklist(application):
    """Items generated from the programme: attachments present, conditions, member names."""
    items = []
    files = {}
    # The latest file of each attachment, from what the page has prefetched (read here when it has not).
    prefetch_related_objects([application], "attachments__requirement", "attachments__files")
    for attachment in sorted(application.attachments.all(), key=lambda a: a.pk):
        latest = max(attachment.files.all(), key=lambda f: f.version, default=None)
        if latest is not None:
            files.setdefault(attachment.requirement.code, latest)
    for req in application.programme.attachment_requirements.all():
        if not req.applies_to(application.lead_selected_by, application.unit.unit_type) and req.code not in files:
            continue
        present = req.code in files
        items.append({"key": f"attachment:{req.code}", "label": _("%(name)s uploaded") % {"name": req.name},
                      "status": "pass" if present else "fail", "detail": files[req.code].original_name if present else ""})
        if present:
            items.append({"key": f"signed:{req.code}", "label": _("%(name)s is signed and sealed") % {"name": req.name},
                          "status": "manual", "detail": _("check by reading the document")})
    for result in evaluate(application):
        if result.key.startswith("attachment:") or result.key == "completeness":
            continue
        items.append({"key": f"rule:{result.key}", "label": result.message, "status": result.status, "detail": ""})
    agreement = files.get("agreement")
    if agreement is not None:
        text = "".join(agreement.text_excerpt.split())
        names = [application.unit.name] + [m.name for m in application.members.all()]
        if not text.strip():
            for name in names:
                items.append({"key": "agreement_name", "label": _("“%(name)s” appears in the agreement") % {"name": name},
                              "status": "na", "detail": _("cannot check: the PDF has no text layer (scanned)")})
        else:
            for name in names:
                found = "".join(name.split()) in text
                items.append({"key": "agreement_name",
                              "label": _("“%(name)s” appears in the agreement") % {"name": name},
                              "status": "pass" if found else "fail", "detail": ""})
    return items


def formal_review_decide(application_id, user, passed, note, checklist, ip=None):
    if not passed and not note.strip():
        raise ActionRefused(_("Please give the reason for the return."))

    def record(application):
        FormalReview.objects.create(application=application, checklist=checklist, passed=passed, note=note, author=user)

    name = "pass_formal_review" if passed else "return_for_revision"
    return fire(application_id, name, user, reason=note, ip=ip, before=record)
