"""The public call pages: home, the list of calls, a call."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ..models import Programme
from ..stages import STAGES


def open_programmes():
    today = timezone.localdate()
    return Programme.objects.filter(published=True, opens_on__lte=today, closes_on__gte=today).select_related(
        "authority")


def home(request):
    return render(request, "portal/home.html", {"programmes": open_programmes()})


def call_list(request):
    programmes = Programme.objects.filter(published=True).select_related("authority").order_by("-closes_on")
    page = Paginator(programmes, 20).get_page(request.GET.get("page"))
    return render(request, "portal/call_list.html", {"page": page, "today": timezone.localdate()})


def call_detail(request, code):
    programme = get_object_or_404(Programme.objects.select_related("authority"), code=code, published=True)
    return render(request, "portal/call_detail.html", {
        "programme": programme,
        "rules": programme.rules.filter(active=True),
        "requirements": programme.attachment_requirements.all(),
        "stages": [dict(s, name=s.get("label") or STAGES[s["key"]].label) for s in programme.stages],
    })
