from django.conf import settings

from .menu import is_backoffice, menu_for

PUBLIC_LAYOUT, BACKOFFICE_LAYOUT = "layouts/public.html", "layouts/backoffice.html"


def portal(request):
    """The portal's name, the page layout of the user (templates/base.html extends it), the unread count
    and, in the back office, the sidebar (both computed only when a template shows them)."""
    context = {"PORTAL_NAME": settings.PORTAL_NAME, "portal_layout": PUBLIC_LAYOUT}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_count"] = lambda: user.notifications.filter(read_at__isnull=True).count()
        if is_backoffice(user):
            context["portal_layout"] = BACKOFFICE_LAYOUT
            context["menu"] = lambda: menu_for(request)
    return context
