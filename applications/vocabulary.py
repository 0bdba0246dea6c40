"""The names of the lead categories and member kinds (models in ``applications.models.vocabulary``),
by code, for the rules' messages and the pages that show a stored code.

The vocabularies are small and read on every eligibility check, so their ``{code: name}`` maps are
kept in the cache and forgotten whenever an entry is saved or deleted.  The models are looked up by
name, so that the rules can use this module without importing the models (models → rules).
"""

from django.apps import apps
from django.core.cache import cache

LEAD_CATEGORY = "leadcategory"
MEMBER_KIND = "memberkind"
MODELS = {LEAD_CATEGORY: "LeadCategory", MEMBER_KIND: "MemberKind"}


def _key(kind):
    return f"vocabulary:{kind}"


def names(kind):
    """``{code: name}`` of every entry of one vocabulary."""
    found = cache.get(_key(kind))
    if found is None:
        model = apps.get_model("applications", MODELS[kind])
        found = dict(model.objects.values_list("code", "name"))
        cache.set(_key(kind), found, 300)
    return found


def name_of(kind, code):
    return names(kind).get(code, code) if code else ""


def joined(kind, codes):
    """The names of ``codes``, joined as a Chinese list (、)."""
    labels = names(kind)
    return "、".join(labels.get(code, code) for code in codes)


def forget(kind):
    cache.delete(_key(kind))
