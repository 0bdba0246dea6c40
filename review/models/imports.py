"""Consortia filed on paper before the portal, imported from an Excel sheet by programme staff.

A :class:`PaperImport` is the uploaded sheet, kept as uploaded: it is previewed (every row checked, each
problem named with its row), then imported at once, all rows or none, in one transaction.  Each imported
row becomes a filed application with its certificate (edition 1, frozen from the row) and a
:class:`PaperFiling` saying where it came from, so later supervision applies to it as to any other and the
public verification page can say that the certificate was issued on paper.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def import_path(instance, filename):
    return f"imports/{instance.programme_id}/{instance.sha256[:16]}.xlsx"


class PaperImport(models.Model):
    programme = models.ForeignKey("applications.Programme", on_delete=models.PROTECT, related_name="paper_imports",
                                  verbose_name=_("programme"))
    file = models.FileField(upload_to=import_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("consortia imported"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("import of paper filings")
        verbose_name_plural = _("imports of paper filings")

    def __str__(self):
        return f"{self.name} ({self.uploaded_at:%Y-%m-%d})"

    @property
    def is_imported(self):
        return self.imported_at is not None


class PaperFiling(models.Model):
    """An application imported from a paper filing: which import, which row of its sheet."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT,
                                       related_name="paper_filing", verbose_name=_("application"))
    source = models.ForeignKey(PaperImport, on_delete=models.PROTECT, related_name="filings",
                               verbose_name=_("import"))
    row = models.PositiveIntegerField(_("row of the sheet"))

    class Meta:
        ordering = ["source", "row"]
        verbose_name = _("paper filing")
        verbose_name_plural = _("paper filings")
