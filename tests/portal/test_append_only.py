"""The append-only tables refuse UPDATE and DELETE in PostgreSQL itself (django-pgtrigger's ``append_only``
trigger), not only in the model: raw SQL, ``QuerySet.update`` and ``QuerySet.delete`` are refused too.

The models are found by walking the subclasses of ``portal.models.AppendOnlyModel``, so a new one is covered
(and fails here until it inherits the trigger and this module knows how to write one of its rows)."""

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from applications.states import State
from portal.models import AppendOnlyModel, CreditRecord, CreditRecordChange, Role
from tests.review_factories import make_application, staff_user

TRIGGER_ERROR = "Cannot update or delete rows from"


def append_only_models():
    """Every concrete model that inherits AppendOnlyModel (at any depth)."""
    return sorted((model for model in apps.get_models() if issubclass(model, AppendOnlyModel)),
                  key=lambda model: model._meta.label)


def test_the_walk_finds_the_known_append_only_models():
    labels = {model._meta.label for model in append_only_models()}
    assert {"review.TransitionLog", "applications.ApplicationVersion", "portal.CreditRecordChange",
            "supervision.SupervisionLog"} <= labels


@pytest.mark.parametrize("model", append_only_models(), ids=lambda model: model._meta.label)
def test_every_append_only_model_declares_the_trigger(model):
    assert "append_only" in [trigger.name for trigger in model._meta.triggers]


@pytest.fixture
def rows(seeded):
    """At least one row in every append-only table."""
    app = make_application("weihai-2026", state=State.FORMAL_REVIEW)  # its log and its frozen version
    staff = staff_user(app.programme.authority)
    record = CreditRecord.objects.create(credit_code=app.unit.credit_code, unit_name=app.unit.name,
                                         kind=CreditRecord.Kind.BLACKLIST, reason="测试", source="本局认定",
                                         valid_from=datetime.date(2026, 1, 1), authority=staff.authority,
                                         recorded_by=staff)
    CreditRecordChange.objects.create(record=record, by=staff, reason="更正来源", changes={"source": ["甲", "乙"]})
    apps.get_model("supervision", "SupervisionLog").objects.create(
        application=app, subject_type=ContentType.objects.get_for_model(app), subject_id=app.pk,
        transition="accept", actor=staff, actor_role=Role.STAFF, source="submitted", target="accepted")
    return app


def _refused(sql):
    with pytest.raises(DatabaseError, match=TRIGGER_ERROR), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize("model", append_only_models(), ids=lambda model: model._meta.label)
def test_postgresql_refuses_raw_update_and_delete(rows, model):
    assert connection.vendor == "postgresql"
    table = connection.ops.quote_name(model._meta.db_table)
    before = list(model.objects.order_by("pk").values())
    assert before, f"tests/portal/test_append_only.py: write a {model._meta.label} row in the `rows` fixture"
    _refused(f"UPDATE {table} SET id = id")
    _refused(f"DELETE FROM {table}")
    with pytest.raises(DatabaseError, match=TRIGGER_ERROR), transaction.atomic():
        model.objects.all().update(id=F("id") + 0)  # the ORM's UPDATE, which skips save()
    with pytest.raises(DatabaseError, match=TRIGGER_ERROR), transaction.atomic():
        model.objects.all()._raw_delete(model.objects.db)  # a DELETE without the model's delete()
    assert list(model.objects.order_by("pk").values()) == before


def test_inserts_still_work(rows):
    """The trigger refuses changes, not new entries: the workflow keeps writing its log."""
    before = rows.log.count()
    rows.log.model.objects.create(application=rows, transition="note", actor=None, actor_role=Role.STAFF,
                                  source="formal_review", target="formal_review")
    assert rows.log.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_flush_still_empties_the_tables(seeded):
    """The transactional tests' flush is a TRUNCATE, which the row trigger does not refuse."""
    make_application("weihai-2026", state=State.FORMAL_REVIEW)
    call_command("flush", interactive=False, verbosity=0)
    for model in append_only_models():
        assert not model.objects.exists()


@pytest.mark.sqlite
def test_the_models_refuse_changes_on_any_database(seeded):
    """On the demo's SQLite (no trigger) the models still refuse to change or delete a row."""
    app = make_application("weihai-2026", state=State.FORMAL_REVIEW)
    for entry in (app.log.first(), app.versions.first()):
        with pytest.raises(ValidationError):
            entry.save()
        with pytest.raises(ValidationError):
            entry.delete()
