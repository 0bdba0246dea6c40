"""The scoring sheets of the seed programmes, as data.

中关村 第十三条（二）: the experts assess 建设意义和必要性、实施基础、人才团队、创新能力、产业整合
服务能力、建设内容、绩效目标、资金筹措.  The guideline names the eight points without weights; the
weights below (summing to 100) are the portal's proposal and can be changed by editing the rows.
The other seed programmes use the default sheet of :func:`review.services.criteria_for`.

:func:`load_criteria` is idempotent and is meant to be called from the ``load_programmes``
command after the programmes exist.
"""

from decimal import Decimal

from django.db import transaction

from applications import seed
from applications.models import Programme

from .models import Criterion, Score

ZGC_CODE = "zgc-2026"

#: (criterion, weight %) in the order of 第十三条（二）.
ZGC_WEIGHTS = [10, 15, 15, 15, 15, 10, 10, 10]
ZGC_CRITERIA = list(zip(seed.ZGC_EXPERT_CRITERIA, ZGC_WEIGHTS, strict=True))

#: programme code → its scoring sheet.
CRITERIA = {ZGC_CODE: ZGC_CRITERIA}

assert all(sum(w for _name, w in sheet) == 100 for sheet in CRITERIA.values()), "weights must sum to 100"


@transaction.atomic
def load_criteria(criteria=None):
    """Make each listed programme's Criterion rows match the sheet; returns counts per outcome.

    Rows are matched by (programme, name).  A row the sheet no longer has is deleted, unless
    experts have already scored it (Score protects it): then it is kept and counted as "kept".
    Programmes that do not exist (yet) are skipped.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0, "kept": 0}
    for code, sheet in (criteria or CRITERIA).items():
        programme = Programme.objects.filter(code=code).first()
        if programme is None:
            continue
        names = []
        for order, (name, weight) in enumerate(sheet):
            names.append(name)
            weight = Decimal(weight)
            row = Criterion.objects.filter(programme=programme, name=name).order_by("pk").first()
            if row is None:
                Criterion.objects.create(programme=programme, name=name, weight=weight, order=order)
                counts["created"] += 1
            elif row.weight != weight or row.order != order:
                row.weight, row.order = weight, order
                row.save(update_fields=["weight", "order"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        for row in Criterion.objects.filter(programme=programme).exclude(name__in=names):
            if Score.objects.filter(criterion=row).exists():
                counts["kept"] += 1
            else:
                row.delete()
                counts["deleted"] += 1
    return counts
