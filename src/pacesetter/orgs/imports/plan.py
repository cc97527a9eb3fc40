"""Planning an import against the database: what each row would create, update or leave (run at preview and again at confirmation)."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from pacesetter.core.pii import mask_id_number, mask_phone

from ..enums import Gender, MemberStatus, OrgType, Sector
from ..models import (
    ImportKind,
    Member,
    Organisation,
)
from ..selectors import subtree_q
from ..services import MEMBER_PROFILE
from .columns import MAX_SAMPLES, MEMBER_COLUMNS, ORG_COLUMNS, _chunks, _date, _error, _iso, _split_org_text
from .parse import _parse_member_row, _parse_org_row

# --------------------------------------------------------------------------------------------------
# Planning against the database (run at preview and again at confirmation)


@dataclass
class _Plan:
    actions: list[str] = field(default_factory=list)  # per row: create / update / unchanged / error
    errors: list[dict] = field(default_factory=list)
    creates: list[tuple] = field(default_factory=list)
    updates: list[tuple] = field(default_factory=list)
    samples: dict = field(default_factory=lambda: {"create": [], "update": []})
    orgs: dict = field(default_factory=dict)  # organisations plan_orgs looked at, by id

    def counts(self) -> dict:
        c = Counter(self.actions)
        return {"create": c["create"], "update": c["update"], "unchanged": c["unchanged"]}


_MEMBER_COMPARE = (*MEMBER_PROFILE, "organisation_id", "phone", "status")
_FIELD_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "joined_on": "入党时间",
    "post": "岗位",
    "organisation_id": "所在党组织",
    "phone": "联系电话",
    "status": "党员类别",
    "org_type": "组织类别",
    "sector": "所属行业",
}


class _OrgNames:
    """The organisations of the batch scope that a roster names (“名称” or “上级组织/名称”), by name.

    Only the names the roster uses are read (an indexed `name IN (…)` per chunk, inside the scope), so the
    cost follows the roster, not the size of the scope: a province's root holds 460,000 organisations.
    `names` maps the ids read, and those added by `add_names`, to their names (for the preview's samples)."""

    def __init__(self, scope: Organisation, texts: Iterable[str]):
        self.by_name: dict[str, list[tuple]] = defaultdict(list)
        self.names: dict[int, str] = {}
        self.scope = scope
        wanted = {parts[-1] for parts in map(_split_org_text, texts) if parts}
        for chunk in _chunks(sorted(wanted)):
            qs = Organisation.objects.filter(subtree_q(scope.path), name__in=chunk).values_list(
                "id", "name", "parent__name", "is_active"
            )
            for oid, name, parent_name, active in qs:
                self.by_name[name].append((oid, parent_name, active))
                self.names[oid] = name
        self._cache: dict[str, tuple[int | None, str | None]] = {}

    def add_names(self, ids: Iterable[int | None]) -> None:
        """Read the names of these organisations too (members' current organisations), those not read yet."""
        missing = sorted({i for i in ids if i is not None and i not in self.names})
        for chunk in _chunks(missing):
            self.names.update(Organisation.objects.filter(pk__in=chunk).values_list("id", "name"))

    def resolve(self, text: str) -> tuple[int | None, str | None]:
        """(organisation id, None) or (None, why); why == "unknown" when no such name in scope."""
        if text in self._cache:
            return self._cache[text]
        parts = _split_org_text(text)
        cands = self.by_name.get(parts[-1], []) if parts else []
        if len(parts) > 1:
            cands = [c for c in cands if c[1] == parts[-2]]
        active = [c for c in cands if c[2]]
        result: tuple[int | None, str | None]
        if len(active) == 1:
            result = (active[0][0], None)
        elif len(active) > 1:
            result = (None, _("有多个名为“%(name)s”的组织，请写成“上级组织/组织名称”") % {"name": parts[-1]})
        elif cands:
            result = (None, _("党组织“%(name)s”已撤销，不能接收党员") % {"name": text})
        else:
            result = (None, "unknown")
        self._cache[text] = result
        return result


def _names_outside(names: Iterable[str], scope: Organisation) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(names))):
        found |= set(
            Organisation.objects.filter(name__in=chunk)
            .exclude(subtree_q(scope.path))
            .values_list("name", flat=True)
        )
    return found


def _plan_members(rows: list[dict], scope: Organisation, headings: dict, progress: Callable) -> _Plan:
    plan = _Plan()
    h = {c.key: headings.get(c.key, c.heading) for c in MEMBER_COLUMNS}
    texts = {r["org"] for r in rows if r["org"]}
    index = _OrgNames(scope, texts)
    resolved = {text: index.resolve(text) for text in texts}
    unknown = {_split_org_text(t)[-1] for t, (oid, why) in resolved.items() if why == "unknown"}
    outside = _names_outside(unknown, scope) if unknown else set()

    existing: dict[str, tuple] = {}
    ids = [r["id_number"] for r in rows if r["id_number"]]
    for chunk in _chunks(ids):
        for rec in Member.objects.filter(id_number__in=chunk).values_list(
            "id", "id_number", *_MEMBER_COMPARE, "organisation__path"
        ):
            existing[rec[1]] = rec
    index.add_names(rec[2 + _MEMBER_COMPARE.index("organisation_id")] for rec in existing.values())
    progress(1, 4)

    first_row: dict[str, int] = {}
    total = len(rows)
    for n, row in enumerate(rows, 1):
        if n % 2000 == 0:
            progress(total + n, total * 2)
        rownum, bad = row["r"], not row.get("ok", True)
        org_id = None
        if row["org"]:
            org_id, why = resolved[row["org"]]
            if why == "unknown":
                name = _split_org_text(row["org"])[-1]
                why = (
                    _("党组织“%(name)s”不在您的导入范围（%(scope)s）内")
                    % {"name": row["org"], "scope": scope.name}
                    if name in outside
                    else _("找不到党组织“%(name)s”，请填写系统中已有组织的全称") % {"name": row["org"]}
                )
            if why:
                plan.errors.append(_error(rownum, h["organisation"], row["org"], why))
                bad = True
        id_number = row["id_number"]
        current = None
        if id_number:
            if id_number in first_row:
                plan.errors.append(
                    _error(
                        rownum,
                        h["id_number"],
                        id_number,
                        _("身份证号与第 %(row)s 行重复") % {"row": first_row[id_number]},
                    )
                )
                bad = True
            else:
                first_row[id_number] = rownum
            current = existing.get(id_number)
            if current is not None and not current[-1].startswith(scope.path):
                plan.errors.append(
                    _error(
                        rownum,
                        h["id_number"],
                        id_number,
                        _("该身份证号已登记在您导入范围之外的党员名下，请联系其所在组织办理组织关系转接"),
                    )
                )
                bad = True
        if bad:
            plan.actions.append("error")
            continue
        new = {
            "name": row["name"],
            "gender": row["gender"],
            "ethnicity": row["ethnicity"],
            "birth_date": _date(row["birth_date"]),
            "joined_on": _date(row["joined_on"]),
            "post": row["post"],
            "organisation_id": org_id,
            "phone": row["phone"],
            "status": row.get("status"),
        }
        if current is None:
            plan.actions.append("create")
            values = {
                **new,
                "ethnicity": new["ethnicity"] or "汉族",
                "post": new["post"] or "",
                "phone": new["phone"] or "",
                "status": new["status"] or "",
                "id_number": id_number,
            }
            plan.creates.append((rownum, values))
            if len(plan.samples["create"]) < MAX_SAMPLES:
                plan.samples["create"].append(
                    {
                        "row": rownum,
                        "name": values["name"],
                        "org": index.names.get(org_id, "") if org_id is not None else "",
                        "id_number": mask_id_number(id_number),
                    }
                )
            continue
        old = dict(zip(_MEMBER_COMPARE, current[2:-1], strict=True))
        # A blank optional cell keeps what is stored: a roster without phones must not erase them.
        changes = {f: (old[f], v) for f, v in new.items() if v is not None and v != old[f]}
        if not changes:
            plan.actions.append("unchanged")
            continue
        plan.actions.append("update")
        plan.updates.append((rownum, current[0], changes))
        if len(plan.samples["update"]) < MAX_SAMPLES:
            plan.samples["update"].append(
                {
                    "row": rownum,
                    "name": old["name"],
                    "org": index.names.get(old["organisation_id"], ""),
                    "id_number": mask_id_number(id_number),
                    "changes": [_change_display(f, a, b, index.names) for f, (a, b) in changes.items()],
                }
            )
    return plan


def _change_display(fname: str, old, new, org_names: dict) -> list:
    def show(v):
        if v is None or v == "":
            return ""
        if fname == "organisation_id":
            return org_names.get(v, str(v))
        if fname == "gender":
            return str(Gender(v).label)
        if fname == "phone":
            return mask_phone(v)
        if fname == "org_type":
            return str(OrgType(v).label)
        if fname == "sector":
            return str(Sector(v).label)
        if fname == "status":
            return str(MemberStatus(v).label)
        return _iso(v) if isinstance(v, datetime.date) else str(v)

    return [_FIELD_LABELS[fname], show(old), show(new)]


@dataclass
class _ExistingOrg:
    id: int
    name: str
    parent_id: int | None
    parent_name: str | None
    path: str
    depth: int
    org_type: str
    sector: str
    is_active: bool
    in_scope: bool


def _outside_scope(name: str, scope: Organisation) -> str:
    return _("上级组织“%(name)s”不在您的导入范围（%(scope)s）内") % {"name": name, "scope": scope.name}


def _plan_orgs(rows: list[dict], scope: Organisation, headings: dict, progress: Callable) -> _Plan:
    """Resolve each row's parent (an existing organisation, or another row, in any order), detect
    cycles and duplicates, and decide create / update / unchanged per row."""
    plan = _Plan()
    h = {c.key: headings.get(c.key, c.heading) for c in ORG_COLUMNS}
    orgs: dict[int, _ExistingOrg] = {}
    fields = ("id", "name", "parent_id", "parent__name", "path", "depth", "org_type", "sector", "is_active")
    for rec in (
        Organisation.objects.filter(subtree_q(scope.path)).values_list(*fields).iterator(chunk_size=5000)
    ):
        orgs[rec[0]] = _ExistingOrg(*rec, in_scope=True)  # type: ignore[misc]  # rec has the 9 fields above
    if scope.parent_id:
        # The scope's own parent may be named (an exported subtree's root row) but nothing is created there.
        for rec in Organisation.objects.filter(pk=scope.parent_id).values_list(*fields):
            orgs[rec[0]] = _ExistingOrg(*rec, in_scope=False)  # type: ignore[misc]
    by_name: dict[str, list[int]] = defaultdict(list)
    child_index: dict[tuple, int] = {}
    active_children: Counter = Counter()
    for o in orgs.values():
        if o.is_active:
            by_name[o.name].append(o.id)
        if o.in_scope:
            child_index.setdefault((o.parent_id, o.name), o.id)
            if o.is_active and o.parent_id:
                active_children[o.parent_id] += 1
    file_by_name: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row["name"]:
            file_by_name[row["name"]].append(i)
    progress(1, 4)

    n = len(rows)
    state = [0] * n  # 0 new, 1 resolving, 2 done
    node: list[tuple | None] = [None] * n  # ("db", id) or ("new", row index)
    parent_node: list[tuple | None] = [None] * n
    problem: list[str | None] = [None] * n  # unknown / ambiguous / blocked
    cycle: set[int] = set()
    stack: list[int] = []

    def last_parent_part(j: int) -> str:
        parts = _split_org_text(rows[j]["parent"])
        return parts[-1] if parts else ""

    def resolve(i: int) -> tuple | None:
        if state[i] == 2:
            return node[i]
        if state[i] == 1:
            cycle.update(stack[stack.index(i) :])
            return None
        state[i] = 1
        stack.append(i)
        row = rows[i]
        parts = _split_org_text(row["parent"])
        parent = None
        if parts:
            pname, gname = parts[-1], (parts[-2] if len(parts) > 1 else None)
            cands: set[tuple] = set()
            blocked = False
            for oid in by_name.get(pname, ()):
                if gname is None or orgs[oid].parent_name == gname:
                    cands.add(("db", oid))
            for j in file_by_name.get(pname, ()):
                if j == i or (gname is not None and last_parent_part(j) != gname):
                    continue
                found = resolve(j)
                if found is None:
                    blocked = True
                else:
                    cands.add(found)
            if blocked or len(cands) != 1:
                problem[i] = "blocked" if blocked else ("ambiguous" if cands else "unknown")
            else:
                parent = next(iter(cands))
        stack.pop()
        state[i] = 2
        if problem[i]:
            return None
        parent_node[i] = parent
        match = None
        if parent is None:
            match = child_index.get((None, row["name"]))
        elif parent[0] == "db":
            match = child_index.get((parent[1], row["name"]))
        node[i] = ("db", match) if match else ("new", i)
        return node[i]

    try:
        for i in range(n):
            if rows[i]["name"]:
                resolve(i)
    except RecursionError:
        plan.errors.append(_error(None, "", "", _("上级组织关系嵌套过深，请分批导入")))
        return plan

    unknown_names = {_split_org_text(rows[i]["parent"])[-1] for i in range(n) if problem[i] == "unknown"}
    outside = _names_outside(unknown_names, scope) if unknown_names else set()
    type_override: dict[int, str] = {}
    new_children: Counter = Counter()
    first_of: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        this = node[i]
        if this is None:
            continue
        if this[0] == "db" and row["org_type"]:
            type_override[this[1]] = row["org_type"]
        if this[0] == "new" and parent_node[i] is not None:
            new_children[parent_node[i]] += 1

    def effective_type(ref: tuple) -> str | None:
        if ref[0] == "db":
            return type_override.get(ref[1], orgs[ref[1]].org_type)
        return rows[ref[1]]["org_type"]

    def parent_error(row: dict, message: str) -> dict:
        """An error on the row's 上级组织 cell."""
        return _error(row["r"], h["parent"], row["parent"], message)

    for i, row in enumerate(rows):
        rownum, bad = row["r"], not row.get("ok", True)
        errs: list[dict] = []
        if not row["name"]:
            plan.actions.append("error")
            continue
        if i in cycle:
            errs.append(parent_error(row, _("上级组织关系形成循环，请检查本行与相关行")))
        elif problem[i] == "blocked":
            errs.append(parent_error(row, _("上级组织所在的行有错误，请先改正那一行")))
        elif problem[i] == "ambiguous":
            errs.append(
                parent_error(
                    row,
                    _("有多个名为“%(name)s”的组织，请写成“上级组织/组织名称”")
                    % {"name": _split_org_text(row["parent"])[-1]},
                )
            )
        elif problem[i] == "unknown":
            pname = _split_org_text(row["parent"])[-1]
            errs.append(
                parent_error(
                    row,
                    _outside_scope(pname, scope)
                    if pname in outside
                    else _("找不到上级组织“%(name)s”：它既不是系统中已有的组织，也不在本表中")
                    % {"name": row["parent"]},
                )
            )
        ref = node[i]
        if ref is not None:
            # Two rows are the same organisation if they match the same one, or would create the same name
            # under the same parent.
            key = ref if ref[0] == "db" else ("new", parent_node[i], row["name"])
            if key in first_of:
                errs.append(
                    _error(
                        rownum,
                        h["name"],
                        row["name"],
                        _("与第 %(row)s 行是同一个组织，请删除重复行") % {"row": first_of[key]},
                    )
                )
            else:
                first_of[key] = rownum
            parent = parent_node[i]
            if ref[0] == "new":
                if parent is None:
                    errs.append(
                        _error(rownum, h["parent"], "", _("上级组织不能为空（顶级组织只能由系统管理员创建）"))
                    )
                elif parent[0] == "db" and not orgs[parent[1]].in_scope:
                    errs.append(
                        parent_error(
                            row,
                            _outside_scope(orgs[parent[1]].name, scope),
                        )
                    )
                elif parent[0] == "db" and not orgs[parent[1]].is_active:
                    errs.append(parent_error(row, _("上级组织已撤销，不能在其下新建组织")))
                elif effective_type(parent) == OrgType.BRANCH:
                    errs.append(parent_error(row, _("党支部下不能再设下级组织")))
            else:
                current = orgs[ref[1]]
                if not current.is_active:
                    errs.append(
                        _error(rownum, h["name"], row["name"], _("该组织已撤销，请先在系统中恢复后再导入"))
                    )
                elif (
                    row["org_type"] == OrgType.BRANCH
                    and current.org_type != OrgType.BRANCH
                    and (active_children[current.id] or new_children[ref])
                ):
                    errs.append(
                        _error(
                            rownum,
                            h["org_type"],
                            row["org_type"] and OrgType(row["org_type"]).label,
                            _("该组织有下级组织，不能改为党支部"),
                        )
                    )
        if errs or bad or ref is None:
            plan.errors.extend(errs)
            plan.actions.append("error")
            continue
        parent_label = row["parent"]
        if ref[0] == "new":
            plan.actions.append("create")
            plan.creates.append((rownum, i, parent_node[i], row))
            if len(plan.samples["create"]) < MAX_SAMPLES:
                plan.samples["create"].append(
                    {
                        "row": rownum,
                        "name": row["name"],
                        "parent": parent_label,
                        "org_type": str(OrgType(row["org_type"]).label),
                        "sector": str(Sector(row["sector"]).label),
                    }
                )
            continue
        current = orgs[ref[1]]
        changes = {
            f: (getattr(current, f), row[f]) for f in ("org_type", "sector") if row[f] != getattr(current, f)
        }
        if not changes:
            plan.actions.append("unchanged")
            continue
        plan.actions.append("update")
        plan.updates.append((rownum, current.id, changes))
        if len(plan.samples["update"]) < MAX_SAMPLES:
            plan.samples["update"].append(
                {
                    "row": rownum,
                    "name": row["name"],
                    "parent": parent_label,
                    "changes": [_change_display(f, a, b, {}) for f, (a, b) in changes.items()],
                }
            )
    plan.orgs = orgs
    return plan


_PLANNERS: dict[str, Callable[..., _Plan]] = {ImportKind.MEMBERS: _plan_members, ImportKind.ORGS: _plan_orgs}
_PARSERS: dict[str, Callable[..., dict | None]] = {
    ImportKind.MEMBERS: _parse_member_row,
    ImportKind.ORGS: _parse_org_row,
}
