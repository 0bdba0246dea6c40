"""Seed data: divisions, authorities, district offices and the five programmes, as plain Python.

``manage.py load_programmes`` loads everything below idempotently (natural keys; a programme's
rules and attachment requirements are replaced to match this file).  Chinese values here are
data — titles, guideline names, article citations — and are shown as they are.

How a sixth guideline is added without a code change (in the Django admin, /admin/)
-----------------------------------------------------------------------------------

1. **Administrative divisions** — the whole country's provinces, prefectures and counties are
   loaded from the national table (``manage.py load_divisions``, run by ``load_programmes``);
   add a row only for a place the table lacks (code = six-digit code, parent = the level
   above).  Units register in a division that has a parent (a 区县 or a 设区市).
2. **Authority** — add the issuing body (name, short name, level: provincial / municipal /
   science park, region governed = the division it governs).  Staff users of the programme
   are users with the role *programme staff* and this authority.
3. **District offices** — one row per office that does the initial review (区县科技局,
   设区市科技局, 分园管委会 …), each with the division it covers; an application is routed to
   the office whose division contains the lead unit's division.  District reviewers are users
   with the role *district reviewer* and one of these offices.
4. **Programme** — code (a slug, e.g. ``hangzhou-2027``), certificate prefix, title,
   guideline title *with* its book-title marks (《…》: every rule message starts with it),
   document number, dates, summary, fields (chosen from the field taxonomy, *Fields (领域)*;
   none: any field of the taxonomy), the lead categories and member kinds it offers (shared
   entries; none: every shared one — a kind only this guideline names is added under *Lead unit
   categories* / *Member kinds* with this programme set, and is offered to it alone), formation
   modes (``[]`` if the guideline has none), the review stages as rows in the order
   district_review → formal_review → expert_review → decision → publicity → filing (a stage
   chosen per row, its parameters as fields; leave out the stages the guideline does not have and
   end with filing; the parameters are declared in ``applications.stages.STAGES``), publicity
   working days and contact.
5. **Programme rules** (the rows under the programme) — one row per condition of the guideline
   that the application's data can show: choose the rule kind (the list is
   ``applications.rules.REGISTRY``; the parameters each kind accepts are checked when the row
   is saved), give the parameters as a JSON object (e.g. ``{"min": 8}`` for ``min_members``;
   ``{"member_kinds": ["enterprise"], "min": 3}`` for 「3 家上下游企业」 with ``min_members_of_kind``),
   the severity (*soft* where the text says 原则上 / 一般, *hard* otherwise) and the citation
   exactly as the article is numbered in the guideline (e.g. ``三（一）2``).  Rows run in
   ``order``; untick *active* to suspend one.  The ``PROGRAMMES`` entries below are worked
   examples of every kind.
6. **Attachment requirements** (also under the programme) — one row per document (code, name,
   citation, whether it is required at submission, optional ``required_when`` such as
   ``{"lead_selected_by": ["county"]}`` or ``{"lead_unit_types": ["new_rd"]}``, whether scans
   as images are allowed, size limit).  Use the code ``agreement`` for the consortium
   agreement / charter: the formal review checks the member names against it.
7. **Expert criteria** (also under the programme) — the scoring sheet with weights summing to
   100; without rows the default sheet of ``review.services.criteria_for`` is used.
8. Untick *published* until the rows are checked; a draft application shows every rule's
   result with its citation, which is the quickest review of the configuration.

A condition that none of the rule kinds can express needs a new function in
``applications/rules.py`` (a code change); everything else is data.

Conventions in this file
------------------------

* Money is in 万元 (10 000 yuan), as in the application form: 10亿元 = 100000.
* ``rules`` are listed in the order they are shown; ``order`` is assigned as 10, 20, 30 ….
* Division codes follow GB/T 2260 except where a comment says otherwise (``not official``:
  a placeholder; ``NBS statistical code``: the 统计用区划代码, used in registrations).
* ``real_window`` is the programme's own (opens_on, closes_on); ``load_programmes
  --demo-window`` replaces it with today−30 … today+90 days so that the demo and the tests can
  apply.
"""

import datetime

D = datetime.date

# --- administrative divisions: (code, name, parent code) --------------------------------------
# Parents come before children.

DIVISIONS = [
    # 北京市 and its 16 districts.  Municipalities have no 市辖区 level here: a district's
    # parent is the municipality itself, so its full name reads 北京市海淀区.
    ("110000", "北京市", None),
    ("110101", "东城区", "110000"),
    ("110102", "西城区", "110000"),
    ("110105", "朝阳区", "110000"),
    ("110106", "丰台区", "110000"),
    ("110107", "石景山区", "110000"),
    ("110108", "海淀区", "110000"),
    ("110109", "门头沟区", "110000"),
    ("110111", "房山区", "110000"),
    ("110112", "通州区", "110000"),
    ("110113", "顺义区", "110000"),
    ("110114", "昌平区", "110000"),
    ("110115", "大兴区", "110000"),
    ("110116", "怀柔区", "110000"),
    ("110117", "平谷区", "110000"),
    ("110118", "密云区", "110000"),
    ("110119", "延庆区", "110000"),
    # 天津市 and its 16 districts (so that units there can register).
    ("120000", "天津市", None),
    ("120101", "和平区", "120000"),
    ("120102", "河东区", "120000"),
    ("120103", "河西区", "120000"),
    ("120104", "南开区", "120000"),
    ("120105", "河北区", "120000"),
    ("120106", "红桥区", "120000"),
    ("120110", "东丽区", "120000"),
    ("120111", "西青区", "120000"),
    ("120112", "津南区", "120000"),
    ("120113", "北辰区", "120000"),
    ("120114", "武清区", "120000"),
    ("120115", "宝坻区", "120000"),
    ("120116", "滨海新区", "120000"),
    ("120117", "宁河区", "120000"),
    ("120118", "静海区", "120000"),
    ("120119", "蓟州区", "120000"),
    # 河北省 and its 11 设区市.
    ("130000", "河北省", None),
    ("130100", "石家庄市", "130000"),
    ("130200", "唐山市", "130000"),
    ("130300", "秦皇岛市", "130000"),
    ("130400", "邯郸市", "130000"),
    ("130500", "邢台市", "130000"),
    ("130600", "保定市", "130000"),
    ("130700", "张家口市", "130000"),
    ("130800", "承德市", "130000"),
    ("130900", "沧州市", "130000"),
    ("131000", "廊坊市", "130000"),
    ("131100", "衡水市", "130000"),
    # 上海市 and its 16 districts.
    ("310000", "上海市", None),
    ("310101", "黄浦区", "310000"),
    ("310104", "徐汇区", "310000"),
    ("310105", "长宁区", "310000"),
    ("310106", "静安区", "310000"),
    ("310107", "普陀区", "310000"),
    ("310109", "虹口区", "310000"),
    ("310110", "杨浦区", "310000"),
    ("310112", "闵行区", "310000"),
    ("310113", "宝山区", "310000"),
    ("310114", "嘉定区", "310000"),
    ("310115", "浦东新区", "310000"),
    ("310116", "金山区", "310000"),
    ("310117", "松江区", "310000"),
    ("310118", "青浦区", "310000"),
    ("310120", "奉贤区", "310000"),
    ("310151", "崇明区", "310000"),
    # 江苏省 and its 13 设区市.
    ("320000", "江苏省", None),
    ("320100", "南京市", "320000"),
    ("320200", "无锡市", "320000"),
    ("320300", "徐州市", "320000"),
    ("320400", "常州市", "320000"),
    ("320500", "苏州市", "320000"),
    ("320600", "南通市", "320000"),
    ("320700", "连云港市", "320000"),
    ("320800", "淮安市", "320000"),
    ("320900", "盐城市", "320000"),
    ("321000", "扬州市", "320000"),
    ("321100", "镇江市", "320000"),
    ("321200", "泰州市", "320000"),
    ("321300", "宿迁市", "320000"),
    # 苏州市's county-level divisions.
    ("320505", "虎丘区", "320500"),  # = 苏州高新区
    ("320506", "吴中区", "320500"),
    ("320507", "相城区", "320500"),
    ("320508", "姑苏区", "320500"),
    ("320509", "吴江区", "320500"),
    ("320571", "苏州工业园区", "320500"),  # not official: not in GB/T 2260; the code registration authorities use
    ("320581", "常熟市", "320500"),
    ("320582", "张家港市", "320500"),
    ("320583", "昆山市", "320500"),
    ("320585", "太仓市", "320500"),
    # 浙江省 and its 11 设区市.
    ("330000", "浙江省", None),
    ("330100", "杭州市", "330000"),
    ("330200", "宁波市", "330000"),
    ("330300", "温州市", "330000"),
    ("330400", "嘉兴市", "330000"),
    ("330500", "湖州市", "330000"),
    ("330600", "绍兴市", "330000"),
    ("330700", "金华市", "330000"),
    ("330800", "衢州市", "330000"),
    ("330900", "舟山市", "330000"),
    ("331000", "台州市", "330000"),
    ("331100", "丽水市", "330000"),
    # 山东省 and its 16 设区市.
    ("370000", "山东省", None),
    ("370100", "济南市", "370000"),
    ("370200", "青岛市", "370000"),
    ("370300", "淄博市", "370000"),
    ("370400", "枣庄市", "370000"),
    ("370500", "东营市", "370000"),
    ("370600", "烟台市", "370000"),
    ("370700", "潍坊市", "370000"),
    ("370800", "济宁市", "370000"),
    ("370900", "泰安市", "370000"),
    ("371000", "威海市", "370000"),
    ("371100", "日照市", "370000"),
    ("371300", "临沂市", "370000"),
    ("371400", "德州市", "370000"),
    ("371500", "聊城市", "370000"),
    ("371600", "滨州市", "370000"),
    ("371700", "菏泽市", "370000"),
    # 威海市's 区市 and development zones (the addressees of 威科字〔2022〕20号).
    ("371002", "环翠区", "371000"),
    ("371003", "文登区", "371000"),
    ("371071", "威海火炬高技术产业开发区", "371000"),  # NBS statistical code, not GB/T 2260
    ("371072", "威海经济技术开发区", "371000"),  # NBS statistical code, not GB/T 2260
    ("371073", "威海临港经济技术开发区", "371000"),  # NBS statistical code, not GB/T 2260
    ("371082", "荣成市", "371000"),
    ("371083", "乳山市", "371000"),
    ("371091", "南海新区", "371000"),  # not official: placeholder code
    ("371092", "威海综合保税区", "371000"),  # not official: placeholder code
    # 广东省 and its 21 地级市.
    ("440000", "广东省", None),
    ("440100", "广州市", "440000"),
    ("440200", "韶关市", "440000"),
    ("440300", "深圳市", "440000"),
    ("440400", "珠海市", "440000"),
    ("440500", "汕头市", "440000"),
    ("440600", "佛山市", "440000"),
    ("440700", "江门市", "440000"),
    ("440800", "湛江市", "440000"),
    ("440900", "茂名市", "440000"),
    ("441200", "肇庆市", "440000"),
    ("441300", "惠州市", "440000"),
    ("441400", "梅州市", "440000"),
    ("441500", "汕尾市", "440000"),
    ("441600", "河源市", "440000"),
    ("441700", "阳江市", "440000"),
    ("441800", "清远市", "440000"),
    ("441900", "东莞市", "440000"),
    ("442000", "中山市", "440000"),
    ("445100", "潮州市", "440000"),
    ("445200", "揭阳市", "440000"),
    ("445300", "云浮市", "440000"),
]

# --- authorities ----------------------------------------------------------------------------
# Since the 2018 reform 北京市科委 and 中关村管委会 are one body with two names; they are kept
# apart here because each issued its own guideline and runs its own route.

BEIJING = "北京市科学技术委员会"
JIANGSU = "江苏省科学技术厅"
SUZHOU = "苏州市科学技术局"
WEIHAI = "威海市科学技术局"
ZGC = "中关村科技园区管理委员会"

# Each authority's 发文字号 pattern and where the public sends objections to a 公示 (phone, address,
# e-mail).  The contacts below are demonstration values in the right form: an authority enters its own
# in the admin (Authorities) before it opens a publicity, which is refused while they are empty.
AUTHORITIES = [
    {"name": BEIJING, "short_name": "北京市科委", "level": "city", "region": "110000",
     "document_number_format": "京科发〔{year}〕{n}号", "objection_phone": "010-00000001",
     "objection_address": "北京市科学技术委员会（演示地址）", "objection_email": "objection-bj@example.org"},
    {"name": JIANGSU, "short_name": "江苏省科技厅", "level": "province", "region": "320000",
     "document_number_format": "苏科发〔{year}〕{n}号", "objection_phone": "025-00000002",
     "objection_address": "江苏省科学技术厅（演示地址）", "objection_email": "objection-js@example.org"},
    {"name": SUZHOU, "short_name": "苏州市科技局", "level": "city", "region": "320500",
     "document_number_format": "苏科字〔{year}〕{n}号", "objection_phone": "0512-00000003",
     "objection_address": "苏州市科学技术局（演示地址）", "objection_email": "objection-sz@example.org"},
    {"name": WEIHAI, "short_name": "威海市科技局", "level": "city", "region": "371000",
     "document_number_format": "威科字〔{year}〕{n}号", "objection_phone": "0631-0000004",
     "objection_address": "威海市科学技术局（演示地址）", "objection_email": "objection-wh@example.org"},
    {"name": ZGC, "short_name": "中关村管委会", "level": "park", "region": "110000",
     "document_number_format": "中科园发〔{year}〕{n}号", "objection_phone": "010-00000005",
     "objection_address": "中关村科技园区管理委员会（演示地址）", "objection_email": "objection-zgc@example.org"},
]

# --- district offices: authority -> [(office name, division code)] -----------------------------

_BEIJING_DISTRICTS = [
    ("东城区", "110101"), ("西城区", "110102"), ("朝阳区", "110105"), ("丰台区", "110106"),
    ("石景山区", "110107"), ("海淀区", "110108"), ("门头沟区", "110109"), ("房山区", "110111"),
    ("通州区", "110112"), ("顺义区", "110113"), ("昌平区", "110114"), ("大兴区", "110115"),
    ("怀柔区", "110116"), ("平谷区", "110117"), ("密云区", "110118"), ("延庆区", "110119"),
]

_ZGC_SUBPARKS = [  # 一区十六园: one sub-park per district; 大兴-亦庄园 lies in 大兴区 (and the 经开区)
    ("东城园", "110101"), ("西城园", "110102"), ("朝阳园", "110105"), ("丰台园", "110106"),
    ("石景山园", "110107"), ("海淀园", "110108"), ("门头沟园", "110109"), ("房山园", "110111"),
    ("通州园", "110112"), ("顺义园", "110113"), ("昌平园", "110114"), ("大兴-亦庄园", "110115"),
    ("怀柔园", "110116"), ("平谷园", "110117"), ("密云园", "110118"), ("延庆园", "110119"),
]

_JIANGSU_CITIES = [
    ("南京市", "320100"), ("无锡市", "320200"), ("徐州市", "320300"), ("常州市", "320400"),
    ("苏州市", "320500"), ("南通市", "320600"), ("连云港市", "320700"), ("淮安市", "320800"),
    ("盐城市", "320900"), ("扬州市", "321000"), ("镇江市", "321100"), ("泰州市", "321200"),
    ("宿迁市", "321300"),
]

DISTRICTS = {
    # 京科发〔2022〕20号 六4 sends the material to the 项目主管部门 — the six municipal
    # departments that issued the guideline, i.e. this programme's staff — and has no
    # district-level review.  But 八1 makes 各区政府 organise and follow the consortia of their
    # district ("服务包"), and every application names the office of its district, so the
    # district offices are the 区科学技术和信息化局 (the name most districts use since the
    # 2019 reform; check each against the district's current name).  The programme has no
    # district_review stage: these offices follow their applications, they do not gate them.
    BEIJING: [(f"{name}科学技术和信息化局", code) for name, code in _BEIJING_DISTRICTS],
    # 五（四）: 牵头单位向设区市科技局报送申报材料, which verify and recommend.
    JIANGSU: [(f"{name}科学技术局", code) for name, code in _JIANGSU_CITIES],
    # 四（一）2 / 四（四）: the 县级市（区）科技部门 select leads, review and obtain the 推荐函.
    # Office names are descriptive; the 园区's office is its 科技创新委员会.
    SUZHOU: [
        ("虎丘区（苏州高新区）科技局", "320505"),
        ("吴中区科技局", "320506"),
        ("相城区科技局", "320507"),
        ("姑苏区科技局", "320508"),
        ("吴江区科技局", "320509"),
        ("苏州工业园区科技创新委员会", "320571"),
        ("常熟市科技局", "320581"),
        ("张家港市科技局", "320582"),
        ("昆山市科技局", "320583"),
        ("太仓市科技局", "320585"),
    ],
    # The addressees of 威科字〔2022〕20号: 各区市科技局、国家级开发区科技创新局、综保区经发局、
    # 南海新区科技金融局 (临港区 counts among the 区市).
    WEIHAI: [
        ("环翠区科技局", "371002"),
        ("文登区科技局", "371003"),
        ("威海火炬高技术产业开发区科技创新局", "371071"),
        ("威海经济技术开发区科技创新局", "371072"),
        ("威海临港经济技术开发区科技局", "371073"),
        ("荣成市科技局", "371082"),
        ("乳山市科技局", "371083"),
        ("南海新区科技金融局", "371091"),
        ("威海综合保税区经济发展局", "371092"),
    ],
    # 第十三条（一）: 分园管委会 accept, review and recommend.
    ZGC: [(f"中关村科技园区{name}管理委员会", code) for name, code in _ZGC_SUBPARKS],
}

# --- vocabularies: lead categories, member kinds, fields (领域) ----------------------------------
# The shared entries every programme may select.  The codes are those applications stored before
# the vocabularies were data (migration applications 0008 makes the same rows).  A programme's own
# entries are under its ``own_lead_categories`` / ``own_member_kinds``: (code, name, citation).

LEAD_CATEGORIES = [
    ("tech_leader", "国家或省科技领军企业"),
    ("industry_leader", "行业龙头企业"),
    ("unicorn", "独角兽企业"),
    ("lab", "国家或省实验室"),
    ("tech_centre", "国家或省技术创新中心"),
    ("other", "其他"),
]

MEMBER_KINDS = [
    ("enterprise", "产业链上下游企业"),
    ("university", "高校"),
    ("research", "科研院所"),
    ("new_rd", "新型研发机构"),
    ("platform", "重大科技平台"),
    ("hospital", "医疗机构"),
    ("concept", "概念验证机构"),
    ("testing", "检验检测机构"),
    ("transfer", "技术转移机构"),
    ("finance", "科技金融机构"),
    ("other", "其他"),
]

#: The field taxonomy (name, broader field or None), parents first: every field a seed guideline
#: names, with the narrower ones under the broader where the guidelines' own lists nest them.
FIELDS = [
    ("新一代信息技术", None),
    ("集成电路", "新一代信息技术"),
    ("软件与信息服务", "新一代信息技术"),
    ("物联网", "新一代信息技术"),
    ("新一代信息通信", "新一代信息技术"),
    ("未来网络", "新一代信息技术"),
    ("先进计算", "新一代信息技术"),
    ("元宇宙", "新一代信息技术"),
    ("通用人工智能", "新一代信息技术"),
    ("类脑智能", "新一代信息技术"),
    ("量子科技", "新一代信息技术"),
    ("电子信息", None),
    ("第三代半导体", "电子信息"),
    ("医药健康", None),
    ("生物医药", "医药健康"),
    ("生物健康", "医药健康"),
    ("合成生物", "医药健康"),
    ("细胞和基因技术", "医药健康"),
    ("智能制造与装备", None),
    ("高端装备", "智能制造与装备"),
    ("装备制造", "智能制造与装备"),
    ("高端装备与先进制造", "智能制造与装备"),
    ("新型电力装备", "智能制造与装备"),
    ("高技术船舶和海工装备", "智能制造与装备"),
    ("航空航天", "智能制造与装备"),
    ("深海深地空天", "智能制造与装备"),
    ("智能网联汽车", None),
    ("新能源汽车", "智能网联汽车"),
    ("新材料", None),
    ("先进材料", "新材料"),
    ("新能源与节能环保", None),
    ("新能源", "新能源与节能环保"),
    ("节能环保", "新能源与节能环保"),
    ("氢能和新型储能", "新能源与节能环保"),
    ("本地重点发展产业", None),
    ("其他领域", None),
]

# --- programmes -------------------------------------------------------------------------------

BEIJING_FORMATION_MODES = ["领军企业牵头", "创新平台支撑", "任务场景驱动", "专利标准聚合", "其他方式"]

#: 第十三条（二）: the eight points the ZGC experts assess.  They are not a stage parameter
#: (applications.stages.STAGES has none for criteria): review.seed_criteria turns them into the
#: programme's weighted Criterion rows.
ZGC_EXPERT_CRITERIA = ["建设意义和必要性", "实施基础", "人才团队", "创新能力", "产业整合服务能力", "建设内容",
                       "绩效目标", "资金筹措"]

_UNIVERSITY_RESEARCH = ["university", "research"]

PROGRAMMES = [
    {
        "code": "beijing-2026",
        "authority": BEIJING,
        "certificate_prefix": "BJCXLHT",
        "title": "2026年北京市创新联合体组建申报",
        "guideline_title": "《北京市创新联合体组建工作指引》",
        "document_number": "京科发〔2022〕20号",
        "issued_on": D(2023, 1, 10),  # the date under the notice
        "real_window": (D(2026, 3, 2), D(2026, 5, 29)),
        "summary": (
            "由创新资源整合能力强的领军企业或领衔机构牵头，原则上注册在北京；联动产业链上下游企业原则上不少于1家，"
            "联合相关领域核心科研机构、高校原则上不少于1家；各成员单位签订组建协议，明确责任落实、协同攻关、"
            "决策运行、资金筹措、知识产权管理、开放创新合作、利益分配等机制；实行“行政+技术”双总师负责制并设立"
            "项目专员；按领军企业牵头、创新平台支撑、任务场景驱动、专利标准聚合或其他方式组建；申报实行诚信承诺制。"
            "牵头单位向项目主管部门报送申报材料，主管部门组织专家进行材料审查、现场考察、答辩评审，确定支持名单。"
        ),
        "guideline_text": (
            "北京市科学技术委员会、中关村科技园区管理委员会等五部门关于印发《北京市创新联合体组建工作指引》的通知"
            "（京科发〔2022〕20号）。以下为与申报条件有关条款的摘要，全文以正式文件为准。\n"
            "三、建设要求（一般应满足）：1. 聚焦新一代信息技术、医药健康、智能制造与装备、集成电路、智能网联汽车等"
            "高精尖产业领域；2. 联动产业链上下游企业原则上不少于1家，联合相关领域核心科研机构、高校原则上不少于1家；"
            "3. 各成员单位签订组建协议，由牵头单位统筹管理；实行“行政+技术”双总师负责制，并设立项目专员；原则上由"
            "运行主体或依托单位的主要负责人担任行政负责人；4. 建立决策调度、协同攻关、收益分配、知识产权管理等运行机制；"
            "5. 发展规划清晰；6. 成员单位提供资金、技术、人才、设备、场地等支持。\n"
            "四、组建条件：（一）1. 牵头单位原则上应为注册在北京的领军企业或其他符合条件的领衔机构；2. 科研实力较强；"
            "3. 资源整合能力突出。（二）成员单位应具备合作基础和意愿；成员单位不受地域限制。\n"
            "五、组建方式：领军企业牵头、创新平台支撑、任务场景驱动、专利标准聚合、其他方式。\n"
            "六、推荐程序：遴选牵头单位、确定成员单位、签署《创新联合体组建协议》、牵头单位向项目主管部门报送申报材料，"
            "主管部门组织专家审查、现场考察、答辩评审，确定支持名单。\n"
            "八、监督管理：3. 申报实行诚信承诺制，申报单位须提交诚信承诺书；失信行为记入信用系统。"
        ),
        "fields": ["新一代信息技术", "医药健康", "智能制造与装备", "集成电路", "智能网联汽车"],
        "formation_modes": BEIJING_FORMATION_MODES,
        # 四（一）1: 领军企业或其他符合条件的领衔机构.
        "lead_categories": ["other"],
        "own_lead_categories": [("bj_leading_firm", "领军企业", "四（一）1"),
                                ("bj_leading_institute", "领衔机构", "四（一）1")],
        "member_kinds": [],  # 四（二）: 成员单位不受地域限制; every shared kind
        "own_member_kinds": [],
        "stages": [
            {"key": "formal_review", "label": "主管部门受理审查"},
            {"key": "expert_review", "label": "专家评审（材料审查、现场考察、答辩评审）",
             "modes": ["material", "site_visit", "defence"], "visit_required": True},
            {"key": "decision", "label": "确定支持名单"},
            {"key": "filing", "label": "纳入支持名单", "act": "支持",  # 四（四）确定创新联合体支持名单
             "certificate_title": "北京市创新联合体支持证书",
             "certificate_text": "经主管部门组织专家审查、现场考察和答辩评审，{name}列入北京市创新联合体支持名单。"},
        ],
        "publicity_working_days": 5,
        "contact": "北京市科学技术委员会、中关村科技园区管理委员会（联系人及电话以当年申报通知为准）",
        "rules": [
            {"rule_key": "lead_region", "params": {"divisions": ["110000"], "region_name": "北京市"},
             "severity": "soft", "citation": "四（一）1"},
            # 三2: 联动产业链上下游企业原则上不少于1家，联合相关领域核心科研机构、高校原则上不少于1家.
            {"rule_key": "min_members_of_kind", "params": {"member_kinds": ["enterprise"], "min": 1},
             "severity": "soft", "citation": "三2"},
            {"rule_key": "min_members_of_kind", "params": {"member_kinds": _UNIVERSITY_RESEARCH, "min": 1},
             "severity": "soft", "citation": "三2"},
            # 三3: the 双总师 and the 项目专员 are stated without 原则上 (only who serves as 行政负责人 is).
            {"rule_key": "governance_roles", "params": {"roles": ["admin_head", "tech_head", "commissioner"]},
             "severity": "hard", "citation": "三3"},
            {"rule_key": "formation_mode_in", "params": {}, "severity": "hard", "citation": "五"},
            {"rule_key": "field_in", "params": {}, "severity": "soft", "citation": "三1"},
        ],
        "attachments": [
            {"code": "agreement", "name": "创新联合体组建协议",
             "description": "牵头单位与成员单位共同签署，明确责任落实、协同攻关、决策运行、资金筹措、知识产权管理、"
                            "开放创新合作、利益分配等机制。",
             "required": True, "citation": "六3", "max_mb": 20},
            {"code": "integrity", "name": "诚信承诺书",
             "description": "申报单位承诺提交的材料真实、有效、完整，符合诚信相关要求，并承担相应责任。",
             "required": True, "citation": "八3", "max_mb": 10},
        ],
    },
    {
        "code": "jiangsu-2026",
        "authority": JIANGSU,
        "certificate_prefix": "JSCXLHT",
        "title": "2026年江苏省创新联合体建设申报",
        "guideline_title": "《江苏省创新联合体建设工作指引（试行）》",
        "document_number": "",  # the text is the 征求意见稿: no number and no date yet
        "issued_on": None,
        "real_window": (D(2026, 4, 1), D(2026, 6, 30)),
        "summary": (
            "牵头单位为注册在江苏的科技领军企业或拥有独立法人资格的重大科技平台：科技领军企业原则上为国家或省科技"
            "领军企业、行业龙头企业（原则上年销售收入10亿元以上、研发投入强度不低于3%）、独角兽企业（研发投入强度"
            "应不低于3%）；重大科技平台原则上为国家或省实验室、国家或省技术创新中心。参与单位为独立法人，原则上应包含"
            "高校或科研院所；概念验证机构应为江苏省概念验证中心建设单位，检验检测机构应具有相关资质。牵头单位编制建设"
            "方案并与参与单位签署共建协议，向设区市科技局报送申报材料，设区市科技局核实并提出推荐意见后报省科技厅，"
            "省科技厅组织专家评估论证，择优支持。运行期间牵头单位不可变动；每年5月底前报送上年度自评报告。"
        ),
        "guideline_text": (
            "《江苏省创新联合体建设工作指引（试行）》（征求意见稿）。以下为与申报条件有关条款的摘要，全文以正式文件为准。\n"
            "三、组建原则：（一）重点围绕高端装备、集成电路、新能源、新材料、生物医药等新兴产业领域及第三代半导体、"
            "通用人工智能等未来产业领域；（二）签订有法律效力的创新联合体组建协议；（三）建立议事协调机制，鼓励设立"
            "由牵头单位负责人任理事长的理事会，支持选聘首席专家、设立专家咨询委员会。\n"
            "四、组建条件：（一）1. 牵头单位应为注册在江苏的科技领军企业或拥有独立法人资格的重大科技平台；2. 科技领军"
            "企业原则上应为国家或省科技领军企业、行业龙头企业、独角兽企业；行业龙头企业原则上年销售收入应在10亿元以上，"
            "研发投入强度不低于3%；独角兽企业研发投入强度应不低于3%；3. 重大科技平台原则上应为国家或省实验室、国家或省"
            "技术创新中心。（二）参与单位为独立法人单位，原则上应包含高校或科研院所；3. 概念验证机构应为江苏省概念验证"
            "中心建设单位；检验检测机构应具有相关资质。\n"
            "五、组建程序：（三）牵头单位编制建设方案，与参与单位签署共建协议；（四）牵头单位向设区市科技局报送申报"
            "材料，设区市科技局核实并提出审核推荐意见后报省科技厅，省科技厅组织专家评估论证，择优支持。\n"
            "七、监督管理：每年5月底前报送上年度自评报告；第三方评价；评价较差的督促整改或摘牌；严重弄虚作假的摘牌并记入"
            "失信信息记录；运行期间牵头单位不可变动，确需变动参与单位等的签署补充协议。"
        ),
        "fields": [
            "高端装备", "集成电路", "新能源", "新材料", "生物医药", "新能源汽车", "新型电力装备", "节能环保",
            "软件与信息服务", "物联网", "新一代信息通信", "高技术船舶和海工装备", "航空航天",
            "第三代半导体", "通用人工智能", "类脑智能", "量子科技", "氢能和新型储能", "深海深地空天", "合成生物",
            "细胞和基因技术", "未来网络", "先进计算", "元宇宙",
        ],
        "formation_modes": [],
        # 四（一）2、3: 国家或省科技领军企业、行业龙头企业、独角兽企业；国家或省实验室、国家或省技术创新中心.
        "lead_categories": ["tech_leader", "industry_leader", "unicorn", "lab", "tech_centre", "other"],
        "own_lead_categories": [],
        "member_kinds": [],  # 四（二）: 上下游企业、高校、科研院所或其他组织机构
        "own_member_kinds": [],
        "stages": [
            {"key": "district_review", "label": "设区市科技局核实推荐"},
            {"key": "expert_review", "label": "省科技厅组织专家评估论证"},
            {"key": "decision", "label": "择优予以支持"},
            {"key": "filing", "label": "纳入省创新联合体", "act": "纳入",  # 五（四）择优予以支持
             "certificate_title": "江苏省创新联合体证书",
             "certificate_text": "经设区市科技局审核推荐、省科技厅组织专家评估论证，{name}纳入江苏省创新联合体，予以支持。"},
        ],
        "publicity_working_days": 5,
        "contact": "江苏省科学技术厅（联系人及电话以当年申报通知为准）",
        "rules": [
            {"rule_key": "lead_region", "params": {"divisions": ["320000"], "region_name": "江苏省"},
             "severity": "hard", "citation": "四（一）1"},
            {"rule_key": "lead_independent_legal_person", "params": {}, "severity": "hard", "citation": "四（一）1"},
            # 四（一）2、3: the lead "原则上应为" one of these kinds.
            {"rule_key": "lead_category",
             "params": {"categories": ["tech_leader", "industry_leader", "unicorn", "lab", "tech_centre"]},
             "severity": "soft", "citation": "四（一）2、3"},
            {"rule_key": "lead_revenue_min", "params": {"min": 100000, "categories": ["industry_leader"]},
             "severity": "soft", "citation": "四（一）2"},
            {"rule_key": "lead_rd_intensity_min", "params": {"min_percent": 3, "categories": ["industry_leader"]},
             "severity": "soft", "citation": "四（一）2"},
            {"rule_key": "lead_rd_intensity_min", "params": {"min_percent": 3, "categories": ["unicorn"]},
             "severity": "hard", "citation": "四（一）2"},
            {"rule_key": "members_independent_legal", "params": {}, "severity": "hard", "citation": "四（二）"},
            {"rule_key": "min_members_of_kind", "params": {"member_kinds": _UNIVERSITY_RESEARCH, "min": 1},
             "severity": "soft", "citation": "四（二）"},
            {"rule_key": "member_qualification",
             "params": {"type": "concept", "qualification": "江苏省概念验证中心建设单位"},
             "severity": "hard", "citation": "四（二）3"},
            {"rule_key": "member_qualification", "params": {"type": "testing", "qualification": "检验检测资质"},
             "severity": "hard", "citation": "四（二）3"},
            {"rule_key": "field_in", "params": {}, "severity": "soft", "citation": "三（一）"},
        ],
        "attachments": [
            {"code": "agreement", "name": "创新联合体共建协议",
             "description": "牵头单位与参与单位签署，明确责任落实、协同攻关、决策运行、资金筹措、知识产权、利益分配等"
                            "合作机制。",
             "required": True, "citation": "五（三）", "max_mb": 20},
            {"code": "plan", "name": "创新联合体建设方案",
             "description": "凝练重大联合攻关任务，设定中长期战略目标。",
             "required": True, "citation": "五（三）", "max_mb": 20},
            {"code": "member_qualifications", "name": "成员单位资质证明",
             "description": "概念验证机构的江苏省概念验证中心建设单位证明、检验检测机构的资质证书等（如有此类成员）。",
             "required": False, "citation": "四（二）3", "allow_images": True, "max_mb": 20},
        ],
    },
    {
        "code": "suzhou-2026",
        "authority": SUZHOU,
        "certificate_prefix": "SZCXLHT",
        "title": "2026年苏州市创新联合体建设申报",
        "guideline_title": "《苏州市创新联合体建设实施方案》",
        "document_number": "",  # not given in the text
        "issued_on": None,
        "real_window": (D(2026, 3, 16), D(2026, 6, 30)),
        "summary": (
            "由在苏州市注册、具有独立法人资格、建有省级以上创新载体并拥有股权投资基金的龙头企业牵头，成员单位一般"
            "不少于8个；各成员单位法定代表人或授权人共同签定创新联合体章程（组建协议）；牵头企业发起建立理事会，设"
            "专家指导委员会、秘书处，选聘首席专家，实行牵头企业主要负责人和首席专家“双重负责制”。市级确定牵头企业的，"
            "由苏州市科技局审定立项；县级市（区）确定牵头企业的，经县级市（区）科技部门审核、当地政府（管委会）出具"
            "推荐函后由苏州市科技局审定立项，统一命名为“苏州市xxx（领域）创新联合体”。被取消牵头资格的企业三年内"
            "不得牵头组建或作为核心层参与建设其他创新联合体。"
        ),
        "guideline_text": (
            "《苏州市创新联合体建设实施方案》。以下为与申报条件有关条款的摘要，全文以正式文件为准。\n"
            "一、目标要求：聚焦电子信息、装备制造、生物医药、先进材料等产业领域，支持行业龙头企业牵头。\n"
            "三、组建条件：（一）一般应满足：1. 目标任务明确；2. 由符合条件的龙头企业牵头，成员单位一般不少于8个；"
            "牵头企业主要负责人是创新联合体主要负责人；3. 各成员单位法定代表人或授权人共同签定章程（组建协议）；"
            "4. 成立管理协调机构。（二）牵头企业：1. 在苏州市注册，独立法人，建有省级以上企业重点实验室、院士工作站、"
            "工程技术研究中心、工程研究中心、技术创新中心、企业技术中心等创新载体，拥有股权投资基金；2. 研发实力较强；"
            "3. 组织协同能力较强。（三）成员单位应具备合作基础和合作意愿。\n"
            "四、组建程序：（一）市级主导和县级市（区）推荐相结合确定牵头企业；（二）建立理事会，设专家指导委员会、"
            "秘书处，选聘首席专家，实行“双重负责制”；（三）签署章程（组建协议）；（四）市级确定的由苏州市科技局审定"
            "立项；县级市（区）确定的经审核并由当地政府（管委会）出具推荐函后审定立项。\n"
            "六、组织保障：（二）评价分优秀、合格、不合格，连续两次不合格取消资格；（三）名称、章程、成员单位、主要"
            "负责人变更应书面备案；牵头企业被取消牵头资格的，三年内不得牵头组建或作为核心层参与建设其他创新联合体；"
            "成员单位违法违规的列入诚信黑名单。"
        ),
        # 四（一）: the city selects in the four industries, a county also in its own key industries.
        "fields": ["电子信息", "装备制造", "生物医药", "先进材料", "本地重点发展产业"],
        "formation_modes": [],
        # 三（二）: 龙头企业牵头.
        "lead_categories": ["industry_leader", "other"],
        "own_lead_categories": [],
        "member_kinds": [],
        "own_member_kinds": [],
        "stages": [
            {"key": "district_review", "label": "县级市（区）科技部门审核推荐", "recommendation_letter": True,
             "skip_when": {"lead_selected_by": ["city"]}},
            {"key": "decision", "label": "苏州市科技局审定立项"},
            {"key": "filing", "label": "立项建设", "act": "立项",  # 四（四）批准立项建设
             "certificate_title": "苏州市创新联合体立项证书",
             "certificate_text": "经苏州市科学技术局审定，{name}批准立项建设。"},
        ],
        "publicity_working_days": 5,
        "contact": "苏州市科学技术局（联系人及电话以当年申报通知为准）",
        "rules": [
            {"rule_key": "lead_region", "params": {"divisions": ["320500"], "region_name": "苏州市"},
             "severity": "hard", "citation": "三（二）1"},
            {"rule_key": "lead_independent_legal_person", "params": {}, "severity": "hard", "citation": "三（二）1"},
            {"rule_key": "lead_flag", "params": {"flag": "has_provincial_carrier"}, "severity": "hard",
             "citation": "三（二）1"},
            {"rule_key": "lead_flag", "params": {"flag": "has_equity_fund"}, "severity": "hard",
             "citation": "三（二）1"},
            {"rule_key": "lead_unit_type", "params": {"types": ["enterprise"]}, "severity": "soft",
             "citation": "三（一）2"},
            {"rule_key": "min_members", "params": {"min": 8}, "severity": "soft", "citation": "三（一）2"},
            # 三（一）2: 牵头企业主要负责人是创新联合体主要负责人 (under 三（一）'s 一般).
            {"rule_key": "chair_from_lead", "params": {}, "severity": "soft", "citation": "三（一）2"},
            {"rule_key": "governance_roles",
             "params": {"roles": ["council_chair", "expert_committee", "secretariat", "chief_expert"]},
             "severity": "hard", "citation": "四（二）"},
            {"rule_key": "field_in", "params": {}, "severity": "soft", "citation": "四（一）"},
            # 六（三）: 牵头企业……取消创新联合体牵头资格，并且三年内不得牵头组建或作为核心层参与建设其他创新联合体
            # (the lead and the core layer; the period is the record's, three years when it names none) …
            {"rule_key": "disqualification_bar", "params": {"kinds": ["lead_disqualified"], "years": 3},
             "severity": "hard", "citation": "六（三）"},
            # … and 创新联合体成员单位涉及违法违规的，列入诚信黑名单 (every unit of the consortium).
            {"rule_key": "no_credit_record", "params": {"kinds": ["blacklist"]}, "severity": "hard",
             "citation": "六（三）"},
        ],
        "attachments": [
            {"code": "agreement", "name": "创新联合体章程（组建协议）",
             "description": "各成员单位法定代表人或授权人共同签定，明确建设目标、任务分工、组织机构、主要职责、各方责任"
                            "权利义务、知识产权归属与收益分配、违约责任。",
             "required": True, "citation": "三（一）3、四（三）", "max_mb": 20},
            # 四（四）: the letter is issued *after* the county has reviewed the application, so it cannot
            # be demanded at submission; the district reviewer attaches it when recommending (the
            # district_review stage's recommendation_letter).  The slot lets a county-selected lead that
            # already holds one upload it.
            {"code": "recommendation_letter", "name": "推荐函",
             "description": "县级市（区）确定牵头企业的，由当地政府（管委会）向苏州市科技局出具；一般由县级市（区）"
                            "科技部门在审核推荐时上传，已取得的也可在此上传。",
             "required": False, "required_when": {"lead_selected_by": ["county"]}, "citation": "四（四）",
             "max_mb": 10},
            {"code": "carrier_certificate", "name": "省级以上创新载体认定文件",
             "description": "省级以上企业重点实验室、院士工作站、工程技术研究中心、技术创新中心、企业技术中心等的认定"
                            "文件（建议上传）。",
             "required": False, "citation": "三（二）1", "allow_images": True, "max_mb": 20},
            {"code": "equity_fund", "name": "股权投资基金证明材料",
             "description": "牵头企业拥有股权投资基金的证明（建议上传）。",
             "required": False, "citation": "三（二）1", "allow_images": True, "max_mb": 20},
        ],
    },
    {
        "code": "weihai-2026",
        "authority": WEIHAI,
        "certificate_prefix": "WHCXLHT",
        "title": "威海市创新联合体备案",
        "guideline_title": "《威海市创新联合体备案工作指引》",
        "document_number": "威科字〔2022〕20号",
        "issued_on": D(2022, 6, 29),
        # The guideline was valid from 2022-06-29 to 2025-06-28 (last paragraph): filing is
        # open all through that period and not after it, whatever the programme code says.
        # A new call needs a renewed guideline; --demo-window opens it for the demo.
        "real_window": (D(2022, 6, 29), D(2025, 6, 28)),
        "summary": (
            "牵头单位原则上为在威海市内注册的骨干企业或具有较强行业影响力的新型研发机构；集聚产业链上下游企业、高校"
            "和科研院所等创新资源，各参与单位共同签订组建协议，明确拟攻关的重大课题和各方任务分工、权利义务；设立"
            "理事会，原则上由牵头单位负责人担任理事长，并组建专职的项目运营团队。单位向所在区市科技主管部门申请，"
            "区市邀请不少于3名副高以上同行专家出具评议意见并推荐（新型研发机构牵头的连同同行评议意见直接报市科技局），"
            "经市科技局形式审查、专家评估（审查、现场考察或答辩）、公示后备案并向社会公布。"
            "本指引自2022年6月29日起施行，有效期至2025年6月28日。"
        ),
        "guideline_text": (
            "威海市科学技术局关于印发《威海市创新联合体备案工作指引》的通知（威科字〔2022〕20号）。以下为与申报条件"
            "有关条款的摘要，全文以正式文件为准。\n"
            "三、建设条件（一般应满足）：1. 牵头单位原则上应为威海市内注册的技术创新能力强、行业示范带动作用显著的"
            "骨干企业或具有较强行业影响力的新型研发机构等；2. 科技研发实力较强；3. 具备集聚产业链上下游企业、高校和"
            "科研院所等创新资源的能力，各参与单位共同签订组建协议，明确拟攻关的重大课题和各方任务分工、权利义务；"
            "4. 设立理事会作为决策议事机构，原则上由牵头单位负责人担任理事长，并组建项目运营团队，专职负责建设运营。\n"
            "四、备案程序：1. 按《威海市创新联合体建设备案书》准备材料，提交所在区市科技主管部门；2. 区市科技主管"
            "部门核审，邀请不少于3名同行评议专家（相同或相近学科副高职称以上）出具评议意见并推荐；新型研发机构等牵头"
            "申报的，将同行评议意见连同申报材料直接报送市科技局；3. 市科技局形式审查；4. 专家评估（审查、现场考察"
            "（答辩评审））；5. 公示无异议的予以备案并向社会公布。\n"
            "本指引自2022年6月29日起施行，有效期至2025年6月28日。"
        ),
        # 一（一）: 七大产业集群、十条产业链和数字赋能产业 — not enumerated in the text: any field of the taxonomy.
        "fields": [],
        "formation_modes": [],
        # 三1: 骨干企业或具有较强行业影响力的新型研发机构.
        "lead_categories": ["other"],
        "own_lead_categories": [("wh_backbone_firm", "骨干企业", "三1"),
                                ("wh_new_rd_leader", "具有较强行业影响力的新型研发机构", "三1")],
        "member_kinds": [],
        "own_member_kinds": [],
        "stages": [
            {"key": "district_review", "label": "区市科技主管部门初审推荐", "peer_opinions_min": 3,
             "peer_title_min": "副高", "skip_when": {"lead_unit_types": ["new_rd"]}},
            {"key": "formal_review", "label": "市科技局形式审查"},
            {"key": "expert_review", "label": "专家评估（审查、现场考察或答辩评审）",
             "modes": ["material", "site_visit", "defence"], "visit_required": True},
            {"key": "publicity", "label": "公示"},
            {"key": "filing", "label": "备案并向社会公布", "act": "备案",  # 四 5.公示备案
             "certificate_title": "威海市创新联合体备案证书",
             "certificate_text": "经主管部门审核推荐、专家评估和公示，{name}予以备案。"},
        ],
        "publicity_working_days": 5,
        "contact": "威海市科学技术局（联系人及电话以当年通知为准）",
        "rules": [
            {"rule_key": "lead_region", "params": {"divisions": ["371000"], "region_name": "威海市"},
             "severity": "soft", "citation": "三1"},
            {"rule_key": "lead_unit_type", "params": {"types": ["enterprise", "new_rd"]}, "severity": "soft",
             "citation": "三1"},
            # 三3 (under 三's 一般): the lead gathers up/downstream firms, universities and institutes;
            # 二2 counts 新型研发机构 among the 科研院所.
            {"rule_key": "min_members_of_kind", "params": {"member_kinds": ["enterprise"], "min": 1},
             "severity": "soft", "citation": "三3"},
            {"rule_key": "min_members_of_kind",
             "params": {"member_kinds": ["university", "research", "new_rd"], "min": 1},
             "severity": "soft", "citation": "三3"},
            {"rule_key": "governance_roles", "params": {"roles": ["council_chair", "operations"]},
             "severity": "hard", "citation": "三4"},
            {"rule_key": "chair_from_lead", "params": {}, "severity": "soft", "citation": "三4"},
        ],
        "attachments": [
            {"code": "agreement", "name": "组建协议",
             "description": "各参与单位共同签订，明确拟攻关的重大课题和各方任务分工、权利义务等。",
             "required": True, "citation": "三3", "max_mb": 20},
            {"code": "peer_opinions", "name": "同行评议意见",
             "description": "不少于3名相同或相近学科副高职称以上同行专家出具的评议意见；新型研发机构等牵头、直接报送"
                            "市科技局的须随申报材料提交。",
             "required": True, "required_when": {"lead_unit_types": ["new_rd"]}, "citation": "四2",
             "allow_images": True, "max_mb": 20},
        ],
    },
    {
        "code": "zgc-2026",
        "authority": ZGC,
        "certificate_prefix": "ZGCPT",
        "title": "2026年中关村高精尖产业协同创新平台建设申报",
        "guideline_title": "《中关村国家自主创新示范区高精尖产业协同创新平台建设管理办法（试行）》",
        "document_number": "",  # not given in the text (adopted at the 2019 9th 主任办公会)
        "issued_on": D(2019, 9, 18),
        "real_window": (D(2026, 5, 6), D(2026, 7, 31)),
        "summary": (
            "牵头建设单位为领军企业、国家级高水平研究机构、一流大学和高校、三级甲等医疗机构等；运营主体原则上为独立"
            "法人实体，尚不具备条件的先行实现人、财、物相对独立；新一代信息技术领域已整合上下游企业或服务企业30家以上，"
            "其他领域10家以上；专职人员不少于10人；总投资额不少于5000万元，一年内新建成或正在建设且有实际投入。"
            "向实际经营所在地的分园管委会申请，分园受理初审并推荐，中关村管委会组织专家论证（建设意义和必要性、实施"
            "基础、人才团队、创新能力、产业整合服务能力、建设内容、绩效目标、资金筹措），提请主任办公会审议，公示不少于"
            "5个工作日，无异议的纳入平台体系并签订协议。第一年按不超过总投资30%给予最高1000万元支持。"
        ),
        "guideline_text": (
            "中关村科技园区管理委员会关于印发《中关村国家自主创新示范区高精尖产业协同创新平台建设管理办法（试行）》的"
            "通知（2019年9月18日）。以下为与申报条件有关条款的摘要，全文以正式文件为准。\n"
            "第四条 产业领域：新一代信息技术、生物健康、高端装备与先进制造、新材料、新能源与节能环保、其他领域。\n"
            "第七条 基本条件：（一）牵头建设单位为领军企业、国家级高水平研究机构、世界一流大学和建有一流学科的高校、"
            "三级甲等医疗机构等；运营主体原则上为独立法人实体，尚不具备条件的先行实现人、财、物相对独立；（二）技术"
            "先进；（三）新一代信息技术领域应已整合上下游企业或服务企业30家以上，其他领域10家以上；（四）专职人员不少于"
            "10人；（五）总投资额不少于5000万元，须一年内新建成或正在建设，且有实际投入。\n"
            "第十条 第一年按不超过总投资额30%给予最高1000万元支持；特别重大的每年最高3000万元。\n"
            "第十三条 申报程序：（一）向实际经营所在地的分园管委会申请，分园受理、初审并推荐；（二）专家论证；（三）主任"
            "办公会审议，公示不少于5个工作日；（四）签订协议。\n"
            "第十五条 建设单位应承诺提交的材料真实、合法、有效；弄虚作假骗取支持资金的，解除协议、追回资金、取消平台"
            "资格，今后不再受理其公共政策支持资金的申请。"
        ),
        "fields": ["新一代信息技术", "生物健康", "高端装备与先进制造", "新材料", "新能源与节能环保", "其他领域"],
        "formation_modes": [],
        # 第七条（一）: 领军企业、国家级高水平研究机构、世界一流大学和建有一流学科的高校、三级甲等医疗机构等.
        "lead_categories": ["other"],
        "own_lead_categories": [("zgc_leading_firm", "领军企业", "第七条（一）"),
                                ("zgc_national_inst", "国家级高水平研究机构", "第七条（一）"),
                                ("zgc_top_university", "世界一流大学和建有一流学科的高校", "第七条（一）"),
                                ("zgc_grade_a_hospital", "三级甲等医疗机构", "第七条（一）")],
        # 第七条（三）: 上下游企业或服务企业.
        "member_kinds": [],
        "own_member_kinds": [("zgc_service_firm", "服务企业", "第七条（三）")],
        "stages": [
            {"key": "district_review", "label": "分园管委会受理初审推荐"},
            {"key": "expert_review", "label": "专家论证"},
            {"key": "decision", "label": "主任办公会审议", "meeting": "主任办公会"},
            {"key": "publicity", "label": "中关村示范区网站公示"},
            {"key": "filing", "label": "纳入高精尖产业协同创新平台体系", "agreement": True, "act": "纳入",  # 第十条（三）
             "certificate_title": "中关村高精尖产业协同创新平台证书",
             "certificate_text": "经审议并公示无异议，{name}纳入中关村示范区高精尖产业协同创新平台体系。"},
        ],
        "publicity_working_days": 5,
        "contact": "中关村科技园区管理委员会（联系人及电话以中关村示范区网站发布的申报通知为准）",
        "rules": [
            {"rule_key": "lead_unit_type",
             "params": {"types": ["enterprise", "university", "research", "new_rd", "hospital"]},
             "severity": "soft", "citation": "第七条（一）"},
            {"rule_key": "operator_independent", "params": {}, "severity": "hard", "citation": "第七条（一）"},
            {"rule_key": "integrated_enterprises_min", "params": {"default": 10, "by_field": {"新一代信息技术": 30}},
             "severity": "hard", "citation": "第七条（三）"},
            {"rule_key": "fulltime_staff_min", "params": {"min": 10}, "severity": "hard", "citation": "第七条（四）"},
            {"rule_key": "total_investment_min", "params": {"min": 5000}, "severity": "hard",
             "citation": "第七条（五）"},
            {"rule_key": "field_in", "params": {}, "severity": "hard", "citation": "第四条"},
            # 第十三条（一）: the unit applies where it actually operates, in a sub-park; registration in
            # Beijing is the nearest fact the portal has, hence soft.
            {"rule_key": "lead_region", "params": {"divisions": ["110000"], "region_name": "北京市"},
             "severity": "soft", "citation": "第十三条（一）"},
            # 第十五条: after fraud "今后不再受理" — no time limit; 100 years stands for "ever".  Every unit of the
            # platform is checked (the lead and the members, by credit code).
            {"rule_key": "no_credit_record", "params": {"kinds": ["fraud"], "years": 100}, "severity": "hard",
             "citation": "第十五条"},
        ],
        "attachments": [
            {"code": "plan", "name": "创新平台建设申请材料（建设方案）",
             "description": "建设单位基本情况、建设必要性、建设目标、建设内容、已开展工作基础、进度安排、核心团队、"
                            "资金投入等。",
             "required": True, "citation": "第十三条（一）", "max_mb": 20},
            {"code": "integrity", "name": "承诺书",
             "description": "建设单位承诺提交的材料真实、合法、有效，并对此承担法律责任。",
             "required": True, "citation": "第十五条", "max_mb": 10},
            {"code": "agreement", "name": "合作协议",
             "description": "与所整合的上下游企业、高校院所等签订的合作协议（如有）。",
             "required": False, "citation": "第七条（三）", "max_mb": 20},
        ],
    },
]

#: Attachment requirement fields and their defaults (everything else comes from the row).
ATTACHMENT_DEFAULTS = {"description": "", "required": True, "required_when": {}, "citation": "",
                       "allow_images": False, "max_mb": 20}
