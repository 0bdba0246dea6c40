"""Reads of an application shared by its pages and documents.

Both functions read what ``Application.objects.for_detail()`` prefetches (the programme's
attachment requirements, the attachments with their requirement and files), so they add no query
when given such an application.
"""


def attachment_slots(application):
    """``[(requirement, [files, newest first])]``: every attachment requirement of the programme, in the
    programme's order, with the uploaded versions of its slot (``[]`` when nothing is uploaded)."""
    by_requirement = {a.requirement_id: a for a in application.attachments.all()}
    slots = []
    for requirement in application.programme.attachment_requirements.all():
        slot = by_requirement.get(requirement.pk)
        slots.append((requirement, sorted(slot.files.all(), key=lambda f: -f.version) if slot else []))
    return slots


def latest_files(application):
    """``[(requirement, latest file or None)]``: each attachment slot of the application with its newest
    uploaded version."""
    return [(a.requirement, max(a.files.all(), key=lambda f: f.version, default=None))
            for a in application.attachments.all()]
