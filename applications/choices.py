"""The applications' enumerations, apart from the models so that the rules can use them
without importing the models (models → rules → choices, never back)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    HARD = "hard", _("hard (blocks submission)")
    SOFT = "soft", _("soft (warning: 原则上/一般)")


class LeadSelection(models.TextChoices):
    NONE = "", _("not applicable")
    CITY = "city", _("selected by the city")
    COUNTY = "county", _("selected by a county-level city or district")


class OperatorStatus(models.TextChoices):
    NONE = "", _("not stated")
    LEGAL_ENTITY = "legal_entity", _("independent legal entity")
    SEPARATE = "separate", _("separate people, money and assets")
    NEITHER = "neither", _("neither")


class MemberRole(models.TextChoices):
    CORE = "core", _("core member")
    MEMBER = "member", _("member")


class PersonRole(models.TextChoices):
    COUNCIL_CHAIR = "council_chair", _("council chair (理事长)")
    ADMIN_HEAD = "admin_head", _("administrative head (行政负责人)")
    TECH_HEAD = "tech_head", _("technical head (技术负责人)")
    COMMISSIONER = "commissioner", _("project commissioner (项目专员)")
    CHIEF_EXPERT = "chief_expert", _("chief expert (首席专家)")
    EXPERT_COMMITTEE = "expert_committee", _("expert committee head (专家委员会)")
    SECRETARIAT = "secretariat", _("secretariat head (秘书处)")
    OPERATIONS = "operations", _("operating team head (运营团队)")
    OTHER = "other", _("other")


class Notice(models.TextChoices):
    """The kinds of inbox notice about applications (each has its text in templates/notices/<kind>.txt)."""

    RECEIVED = "received"
    NEW_ITEM = "new_item"
    RETURNED = "returned"
    RECOMMENDED = "recommended"
    FORMAL_PASSED = "formal_passed"
    EXPERT_REVIEW = "expert_review"
    APPROVED = "approved"
    NOT_RECOMMENDED = "not_recommend"
    REFUSED = "refuse"
    PUBLICITY = "publicity"
    PUBLICITY_CLOSED = "publicity_closed"
    FILED = "filed"
    REISSUED = "reissued"
    EXPERT_INVITED = "expert_invited"
    OBJECTION_RECEIVED = "objection_received"
    EXPORT_READY = "export_ready"  # the staff list's export made in the background is ready


# The review's vocabulary that the lifecycle's conditions read (review.models uses these).

class AssignmentStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    SUBMITTED = "submitted", _("scores submitted")


class ObjectionFinding(models.TextChoices):
    PENDING = "pending", _("pending")
    UPHELD = "upheld", _("upheld")
    DISMISSED = "dismissed", _("dismissed")
    # Marked as spam by staff (review.services.objections): kept, blocks nothing, and can be restored.
    SPAM = "spam", _("spam")
