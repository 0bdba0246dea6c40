"""A province's worth of applications, written by bulk SQL (PostgreSQL only).

``generate(scale)`` adds ``scale`` applications over the seed programmes (which must be loaded), with
7.5 member units and about 2.8 timeline entries each, one lead unit for every two applications,
certificates for the filed ones and publicity batches listing the filed and publicised ones: the
proportions of the issue's measurement (10,000 applications, 75,000 members, 27,000 timeline entries).
Each table is filled by one ``INSERT … SELECT … generate_series`` statement, so 100,000 applications
take seconds.  Used by tests/review/test_query_plans.py and bench/load.

Every column a statement does not name gets its model's default (or NULL), so a field added to a
model later does not break the generator.
"""

from django.db import connection
from django.utils import timezone

from applications.models import Application, Certificate, Member, Programme
from applications.states import State
from portal.models import District, Division, Role, Unit, UnitType, User
from review.demo import waiting_states
from review.models import PublicityBatch, PublicityEntry, TransitionLog

#: Words of generated names; 人工智能 (the issue's search) is one topic in twenty.
TOPICS = ["人工智能", "生物医药", "集成电路", "新材料", "智能制造", "新能源", "海洋装备", "量子科技", "高端装备",
          "节能环保", "先进计算", "合成生物", "航空航天", "智能网联汽车", "氢能储能", "工业软件", "现代农业",
          "数字医疗", "新型显示", "低空经济"]
PLACES = ["北京", "南京", "苏州", "无锡", "常州", "威海", "济南", "青岛", "海淀", "昌平", "徐州", "南通", "烟台",
          "扬州", "泰州", "盐城"]
UNIT_WORDS = ["科技", "智能", "医药", "材料", "装备", "电子", "信息", "能源", "精密", "生物"]
UNIT_KINDS = ["有限公司", "股份有限公司", "研究院", "技术中心", "研究所"]
#: Twenty slots per programme: one draft, three ended or returned, twelve along its route, four filed.
SIDE_STATES = [State.DRAFT, State.RETURNED, State.WITHDRAWN, State.REFUSED]
#: Applications per publicity batch.
BATCH_SIZE = 40
GENERATOR_USER = "volume_generator"


def _insert(model, given, source, params):
    """``INSERT INTO <model> (...) SELECT <given>, <defaults> FROM <source>``; returns the row count.

    ``given`` maps columns to SQL expressions (named parameters ``%(name)s`` come from ``params``); every
    other concrete column but the primary key gets its default as a parameter, or is left NULL."""
    columns, values, params = [], [], dict(params)
    for field in model._meta.concrete_fields:
        if field.column in given:
            columns.append(field.column)
            values.append(given[field.column])
        elif not field.primary_key and (field.has_default() or not field.null):
            name = f"default_{field.column}"
            columns.append(field.column)
            values.append(f"%({name})s")
            params[name] = field.get_db_prep_save(field.get_default(), connection)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"INSERT INTO {model._meta.db_table} ({quoted}) SELECT {', '.join(values)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _slots(programmes):
    """``[(programme id, slot, state)]``: where the applications of each programme stand."""
    rows = []
    for programme in programmes:
        route = waiting_states(Application(programme=programme, unit=Unit(unit_type=UnitType.ENTERPRISE)))
        states = SIDE_STATES + (route[:-1] * 12)[:12] + [State.FILED] * 4
        rows += [(programme.pk, slot, state) for slot, state in enumerate(states)]
    return rows


def generate(scale=10_000, now=None):
    """Add ``scale`` applications with their members, timelines, lead units, certificates and publicity;
    returns the counts written."""
    assert connection.vendor == "postgresql", "the volume generator writes PostgreSQL SQL"
    now = now or timezone.now()
    programmes = list(Programme.objects.order_by("pk"))
    user = User.objects.filter(username=GENERATOR_USER).first() or User.objects.create_user(
        GENERATOR_USER, role=Role.ADMIN, is_active=False)
    first_unit = _next_id(Unit)
    first_app = _next_id(Application)
    counts = {"units": _units(max(scale // 2, 1), first_unit)}
    units = list(Unit.objects.filter(pk__gte=first_unit).values_list("pk", flat=True))
    counts["applications"] = _applications(scale, programmes, units, user, now)
    new = f"applications_application a WHERE a.id >= {first_app}"
    _lead_search(first_app)
    counts["members"] = _members(new)
    counts["timeline"] = _timeline(new, user)
    counts["certificates"] = _certificates(new)
    counts["publicity"] = _publicity(programmes, first_app, user)
    return counts


def _next_id(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def _units(count, first):
    division = Division.objects.order_by("pk").values_list("pk", flat=True).first()
    return _insert(Unit, {
        "name": "(%(places)s::text[])[1 + mod(i, 16)] || (%(words)s::text[])[1 + mod(i / 16, 10)]"
                " || (%(kinds)s::text[])[1 + mod(i / 7, 5)] || i",
        "credit_code": "'91' || lpad((%(first)s + i)::text, 16, '0')",
        "unit_type": "%(enterprise)s", "division_id": "%(division)s",
        "contact_email": "'unit' || i || '@example.cn'",
    }, "generate_series(1, %(count)s) AS i", {
        "places": PLACES, "words": UNIT_WORDS, "kinds": UNIT_KINDS, "first": first, "count": count,
        "enterprise": UnitType.ENTERPRISE, "division": division})


def _applications(scale, programmes, units, user, now):
    """Application ``i`` is of programme ``i mod 5`` and stands in slot ``(i / 5) mod 20`` of it; its
    timeline runs every three days from its submission to ``waiting_since``."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS volume_slot")
        cursor.execute("CREATE TEMPORARY TABLE volume_slot (programme_id bigint, slot int, state text, "
                       "districts bigint[], fields text[])")
        cursor.executemany("INSERT INTO volume_slot VALUES (%s, %s, %s, %s, %s)", [
            (pk, slot, state, list(District.objects.filter(authority__programmes=pk).values_list("pk", flat=True)),
             next(p.field_names() for p in programmes if p.pk == pk) or TOPICS) for pk, slot, state in _slots(programmes)])
    waited = "%(now)s - make_interval(days => mod(i, 400), mins => mod(i, 1440))"
    moves = "make_interval(days => 3 * (1 + mod(i, 3)))"
    draft, filed = State.DRAFT.value, State.FILED.value
    written = _insert(Application, {
        "programme_id": "s.programme_id",
        "unit_id": "(%(units)s::bigint[])[1 + mod(i * 7919, %(unit_count)s)]",
        "district_id": "s.districts[1 + mod(i / 7, cardinality(s.districts))]",
        "state": "s.state",
        "name": "(%(places)s::text[])[1 + mod(i / 3, 16)] || (%(topics)s::text[])[1 + mod(i / 7, 20)]"
                " || '创新联合体' || i",
        "field": "s.fields[1 + mod(i / 11, cardinality(s.fields))]",
        "goals": "'突破关键核心技术。'",
        "created_by_id": "%(user)s",
        "created_at": "%(now)s - make_interval(days => 30 + mod(i, 700))",
        "updated_at": "%(now)s - make_interval(days => mod(i, 30))",
        "submitted_at": f"CASE WHEN s.state = '{draft}' THEN NULL ELSE {waited} - {moves} END",
        "waiting_since": f"CASE WHEN s.state = '{draft}' THEN NULL ELSE {waited} END",
        "reference": "'VOLSB' || %(first)s || '-' || i",
        "certificate_number": f"CASE WHEN s.state = '{filed}' THEN 'VOL' || %(first)s || '-' || i END",
        "filed_on": f"CASE WHEN s.state = '{filed}' THEN ({waited})::date END",
    }, """generate_series(1, %(scale)s) AS i
          JOIN volume_slot s ON s.programme_id = (%(programmes)s::bigint[])[1 + mod(i, %(programme_count)s)]
                            AND s.slot = mod(i / %(programme_count)s, 20)""", {
        "units": units, "unit_count": len(units), "places": PLACES, "topics": TOPICS, "user": user.pk,
        "now": now, "scale": scale, "first": _next_id(Application), "programmes": [p.pk for p in programmes],
        "programme_count": len(programmes)})
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE volume_slot")
    return written


def _lead_search(first_app):
    """The lead unit's name and code on each application, as Application.save() writes them."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE applications_application a SET lead_search = u.name || E'\\n' || u.credit_code "
                       "FROM portal_unit u WHERE u.id = a.unit_id AND a.id >= %s", [first_app])


def _members(applications):
    """Seven or eight member units each (every other application one more)."""
    return _insert(Member, {
        "application_id": "a.id",
        "name": "'成员单位' || a.id || '-' || n",
        "credit_code": "'92' || lpad((a.id * 8 + n)::text, 16, '0')",
        "unit_type": "%(enterprise)s",
        "region": "'江苏省苏州市'",
        "role": "CASE WHEN n = 1 THEN %(core)s ELSE %(member)s END",
        "order": "n",
    }, f"{applications.replace(' WHERE ', ' CROSS JOIN LATERAL generate_series(1, 7 + mod(a.id, 2)) AS n WHERE ')}",
        {"enterprise": UnitType.ENTERPRISE, "core": Member.Role.CORE, "member": Member.Role.MEMBER})


def _timeline(applications, user):
    """The entries of each submitted application, three days apart, the last at its ``waiting_since``."""
    steps = "(extract(day FROM a.waiting_since - a.submitted_at)::int / 3)"
    return _insert(TransitionLog, {
        "application_id": "a.id",
        "transition": "CASE WHEN k = 0 THEN 'submit' ELSE 'recommend' END",
        "actor_id": "%(user)s",
        "actor_role": "%(role)s",
        "source": "CASE WHEN k = 0 THEN %(draft)s ELSE a.state END",
        "target": "a.state",
        "at": "a.submitted_at + make_interval(days => 3 * k)",
    }, f"{applications.replace(' WHERE ', f' CROSS JOIN LATERAL generate_series(0, {steps}) AS k WHERE ')}"
       " AND a.submitted_at IS NOT NULL",
        {"user": user.pk, "role": Role.STAFF, "draft": State.DRAFT})


def _certificates(applications):
    return _insert(Certificate, {
        "application_id": "a.id", "number": "a.certificate_number", "name": "a.name",
        "lead_name": "u.name", "lead_credit_code": "u.credit_code", "issuer": "'科学技术局'",
        "programme_title": "'创新联合体'", "issued_on": "a.filed_on",
    }, applications.replace(" WHERE ", " JOIN portal_unit u ON u.id = a.unit_id WHERE ")
        + " AND a.certificate_number IS NOT NULL", {})


def _publicity(programmes, first_app, user):
    """A batch for every forty publicised or filed applications of a programme, each listing them."""
    public = [State.PUBLICITY.value, State.FILED.value]
    batches = _insert(PublicityBatch, {
        "programme_id": "p.programme_id", "title": "'创新联合体公示（' || p.n || '）'",
        "starts_on": "current_date - 30 - p.n", "ends_on": "current_date - 23 - p.n", "working_days": "5",
        "by_id": "%(user)s", "filed_at": "now()",
    }, f"""(SELECT programme_id, generate_series(1, ceil(count(*) / {BATCH_SIZE}.0)::int) AS n
            FROM applications_application WHERE id >= %(first)s AND state = ANY(%(public)s)
            GROUP BY programme_id) p""", {"user": user.pk, "first": first_app, "public": public})
    _insert(PublicityEntry, {"batch_id": "b.id", "application_id": "a.id"}, f"""
        (SELECT id, programme_id, row_number() OVER (PARTITION BY programme_id ORDER BY id) - 1 AS k
         FROM applications_application WHERE id >= %(first)s AND state = ANY(%(public)s)) a
        JOIN (SELECT id, programme_id, row_number() OVER (PARTITION BY programme_id ORDER BY id) - 1 AS k
              FROM review_publicitybatch WHERE title LIKE '创新联合体公示（%%') b
          ON b.programme_id = a.programme_id AND b.k = a.k / {BATCH_SIZE}""",
        {"first": first_app, "public": public})
    return batches
