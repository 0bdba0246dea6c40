import functools

from django.conf import settings
from django.db import connections, router

from .menu import is_backoffice, sidebar_html
from .topbar import topbar_html

PUBLIC_LAYOUT, BACKOFFICE_LAYOUT = "layouts/public.html", "layouts/backoffice.html"


def portal(request):
    """The portal's name, the page layout of the user (templates/base.html extends it), the unread count
    and, in the back office, the top bar (with the unread count) and the sidebar (each computed only when a
    template shows it)."""
    context = {"PORTAL_NAME": settings.PORTAL_NAME, "portal_layout": PUBLIC_LAYOUT}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_count"] = lambda: unread_count(user)
        if is_backoffice(user):
            context["portal_layout"] = BACKOFFICE_LAYOUT
            context["sidebar"] = lambda: sidebar_html(request)
            context["topbar"] = lambda: topbar_html(request, unread_count(user))
    return context


def unread_count(user):
    """How many of ``user``'s notices are unread (the top bar's badge, on every page of a signed-in user): the
    same count as ``user.notifications.filter(read_at__isnull=True).count()``, from SQL written once, since
    building and compiling that query cost the ORM about four times what the database takes to answer it."""
    model, sql = _unread_sql(user._meta.model)
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return cursor.fetchone()[0]


@functools.cache
def _unread_sql(user_model):
    """The notices' model (reached through the user's ``notifications``: the portal names no app above it)
    and the SQL of the count."""
    relation = user_model._meta.get_field("notifications")
    model = relation.related_model
    quote = connections[router.db_for_read(model)].ops.quote_name
    recipient, read_at = (model._meta.get_field(name).column for name in (relation.field.name, "read_at"))
    return model, (f"SELECT COUNT(*) FROM {quote(model._meta.db_table)} "
                   f"WHERE {quote(recipient)} = %s AND {quote(read_at)} IS NULL")
