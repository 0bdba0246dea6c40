"""The certificates issued to a filed application, one row per edition.

What a certificate says is frozen when it is issued (the consortium's and the units' names, the
issuer, the date): a unit renamed later does not change what its certificate says, and the public
verification page shows the certificate as issued.  A change of name issues a new edition; the
earlier one is kept, marked superseded."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application


class Certificate(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="certificates",
                                    verbose_name=_("application"))
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    number = models.CharField(_("certificate number"), max_length=40)
    name = models.CharField(_("consortium name"), max_length=120)
    lead_name = models.CharField(_("lead unit"), max_length=120)
    lead_credit_code = models.CharField(_("unified social credit code"), max_length=18)
    members = models.JSONField(_("member units"), default=list)
    issuer = models.CharField(_("issued by"), max_length=80)
    programme_title = models.CharField(_("programme"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    reason = models.CharField(_("reason for a new edition"), max_length=300, blank=True)
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)

    class Meta:
        ordering = ["application", "edition"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(fields=["application", "edition"], name="one_certificate_edition")]

    def __str__(self):
        return f"{self.number} ({self.edition})"

    @property
    def current(self):
        return self.superseded_on is None

    @classmethod
    def freeze(cls, application, issued_on, edition=1, reason=""):
        """A new edition saying what ``application`` is now (inside the caller's transaction)."""
        return cls.objects.create(
            application=application, edition=edition, number=application.certificate_number, name=application.name,
            lead_name=application.unit.name, lead_credit_code=application.unit.credit_code,
            members=[m.name for m in application.members.order_by("order", "pk")],
            issuer=application.programme.authority.name, programme_title=application.programme.title,
            issued_on=issued_on, reason=reason)
