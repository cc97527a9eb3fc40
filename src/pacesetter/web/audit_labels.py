"""Chinese labels for the audit log (page and Excel export): what an action code such as `case.acknowledge`
means, and what the changed fields and their values mean.

Actions are "<entity>.<verb>": the entity's label comes from ENTITIES, the verb first from that app's own
action choices (the transition tables' `…Action` enums, so a new action is labelled where it is declared),
then from the shared VERBS. Field names and coded values are read from the model the entry is about
(`object_type` is its `app.model` label): a field's verbose name, a choice's label, yes/no for booleans. A
code nothing explains is shown as it is, never dropped.
"""

import functools

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from pacesetter.commitments.enums import CommitmentAction
from pacesetter.complaints.enums import CaseAction
from pacesetter.plans.enums import PlanAction
from pacesetter.supervision.enums import InspectionAction, RectificationAction, ReviewAction

ENTITIES = {
    "account": _("账号"),
    "action_link": _("规定动作关联记实"),
    "assessment": _("组织考核"),
    "follow": _("群众关注"),
    "honours": _("评选表彰"),
    "household": _("党员联系户"),
    "massorgs": _("群团组织"),
    "member_review": _("党员点评"),
    "mentorship": _("结对帮带"),
    "notification": _("通知"),
    "optional_action": _("自选动作"),
    "points": _("积分"),
    "problem": _("问题清单"),
    "publicity": _("宣传"),
    "reminders": _("提醒"),
    "required_action": _("规定动作"),
    "review_session": _("集中点评会"),
    "auth": _("登录"),
    "campaign": _("活动"),
    "case": _("群众反映件"),
    "commitment": _("承诺"),
    "criteria": _("评议标准"),
    "demo": _("演示数据"),
    "draw": _("随机抽查"),
    "evaluation": _("评议"),
    "finding": _("督查发现问题"),
    "group": _("督查小组"),
    "holiday": _("节假日安排"),
    "import": _("数据导入"),
    "inspection": _("督查"),
    "inspection_team": _("督查小组"),
    "liaison": _("领导联系点"),
    "meeting": _("组织生活会议"),
    "member": _("党员"),
    "milestone": _("计划节点"),
    "notice": _("通报"),
    "onecount": _("一人一票"),
    "org": _("党组织"),
    "pairing": _("结对"),
    "pii": _("个人信息"),
    "plan": _("工作计划"),
    "record": _("活动记录"),
    "rectification": _("整改"),
    "review": _("领导点评"),
    "role": _("角色"),
    "stage": _("活动阶段"),
    "step": _("活动步骤"),
    "task": _("后台任务"),
    "theme": _("主题"),
    "token": _("接口令牌"),
}

VERBS = {
    "accountability": _("责任追究"),
    "acknowledge": _("确认收到"),
    "adjust": _("调整等次"),
    "allocate": _("分配名额"),
    "allow_local": _("允许细化标准"),
    "article_create": _("新建稿件"),
    "article_edit": _("修改稿件"),
    "award": _("加减分"),
    "bulletin_create": _("新建简报"),
    "bulletin_edit": _("修改简报"),
    "close": _("结束"),
    "consultation_answer": _("答复意见"),
    "consultation_comment": _("提出意见"),
    "consultation_handle": _("处理意见"),
    "consultation_moderate": _("审核意见"),
    "consultation_open": _("开始征求意见"),
    "convene": _("召开"),
    "deactivate": _("停用"),
    "end": _("结束"),
    "exemplar_articles": _("关联典型稿件"),
    "exemplar_promote": _("典型升级"),
    "exemplar_register": _("登记典型"),
    "extend": _("延长期限"),
    "item_add": _("添加考核项"),
    "item_create": _("新建信息"),
    "item_edit": _("修改信息"),
    "link": _("关联"),
    "local_wording": _("细化标准表述"),
    "mark": _("标记"),
    "member_requirements": _("设置党员要求"),
    "nominate": _("推荐"),
    "objection": _("提出异议"),
    "preferences": _("设置接收方式"),
    "reject": _("退回"),
    "release": _("发布"),
    "restore": _("恢复"),
    "review": _("审阅"),
    "review_request": _("申请复核"),
    "save": _("保存"),
    "scheme_create": _("新建考核方案"),
    "scheme_update": _("修改考核方案"),
    "score_adjust": _("调整等次"),
    "scorecard_start": _("开始计算"),
    "send": _("发送"),
    "start": _("开始"),
    "sweep": _("自动计分"),
    "activate": _("恢复"),
    "add": _("添加"),
    "answer": _("答复"),
    "attachment_add": _("添加附件"),
    "attachment_remove": _("删除附件"),
    "attendance": _("登记出勤"),
    "attendance_all": _("全员出勤登记"),
    "build": _("生成"),
    "cancel": _("取消"),
    "compose": _("起草"),
    "confirm": _("确认"),
    "create": _("新建"),
    "deadline_recompute": _("重算期限"),
    "delete": _("删除"),
    "enter": _("录入"),
    "escalate": _("逾期上报"),
    "export": _("导出"),
    "file": _("提交"),
    "generate": _("生成"),
    "grant": _("授予"),
    "import": _("导入"),
    "issue": _("下达"),
    "layout": _("调整布局"),
    "lock": _("锁定"),
    "lockout": _("锁定"),
    "moderate": _("审核留言"),
    "move": _("调整隶属关系"),
    "note": _("记录"),
    "overdue": _("逾期"),
    "photo_add": _("添加照片"),
    "photo_delete": _("删除照片"),
    "plan": _("安排"),
    "post_set": _("设岗"),
    "progress": _("填报进度"),
    "publish": _("发布"),
    "questions": _("设置题目"),
    "rate": _("评价"),
    "rate_public": _("群众评诺"),
    "recategorise": _("调整类别"),
    "remind": _("提醒"),
    "remove": _("移除"),
    "reopen": _("重新开放"),
    "replace": _("替换"),
    "report": _("报告"),
    "reset": _("重置"),
    "respond": _("答复"),
    "retry": _("重试"),
    "reveal": _("查看明文"),
    "revoke": _("撤销"),
    "rollback": _("撤销导入"),
    "set": _("设置"),
    "sign_in": _("签到"),
    "sign_in_close": _("关闭签到"),
    "sign_in_open": _("开放签到"),
    "submit": _("报送"),
    "unpublish": _("取消公开"),
    "update": _("修改"),
    "year_replace": _("更新年度安排"),
}

# The apps' own action choices: their labels win over VERBS for that entity.
ENTITY_ACTIONS = {
    "case": CaseAction,
    "commitment": CommitmentAction,
    "plan": PlanAction,
    "rectification": RectificationAction,
    "review": ReviewAction,
    "inspection": InspectionAction,
}

YES, NO = _("是"), _("否")

# Keys of the extra facts entries carry that are not a model's field or a coded value.
EXTRA_KEYS = {
    "present": _("出席"),
    "absent": _("缺席"),
    "approved": _("通过"),
    "withheld": _("不予公开"),
    "evaluation": _("评议"),
    "count": _("数量"),
    "reason": _("理由"),
    "reviews": _("点评"),
}


def action_label(action: str) -> str:
    """ "群众反映件 · 受理" for "case.acknowledge"; the code itself when nothing explains it."""
    entity, _sep, verb = (action or "").partition(".")
    if entity not in ENTITIES or not verb:
        return action
    choices = ENTITY_ACTIONS.get(entity)
    label = None
    if choices is not None and verb in choices.values:
        label = choices(verb).label
    else:
        # nested codes ("evaluation.round.publish", "evaluation.codes.generate"): the last part is the verb
        head, _dot, last = verb.rpartition(".")
        label = VERBS.get(verb) or VERBS.get(last)
        if label is not None and head:
            sub = {
                "round": _("轮次"),
                "codes": _("评议码"),
                "paper": _("纸质评议表"),
                "case": _("整改件"),
                "category": _("表彰类别"),
                "claim": _("积分申报"),
                "decision": _("表彰决定"),
                "member": _("成员"),
                "nomination": _("推荐对象"),
                "period": _("积分年度"),
                "programme": _("评选活动"),
                "quota": _("名额"),
                "rule": _("积分规则"),
                "suggestion": _("意见建议"),
            }
            label = f"{sub.get(head, head)}{label}"
    if label is None:
        return action
    return f"{ENTITIES[entity]} · {label}"


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in (object_type or "") else None
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


@functools.cache
def _known_codes() -> dict[str, str]:
    """Every coded value of every Pacesetter model's choices, with its label (the first one wins): the last
    resort for a code the entry's own model does not declare — the counts an entry carries by record kind
    ({"party_analysis": 0}), a status of a related object ("withheld")."""
    codes: dict[str, str] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("pacesetter."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and value and not value.isdigit():
                    codes.setdefault(value, label)
    return codes


def field_label(object_type: str, name: str) -> str:
    field = _field(_model(object_type), name)
    if field is not None:
        return str(getattr(field, "verbose_name", name))
    return str(_known_codes().get(name, EXTRA_KEYS.get(name, name)))


def value_label(object_type: str, name: str, value, names: dict | None = None) -> str:
    """A coded value as a person reads it: the choice's label, 是/否, "—" for nothing; a foreign key's id as
    the object's name (from `names`, see related_names, else one query)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(YES if value else NO)
    field = _field(_model(object_type), name)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.many_to_one and isinstance(value, int) and not isinstance(value, bool):
        if names is not None:
            return names.get((field.related_model, value), str(value))
        return related_names_of(field.related_model, [value]).get((field.related_model, value), str(value))
    if isinstance(value, list | dict):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if isinstance(value, str):
        return str(_known_codes().get(value, value))
    return str(value)


def related_names_of(model, pks) -> dict:
    """{(model, id): name} for ids a change recorded for a foreign key ("主办组织 → 3"), in one query: an
    organisation with its parent (Organisation.label); ids of objects that are gone are left out."""
    pks = {pk for pk in pks if 0 < pk < 2**63}
    if not pks:
        return {}
    related = ["parent"] if any(f.name == "parent" and f.many_to_one for f in model._meta.fields) else []
    return {
        (model, obj.pk): str(getattr(obj, "label", None) or obj)
        for obj in model._default_manager.select_related(*related).filter(pk__in=pks)
    }


def _foreign_keys(entry):
    """(related model, id) of each foreign-key value in an entry's changes."""
    t = entry.object_type
    model = _model(t)
    if model is None:
        return
    for name, change in (entry.changes or {}).items():
        values = change if isinstance(change, list) and len(change) == 2 else [change]
        field = _field(model, name)
        if field is None or not field.many_to_one:
            continue
        for v in values:
            if isinstance(v, int) and not isinstance(v, bool):
                yield field.related_model, v


def related_names(entries) -> dict:
    """The names of every foreign key the entries' changes recorded: one query per related model, however
    many entries (the audit page and its export label a page of rows at once)."""
    wanted: dict = {}
    for entry in entries:
        for model, pk in _foreign_keys(entry):
            wanted.setdefault(model, set()).add(pk)
    names: dict = {}
    for model, pks in wanted.items():
        names.update(related_names_of(model, pks))
    return names


def change_rows(entry, names: dict | None = None) -> list[tuple[str, str, str | None]]:
    """[(field label, old → or the value, new or None)] of one entry's changes, labelled. `names`: from
    related_names over the entries shown together (without it, a query per foreign key)."""
    rows: list[tuple[str, str, str | None]] = []
    t = entry.object_type
    for name, change in (entry.changes or {}).items():
        if name == "_" and isinstance(change, dict):
            for k, v in change.items():
                rows.append((field_label(t, k), value_label(t, k, v, names), None))
        elif isinstance(change, list) and len(change) == 2:
            rows.append(
                (
                    field_label(t, name),
                    value_label(t, name, change[0], names),
                    value_label(t, name, change[1], names),
                )
            )
        else:
            rows.append((field_label(t, name), value_label(t, name, change, names), None))
    return rows
