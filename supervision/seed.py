"""The supervision profiles of the five seed guidelines (``../shared/seeds/``), as data, keyed by the
programme code's first part (``jiangsu-2026`` → ``jiangsu``).  Each rule cites its article as the guideline
numbers it; ``manage.py load_supervision`` writes them (and the admin edits them afterwards)."""

DEFAULTS = {
    "reports_required": False, "report_due_month": 5, "report_due_day": 31, "reminder_days": [30, 7, 1],
    "excellent_min": 80, "pass_min": 60,
}

PROFILES = {
    # 北京市创新联合体组建工作指引 八、监督管理
    "beijing": {
        "evaluation_citation": "八2",  # 适时对创新联合体工作开展评价
        "excellent_support": True, "support_citation": "八2",  # 评价优秀的…可适当加大支持力度
        "rectification_citation": "八2",  # 评价不达标的…整改或追回资金
        "revocation_word": "取消支持", "revocation_citation": "八2",
        "fraud_citation": "八3",  # 失信行为…在信用系统中作不良信用记录
    },
    # 江苏省创新联合体建设工作指引（试行） 七、监督管理
    "jiangsu": {
        "reports_required": True, "report_due_month": 5, "report_due_day": 31,  # 每年5月底前…报送上年度…自评报告
        "report_citation": "七（一）",
        "evaluation_citation": "七（二）",  # 委托第三方机构…适时…开展评价
        "missing_report_fails": True,  # 在创新联合体自评基础上 (七（二）): no self-report, nothing to pass on
        "excellent_support": True, "support_citation": "七（二）",  # 评价结果优秀的…适当加大支持力度
        "rectification_citation": "七（二）",  # 较差的…督促整改或予以摘牌
        "change_kinds": ["name", "charter", "members", "principal", "chief_expert"],
        "change_citation": "七（三）",  # 确有需要变动的，可签署补充协议，并在年度报告中说明
        "lead_change_forbidden": True, "lead_citation": "七（三）",  # 牵头单位不可发生变动
        "revocation_word": "摘牌", "revocation_citation": "七（二）",
        "fraud_citation": "七（三）",  # 严重弄虚作假…予以摘牌，并记入失信信息记录
    },
    # 苏州市创新联合体建设实施方案 六、组织保障
    "suzhou": {
        "evaluation_citation": "六（二）",  # 优秀、合格和不合格三个等次
        "fails_to_revoke": 2, "fails_citation": "六（二）",  # 连续两次评价为不合格的取消创新联合体建设资格
        "excellent_support": True, "support_citation": "六（二）",  # 给予相关滚动支持
        "change_kinds": ["name", "charter", "members", "principal"],
        "change_citation": "六（三）",  # 名称、章程、成员单位、主要负责人…应及时向苏州市科技局书面备案
        "revocation_word": "取消建设资格", "revocation_citation": "六（二）",
        "lead_bar_years": 3, "lead_bar_citation": "六（三）",  # 取消牵头资格，并且三年内不得牵头…或作为核心层参与
        "fraud_citation": "六（三）",  # 违法违规的，列入诚信黑名单
    },
    # 威海市创新联合体备案工作指引 六、日常管理: 强化动态管理 (no report, evaluation or revocation rule)
    "weihai": {
        "evaluation_citation": "六2",
        "revocation_word": "撤销备案",
    },
    # 中关村…高精尖产业协同创新平台建设管理办法（试行） 第十条、第十四条、第十五条
    "zgc": {
        # 报告重大事项及年度工作进展 (第十四条); the 办法 sets no date: the portal's default until staff set one.
        "reports_required": True, "report_citation": "第十四条",
        "evaluation_citation": "第十四条",  # 定期…对…绩效目标完成情况进行考核评估
        "funds_by_result": True, "funds_cap": 1000, "funds_share_max": 30,
        "funds_citation": "第十条",  # 第二至三年…考核评估，择优对考核通过的平台…每年…不超过1000万元
        "change_kinds": ["principal"], "change_citation": "第十四条",  # 主要负责人变动
        "revocation_word": "取消平台资格", "revocation_citation": "第十四条",  # 动态管理与退出机制
        "fraud_citation": "第十五条", "fraud_recovers_funds": True,  # 解除协议、追回已拨付的财政资金，并取消平台资格
    },
}


def defaults_for(code):
    """The profile fields for the programme ``code`` (the seed's, or the defaults)."""
    return {**DEFAULTS, **PROFILES.get(code.split("-")[0], {})}
