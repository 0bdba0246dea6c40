"""Filed consortia of the seed programmes, and the people who act on them."""

import datetime

import pytest
from django.db import transaction

from applications.models import Programme
from portal.models import Role
from tests.factories import ApplicationFactory, UnitFactory, UserFactory


@pytest.fixture
def make_consortium(seeded):
    """``make_consortium("jiangsu-2026", filed_on=date)``: a filed consortium of that seed programme, with an
    applicant user of its lead unit (``.applicant``) and a staff user of the programme (``.staff``)."""
    def make(code, filed_on=None, **kwargs):
        programme = Programme.objects.get(code=code)
        kwargs.setdefault("members", 3)
        with transaction.atomic():  # the certificate number's counter is locked (a transactional test has no outer one)
            unit = UnitFactory()
            application = ApplicationFactory(programme=programme, unit=unit, filed=True,
                                             filed_on=filed_on or datetime.date(2025, 6, 30), **kwargs)
            application.applicant = UserFactory(role=Role.APPLICANT, unit=unit)
            application.staff = UserFactory(role=Role.STAFF, authority=programme.authority, unit=None)
        return application
    return make


@pytest.fixture
def evaluator(db):
    return UserFactory(role=Role.EVALUATOR, unit=None, username="evaluator-org")


REPORT = {"strategy": "完成三项重大攻关任务", "platforms": "新建省级重点实验室一个", "team": "引进高层次人才12名",
          "transfer": "转化成果8项", "products": "标志性产品在5家企业应用", "next_plan": "下年度计划攻关两项",
          "rd_spending": 1200, "patents_filed": 30, "patents_granted": 12, "standards": 2, "product_revenue": 8000,
          "members_joined": 1, "members_left": 0}
