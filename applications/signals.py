"""Keeps what the applications copy from other tables in step with them: the lead unit's name and credit
code in ``Application.lead_search`` (what the staff list's search reads) when a unit is saved."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.models import Unit

from .models import Application
from .models.applications import lead_search_text


@receiver(post_save, sender=Unit, dispatch_uid="applications.refresh_lead_search")
def refresh_lead_search(sender, instance, raw=False, **kwargs):
    """A unit saved (renamed, its credit code corrected): its applications are found by what it is now."""
    if raw:
        return
    text = lead_search_text(instance)
    Application.objects.filter(unit=instance).exclude(lead_search=text).update(lead_search=text)
