"""Gap-free numbers: 文号 per issuer and year, 申报编号 per programme and year.

A number is drawn inside the transaction of the act it numbers: the counter row stays locked until
that transaction commits, so a rolled-back act gives its number back and two acts never share one.
"""

from django.db import IntegrityError, transaction

from .models import Counter


def next_number(series: str, year: int) -> int:
    """The next number of ``series`` in ``year`` (1, 2, 3 …), inside the caller's transaction."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Counter.objects.get_or_create(series=series, year=year)
            break
        except IntegrityError:  # created concurrently: it exists now
            continue
    # Inside the caller's transaction this is a savepoint and the row stays locked until the caller
    # commits; called in autocommit (a number that may have gaps, such as a 申报编号) it is its own.
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(series=series, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last


def document_number(pattern: str, series: str, year: int) -> str:
    """A 发文字号 such as 威科字〔2026〕7号 from the issuer's pattern (``{year}`` and ``{n}``)."""
    return pattern.format(year=year, n=next_number(series, year))
