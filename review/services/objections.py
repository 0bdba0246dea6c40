"""Public objections that can't be spammed: the rate limits, the staff's notice, and spam marked and restored.

The limits count the objections stored (``settings.OBJECTION_LIMITS``): per client address, per phone number
from any address, and per address on one publicity entry.  Counting rows rather than a cache is on purpose:
the portal has no shared cache (each gunicorn worker keeps its own), the rows are written anyway, and the count
then holds across workers and restarts.  On PostgreSQL a transaction-scoped advisory lock per address and per
phone makes concurrent submissions of one sender wait for each other, so a burst in parallel is counted as
exactly as one in sequence.  A refused submission writes nothing and notifies nobody.

Spam is a finding (``Objection.Finding.SPAM``), not a deletion: it no longer counts as pending (so it blocks
no filing), each mark and restore is kept in ``ObjectionMark`` with who, when and from where.
"""

import datetime
import zlib

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.states import State
from portal.lifecycle import ActionRefused

from ..models import Objection, ObjectionMark


class TooManyObjections(ActionRefused):
    """Over a rate limit; ``retry_after`` seconds until the oldest counted objection leaves its window."""

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


def phone_digits(phone):
    return "".join(ch for ch in phone or "" if ch.isdigit())


def _lock(*keys):
    """Serialise the submissions of one sender (address, phone) until the transaction ends (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted({k for k in keys if k}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x0B1EC7, zlib.crc32(key.encode()) - 2**31])


def _scopes(entry, ip, digits):
    limits = settings.OBJECTION_LIMITS
    if ip:
        yield limits.get("ip", ()), Q(ip=ip)
        yield limits.get("ip_entry", ()), Q(ip=ip, entry=entry)
    if digits:
        yield limits.get("phone", ()), Q(phone_digits=digits)


def check_limits(entry, ip, digits, now=None):
    """Raise TooManyObjections when one more objection from ``ip`` / ``digits`` would pass a limit."""
    now = now or timezone.now()
    for windows, scope in _scopes(entry, ip, digits):
        for count, seconds in windows:
            since = now - datetime.timedelta(seconds=seconds)
            recent = list(Objection.objects.filter(scope, submitted_at__gt=since)
                          .order_by("-submitted_at").values_list("submitted_at", flat=True)[:count])
            if len(recent) >= count:
                retry = max(1, int((recent[-1] - since).total_seconds()) + 1)
                raise TooManyObjections(
                    _("Too many objections were sent from this address or phone number. Please try again "
                      "later, or object by letter or phone as the publicity says."), retry)


def store_within_limits(objection, ip, notify):
    """Save ``objection`` (its ``ip`` and phone digits recorded) within the limits, then ``notify(objection)``
    unless staff heard of another objection to the same entry within ``OBJECTION_NOTICE_SECONDS``."""
    digits = phone_digits(objection.phone)
    with transaction.atomic():
        _lock(f"ip:{ip}" if ip else "", f"phone:{digits}" if digits else "")
        now = timezone.now()
        check_limits(objection.entry, ip, digits, now)
        since = now - datetime.timedelta(seconds=settings.OBJECTION_NOTICE_SECONDS)
        told = (Objection.objects.filter(entry=objection.entry, submitted_at__gt=since)
                .exclude(finding=Objection.Finding.SPAM).exists())
        objection.ip, objection.phone_digits, objection.submitted_at = ip, digits, now
        objection.save()
        if not told:
            notify(objection)
    return objection


# --- spam, in bulk, and the way back ------------------------------------------------------------------

def _locked(objection_ids, user):
    """The objections, locked, each of an application the user is staff of (else nothing is done)."""
    if not objection_ids:
        raise ActionRefused(_("Choose at least one objection."))
    ids = list(Objection.objects.select_for_update().filter(pk__in=objection_ids).values_list("pk", flat=True))
    objections = list(Objection.objects.filter(pk__in=ids)
                      .select_related("entry__application__programme").order_by("pk"))
    if len(objections) != len(set(objection_ids)) or not all(
            lifecycle.is_staff_of(o.entry.application, user) for o in objections):
        raise ActionRefused(_("You are not allowed to do this for these objections."))
    return objections


def mark_spam(objection_ids, user, ip=None):
    """Mark pending objections as spam, all or none: they stop counting as pending and are kept."""
    with transaction.atomic():
        objections = _locked(objection_ids, user)
        for objection in objections:
            if not objection.is_pending:
                raise ActionRefused(_("Only objections waiting for a finding can be marked as spam (%(when)s: "
                                      "%(finding)s).") % {"when": timezone.localtime(objection.submitted_at)
                                                          .strftime("%Y-%m-%d %H:%M"),
                                                          "finding": objection.get_finding_display()})
        return _apply(objections, user, ip, Objection.Finding.SPAM, ObjectionMark.Action.SPAM)


def restore_objections(objection_ids, user, ip=None):
    """Put objections marked as spam back to pending (a way back from a mistake), all or none."""
    with transaction.atomic():
        objections = _locked(objection_ids, user)
        for objection in objections:
            if not objection.is_spam:
                raise ActionRefused(_("Only objections marked as spam can be restored."))
            if objection.entry.application.state != State.PUBLICITY:
                raise ActionRefused(_("%(name)s has left publicity: its objections can no longer be restored.")
                                    % {"name": objection.entry.application})
        return _apply(objections, user, ip, Objection.Finding.PENDING, ObjectionMark.Action.RESTORE)


def _apply(objections, user, ip, finding, action):
    now = timezone.now()
    marked_by, marked_at = (user, now) if finding == Objection.Finding.SPAM else (None, None)
    Objection.objects.filter(pk__in=[o.pk for o in objections]).update(
        finding=finding, found_by=marked_by, found_at=marked_at)
    ObjectionMark.objects.bulk_create(
        [ObjectionMark(objection=o, action=action, by=user, at=now, ip=ip) for o in objections])
    return len(objections)
