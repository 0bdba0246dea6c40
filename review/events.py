"""What the review's own events call for (registered with the notices app; they run inside the
transaction of the act): a proposal to the shared expert pool or holiday calendar tells the central
registry keepers, and the keeper's decision tells its proposer.  The text of each notice is its
template, ``templates/notices/<kind>.txt``."""

from django.urls import reverse

from notices.events import on
from notices.outbox import notify, users_with_role
from portal.models import Role

from .models import ProposalNotice

SUBJECT = "review.poolproposal"


def _context(proposal):
    return {"kind": proposal.get_kind_display(), "number": proposal.pk, "authority": proposal.authority.name,
            "by": proposal.proposed_by.display_name, "reason": proposal.reason, "note": proposal.note}


def _link(proposal):
    return reverse("review:proposal_detail", args=[proposal.pk])


@on(SUBJECT, "propose")
def proposed(event):
    notify(users_with_role(Role.REGISTRAR), ProposalNotice.PROPOSED, _context(event.instance), _link(event.instance))


@on(SUBJECT, "accept")
def accepted(event):
    notify([event.instance.proposed_by], ProposalNotice.ACCEPTED, _context(event.instance), _link(event.instance))


@on(SUBJECT, "decline")
def declined(event):
    notify([event.instance.proposed_by], ProposalNotice.DECLINED, _context(event.instance), _link(event.instance))
