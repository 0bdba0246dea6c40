from django.conf import settings


def portal(request):
    context = {"PORTAL_NAME": settings.PORTAL_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_count"] = lambda: user.notifications.filter(read_at__isnull=True).count()
    return context
