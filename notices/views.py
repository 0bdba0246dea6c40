"""The inbox: a user's notices, opened one by one or marked read all at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST


@login_required
def inbox(request):
    notes = request.user.notifications.all()
    page = Paginator(notes, 20).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request, note_id):
    """GET shows the notice (nothing changes); its button POSTs here: marked read, then on to its link."""
    note = get_object_or_404(request.user.notifications, pk=note_id)
    if request.method != "POST":
        return render(request, "notices/notice.html", {"note": note})
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return redirect(note.url or "notices:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("All notices are marked as read."))
    return redirect("notices:inbox")
