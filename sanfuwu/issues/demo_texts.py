"""Chinese texts for the demo's issues: titles, descriptions and results per category
(in demo_texts_1..3), plus what departments, dispatchers and leaders write along the way."""

from __future__ import annotations

from sanfuwu.issues import demo_texts_1, demo_texts_2, demo_texts_3

ISSUE_TEXTS: dict[str, list[tuple[str, str]]] = {
    **demo_texts_1.ISSUE_TEXTS,
    **demo_texts_2.ISSUE_TEXTS,
    **demo_texts_3.ISSUE_TEXTS,
}
RESOLUTIONS: dict[str, list[str]] = {
    **demo_texts_1.RESOLUTIONS,
    **demo_texts_2.RESOLUTIONS,
    **demo_texts_3.RESOLUTIONS,
}

RETURN_REASONS = [
    "该路段属省道，日常养护由交通运输部门负责，建议改派。",
    "反映的事项属物业服务合同纠纷，应由街道物业办协调，不属本局职责。",
    "经核实该地块权属为村集体，宜由所在街道牵头处理，请重新交办。",
    "问题涉及供电线路迁改，需由供电公司办理，本部门无相应职权。",
    "该企业注册地不在本区，相关政策兑现应由注册地部门受理。",
    "所述河段属市管河道，整治由市级部门负责，建议改派至生态环境分局对接。",
    "反映内容为劳动合同纠纷，应由劳动仲裁机构受理，请改派人力社保局。",
    "诉求与已交办的同一问题重复，请合并处理。",
]
EXTENSION_REASONS = [
    "需要协调供电、燃气等多家单位现场会商，原期限内无法完成。",
    "涉及资金安排，需提交管委会审议后方可实施。",
    "施工受连续降雨影响，需顺延工期。",
    "需企业补齐申报材料后再行审核。",
    "涉及多户居民意见征询，征询周期较长。",
    "设备采购需履行政府采购程序。",
    "需等待上级部门批复意见。",
    "现场整改涉及停水停电，需错峰安排施工。",
]
LONG_TERM_PLANS = [
    "分三期推进：一期完成方案设计与资金测算，二期组织施工，三期验收并建立长效管护机制。",
    "先行采取临时措施缓解问题，同步纳入年度改造计划，按节点推进并每月通报进度。",
    "由牵头部门会同街道制定专项整治方案，分片区、分阶段实施，年底前完成整体整治。",
    "纳入老旧小区改造项目库，完成居民意见征询后启动设计与招标，次年完成改造。",
    "建立企业服务专班，按月跟踪项目审批、配套和用工等事项，直至项目投产。",
    "结合片区规划调整统筹解决，规划批复后分步实施。",
]
INSTRUCTIONS = [
    "请建设局牵头，本周内拿出解决方案。",
    "群众反映强烈，请相关部门加快办理，办结后报我。",
    "请调度中心跟踪督办，确保按期办结。",
    "此类问题带有普遍性，请梳理同类问题一并研究。",
    "请主要负责同志亲自过问，尽快回复企业。",
    "请会同街道现场办公，月底前办结。",
    "要举一反三，建立长效机制，防止反弹。",
    "请将办理情况纳入本月通报。",
]
SUPERVISION_NOTES = [
    "群众多次反映，列入重点督办。",
    "涉及重点企业生产经营，提级督办。",
    "超期较长，请承办部门说明原因并限期办结。",
    "领导批示件，实行挂牌督办。",
    "同类问题集中，纳入专项督查。",
    "办理进度滞后，约谈承办部门。",
]
UNSATISFIED_NOTES = [
    "反映人表示问题仅临时处理，雨天后又出现，不满意。",
    "反映人认为答复内容与实际不符，要求重新核实。",
    "整改后不久再次出现同样问题，反映人不满意。",
    "反映人表示部门未上门核实，仅电话答复，不满意。",
    "企业表示政策兑现金额与申报不符，要求重新办理。",
    "居民认为施工质量不达标，要求返工。",
]
RETURN_VISIT_NOTES = [
    "电话回访，反映人对办理结果表示满意。",
    "上门回访，企业负责人对办理效率表示感谢。",
    "回访时反映人表示问题已解决。",
    "回访确认整改到位，反映人无其他诉求。",
    "短信回访，反映人回复满意。",
    "网格员现场回访，居民认可办理结果。",
]


def fill(text: str, values: dict[str, str]) -> str:
    """Put names into the placeholders {企业} {社区} {道路} {数量}; other braces stay as they are."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text
