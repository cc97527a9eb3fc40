"""The demo city: a believable 示范市 built from the 2010 mobilisation speeches, for trying the product out.

Everything here is synthetic and deterministic (one `random.Random` with a fixed seed):

* organisations — 示范市委 → 市直机关工委 (agencies, 市人民医院, 国资委 enterprises), 城厢区委 (区直机关, the
  education system with its schools and 教研组 branches, hospitals, 龙桥街道 and 凤凰山街道 with their
  communities, 非公企业 and 社会组织, 常太镇 villages), 永安县委 (和林镇 with 永安八一村 and other villages,
  青山镇, 城关街道);
* members — Chinese names, posts fitting the sector, valid mobile numbers and valid 18-digit 身份证号
  whose region code 3599xx does not exist (prefecture 99 of 福建), so they are valid but plainly fake;
* demo accounts — one per role, all with the password ``demo12345`` (demo only: never on a real site).

The build is fast: organisations are laid out in memory with their materialised paths and inserted
level by level with ``bulk_create``; members are inserted in batches; ``member_count`` is set by one
aggregate UPDATE. Running it again finds the root by name and only makes sure the accounts exist.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Coalesce
from django.utils import timezone

from pacesetter.core.audit import audit_log
from pacesetter.orgs.enums import OrgType, Role, Sector
from pacesetter.orgs.models import Liaison, Member, Organisation, RoleGrant, encode_segment
from pacesetter.orgs.validation import id_number_with_check_digit

ROOT_NAME = "示范市委"
DEMO_PASSWORD = "demo12345"  # demo only
SEED = 20100507  # the day of the 市直机关 mobilisation speech

C, G, B = OrgType.COMMITTEE, OrgType.GENERAL_BRANCH, OrgType.BRANCH

# --- people ------------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严戴莫孔汤"
)
# The first surnames are far more common: weight by rank.
_SURNAME_WEIGHTS = [1.0 / (i + 8) for i in range(len(SURNAMES))]
MALE_CHARS = "伟强磊军勇杰涛明超斌刚平辉鹏华飞建国志文海峰东林波宇浩俊鑫振荣德福贵生祥发金龙永春成兴良忠"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷秀英红梅兰琴慧莉萍雪颖倩洁凤云月琳桂珍翠素美佳丹晶蓉莹淑惠欣怡"
SHARED_CHARS = "晓小文玉秋宁安新佳少婉"
ETHNICITIES = [("汉族", 940), ("畲族", 18), ("回族", 12), ("满族", 8), ("壮族", 7), ("苗族", 5), ("土家族", 5),
               ("蒙古族", 3), ("彝族", 2)]  # fmt: skip
MOBILE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "180", "186",
                   "187", "188", "189", "199"]  # fmt: skip

POSTS = {
    Sector.AGENCY: ["科员"] * 5 + ["副主任科员", "主任科员", "副科长", "科长", "办公室主任", "调研员", "副局长", "机关干部"],
    Sector.SCHOOL: ["教师"] * 6 + ["班主任"] * 3 + ["教研组长", "年段长", "教导主任", "德育主任", "副校长", "校长", "后勤管理员"],
    Sector.HOSPITAL: ["医生"] * 3 + ["护士"] * 3 + ["主治医师", "副主任医师", "主任医师", "护士长", "药剂师", "检验师", "科室主任", "行政人员"],
    Sector.COMMUNITY: ["社区网格员"] * 3 + ["社区居委会委员", "社区干事", "楼道长", "居民", "志愿者", "个体经营者", "退休职工"],
    Sector.VILLAGE: ["村民"] * 3 + ["村委委员", "村民小组长", "种植户", "养殖户", "村会计", "合作社理事长", "外出务工人员", "农技员"],
    Sector.SOE: ["职工"] * 2 + ["车间主任", "技术员", "工程师", "班组长", "操作工", "质检员", "销售经理", "财务人员"],
    Sector.PRIVATE: ["生产工人"] * 2 + ["车间主任", "技术员", "班组长", "销售员", "部门经理", "质检员", "行政专员"],
    Sector.SOCIAL: ["社工", "社工", "项目主管", "志愿者", "会计", "理事", "秘书长"],
    Sector.RETIRED: ["退休干部"] * 3 + ["退休教师", "退休职工", "退休职工", "退休医生", "老党员"],
}  # fmt: skip
BIRTH_YEARS = {Sector.RETIRED: (1940, 1960), Sector.VILLAGE: (1945, 1998), Sector.COMMUNITY: (1945, 1998)}
FEMALE_SHARE = {Sector.SCHOOL: 0.62, Sector.HOSPITAL: 0.6, Sector.VILLAGE: 0.3, Sector.SOE: 0.35,
                Sector.COMMUNITY: 0.55}  # fmt: skip
BRANCH_SIZE = {Sector.AGENCY: (12, 30), Sector.SCHOOL: (14, 38), Sector.HOSPITAL: (18, 45),
               Sector.COMMUNITY: (15, 35), Sector.VILLAGE: (20, 48), Sector.SOE: (15, 40),
               Sector.PRIVATE: (5, 20), Sector.SOCIAL: (4, 12), Sector.RETIRED: (15, 42)}  # fmt: skip
LATEST_JOIN = datetime.date(2024, 6, 30)


class People:
    """Deterministic synthetic people: name, gender, ethnicity, dates, post, mobile, 身份证号."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_ids: set[str] = set()
        self.sequence: dict[str, int] = {}

    def name(self, female: bool) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, _SURNAME_WEIGHTS)[0]
        chars = FEMALE_CHARS if female else MALE_CHARS
        if rng.random() < 0.3:
            return surname + rng.choice(chars)
        first = rng.choice(SHARED_CHARS) if rng.random() < 0.25 else rng.choice(chars)
        return surname + first + rng.choice(chars)

    def id_number(self, region: str, birth: datetime.date, female: bool) -> str:
        # Order code: odd for men, even for women (GB 11643); counted per region and birth date so
        # the numbers are unique and the same on every run.
        key = f"{region}{birth:%Y%m%d}"
        while True:
            n = self.sequence.get(key, 0)
            self.sequence[key] = n + 1
            order = 2 * n + (2 if female else 1)
            if order > 999:
                raise OverflowError("too many people born on one day in one region")
            number = id_number_with_check_digit(f"{key}{order:03d}")
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def person(self, sector: str, region: str) -> dict:
        rng = self.rng
        female = rng.random() < FEMALE_SHARE.get(sector, 0.45)
        low, high = BIRTH_YEARS.get(sector, (1958, 2000))
        birth = datetime.date(low, 1, 1) + datetime.timedelta(
            days=rng.randrange((datetime.date(high, 12, 31) - datetime.date(low, 1, 1)).days + 1)
        )
        adult = birth.replace(year=birth.year + 18, day=min(birth.day, 28))
        latest = min(LATEST_JOIN, birth.replace(year=birth.year + 50, day=min(birth.day, 28)))
        span = (latest - adult).days
        joined = adult + datetime.timedelta(days=1 + int(rng.triangular(0, span - 1, span * 0.15)))
        ethnicity = rng.choices([e for e, _w in ETHNICITIES], [w for _e, w in ETHNICITIES])[0]
        return {
            "name": self.name(female),
            "gender": "F" if female else "M",
            "ethnicity": ethnicity,
            "birth_date": birth,
            "joined_on": joined,
            "post": rng.choice(POSTS[sector]),
            "phone": rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            "id_number": self.id_number(region, birth, female),
        }


# --- the tree ----------------------------------------------------------------------------------------


@dataclass
class Node:
    name: str
    org_type: str
    sector: str
    children: list[Node] = field(default_factory=list)
    region: str = ""
    path: str = ""
    depth: int = 0
    obj: Organisation | None = None
    parent_obj: Organisation | None = None


def _branches(names, sector, suffix="党支部"):
    return [Node(f"{n}{suffix}", B, sector) for n in names]


def _unit(name, org_type, sector, branch_names, retired: str | None = None):
    children = _branches(branch_names, sector)
    if retired:
        children.append(Node(retired, B, Sector.RETIRED))
    return Node(name, org_type, sector, children)


CITY_AGENCIES = [
    ("市发改委", ["办公室", "综合规划科", "投资科", "价格监督检查局"]),
    ("市教育局", ["办公室", "基础教育科", "人事科", "教研室"]),
    ("市卫生局", ["办公室", "医政科", "疾病控制科", "卫生监督所"]),
    ("市财政局", ["办公室", "预算科", "国库科", "综合科"]),
    ("市民政局", ["办公室", "社会救助科", "基层政权科"]),
    ("市人社局", ["办公室", "就业促进科", "社会保险中心"]),
    ("市住建局", ["办公室", "建筑管理科", "城建档案馆"]),
    ("市农业局", ["办公室", "农技推广站", "经营管理科"]),
    ("市商务局", ["办公室", "对外贸易科", "市场运行科"]),
    ("市交通运输局", ["办公室", "运输管理所", "公路分局"]),
    ("市国土资源局", ["办公室", "地籍管理科", "执法监察支队"]),
    ("市文广新局", ["办公室", "文化艺术科", "市图书馆"]),
    ("市统计局", ["办公室", "综合统计科"]),
    ("市审计局", ["办公室", "财政审计科"]),
    ("市环保局", ["办公室", "环境监察支队"]),
    ("市司法局", ["办公室", "法律援助中心"]),
]
DISTRICT_AGENCIES = ["区委办", "区政府办", "区纪委", "区委组织部", "区委宣传部", "区发改局", "区财政局",
                     "区民政局", "区人社局", "区住建局", "区司法局", "区市场监管局", "区统计局"]  # fmt: skip
PRIMARY_SCHOOLS = ["城厢区实验小学", "城厢区第一小学", "城厢区第二小学", "城厢区第三小学", "城厢区第四小学",
                   "城厢区第五小学", "城厢区第六小学", "龙桥中心小学", "凤凰山小学", "东门小学", "霞林小学",
                   "常太中心小学"]  # fmt: skip
SUBJECT_GROUPS = ["语文教研组", "数学教研组", "英语教研组", "理化生教研组", "政史地教研组", "体音美教研组"]
LONGQIAO_FIRMS = ["福鑫电子科技有限公司", "闽兴鞋业有限公司", "华亿工艺品有限公司", "鸿达物流有限公司",
                  "永丰食品有限公司", "金龙建材有限公司", "星海商贸有限公司", "荔城纺织有限公司"]  # fmt: skip
HELIN_VILLAGES = ["东岭村", "西坑村", "上洋村", "下坂村", "溪口村", "石门村", "后山村", "新厝村", "龙潭村",
                  "竹林村", "桥头村", "坪洋村", "凤阳村", "岭头村"]  # fmt: skip
QINGSHAN_VILLAGES = ["青山村", "白岩村", "大坪村", "长岭村", "塘边村", "洋中村", "梧桐村", "湖头村", "山前村"]
CHANGTAI_VILLAGES = ["常太村", "莒溪村", "东湖村", "枫林村", "岭美村", "洋坪村", "溪南村"]


def city_tree() -> Node:
    S = Sector
    # 市直机关工委: agencies, 公安, 市人民医院, 国资委 enterprises.
    agencies = [
        _unit(f"{name}机关党委", C, S.AGENCY, depts, retired="离退休干部党支部")
        for name, depts in CITY_AGENCIES
    ]
    agencies.append(
        Node("市公安局党委", C, S.AGENCY, [
            *_branches(["机关", "指挥中心", "刑侦支队", "治安支队"], S.AGENCY),
            Node("交警支队党总支", G, S.AGENCY, _branches(["一大队", "二大队", "三大队"], S.AGENCY)),
            Node("离退休民警党支部", B, S.RETIRED),
        ])
    )  # fmt: skip
    hospital = Node("市人民医院党委", C, S.HOSPITAL, [
        *_branches(["内科", "外科", "妇儿科", "医技", "行政后勤"], S.HOSPITAL),
        Node("护理党总支", G, S.HOSPITAL, _branches(["第一护理", "第二护理", "第三护理"], S.HOSPITAL)),
        Node("离退休党支部", B, S.RETIRED),
    ])  # fmt: skip
    soe = Node("市国资委党委", C, S.SOE, [
        Node("国资委机关党支部", B, S.AGENCY),
        _unit("市交通投资集团党委", C, S.SOE, ["集团机关", "客运分公司", "工程分公司", "城市公交分公司"]),
        _unit("市水务集团党委", C, S.SOE, ["集团机关", "第一自来水厂", "污水处理厂", "供水管网分公司"],
              retired="离退休职工党支部"),
        _unit("市电力建设有限公司党总支", G, S.SOE, ["机关", "输变电工程部"]),
    ])  # fmt: skip
    city_agencies = Node("市直机关工委", C, S.AGENCY, [*agencies, hospital, soe], region="359901")

    # 城厢区: 区直机关, education system, hospitals, two streets, a state enterprise, one town.
    district_agencies = Node("区直机关工委", C, S.AGENCY, [
        *_branches(DISTRICT_AGENCIES, S.AGENCY), Node("区直机关离退休干部党支部", B, S.RETIRED)
    ])  # fmt: skip

    def middle_school(name, groups):
        return Node(f"{name}党总支", G, S.SCHOOL, [
            *_branches(groups, S.SCHOOL), Node("行政后勤党支部", B, S.SCHOOL), Node("离退休教师党支部", B, S.RETIRED)
        ])  # fmt: skip

    education = Node("区教育局党委", C, S.SCHOOL, [
        Node("区教育局机关党支部", B, S.AGENCY),
        *_branches(PRIMARY_SCHOOLS, S.SCHOOL),
        middle_school("城厢区第一中学", SUBJECT_GROUPS),
        middle_school("城厢区第二中学", SUBJECT_GROUPS[:5]),
        middle_school("城厢区第三中学", SUBJECT_GROUPS[:4]),
        Node("城厢区实验中学党总支", G, S.SCHOOL, _branches(["初中部", "高中部", "行政后勤"], S.SCHOOL)),
        Node("城厢区职业中专党总支", G, S.SCHOOL, _branches(["机电专业部", "财经专业部", "行政"], S.SCHOOL)),
        *_branches(["城厢区第四中学", "城厢区第五中学", "城厢区实验幼儿园", "城厢区教师进修学校",
                    "城厢区特殊教育学校"], S.SCHOOL),
    ])  # fmt: skip
    health = Node("区卫生局党委", C, S.HOSPITAL, [
        Node("城厢区医院党总支", G, S.HOSPITAL, _branches(["内科", "外科", "护理", "行政后勤"], S.HOSPITAL)),
        *_branches(["城厢区中医院", "区疾病预防控制中心", "区妇幼保健院", "龙桥街道社区卫生服务中心",
                    "凤凰山街道社区卫生服务中心"], S.HOSPITAL),
    ])  # fmt: skip
    longqiao = Node("龙桥街道党工委", C, S.COMMUNITY, [
        Node("龙桥街道机关党支部", B, S.AGENCY),
        Node("富民社区党委", C, S.COMMUNITY, [
            *_branches(["第一网格", "第二网格", "第三网格", "第四网格", "流动党员"], S.COMMUNITY),
            Node("富民社区离退休党支部", B, S.RETIRED),
        ]),
        Node("龙桥社区党总支", G, S.COMMUNITY, [
            *_branches(["第一", "第二"], S.COMMUNITY), Node("老年党支部", B, S.RETIRED)
        ]),
        *_branches(["新华社区", "东门社区", "西门社区", "英龙社区", "坊巷社区", "大路社区"], S.COMMUNITY),
        Node("龙桥街道非公企业联合党委", C, S.PRIVATE, [
            *_branches(LONGQIAO_FIRMS, S.PRIVATE), Node("非公企业联合党支部", B, S.PRIVATE)
        ]),
        *_branches(["龙桥街道社会组织联合", "城厢区个体私营企业协会", "城厢区律师协会"], S.SOCIAL),
    ])  # fmt: skip
    fenghuang = Node("凤凰山街道党工委", C, S.COMMUNITY, [
        Node("凤凰山街道机关党支部", B, S.AGENCY),
        *_branches(["凤山社区", "荔城社区", "霞林社区", "建设社区", "延寿社区", "逸夫社区"], S.COMMUNITY),
        Node("凤凰山街道非公企业联合党支部", B, S.PRIVATE),
        Node("凤凰山街道离退休党支部", B, S.RETIRED),
    ])  # fmt: skip
    district_soe = _unit(
        "城厢区国有资产投资有限公司党委",
        C,
        S.SOE,
        ["公司机关", "城建公司", "公交公司", "水务公司", "粮食购销公司"],
    )
    changtai = Node("常太镇党委", C, S.VILLAGE, [
        Node("常太镇机关党支部", B, S.AGENCY), *_branches(CHANGTAI_VILLAGES, S.VILLAGE),
        Node("常太镇离退休党支部", B, S.RETIRED),
    ])  # fmt: skip
    district = Node(
        "城厢区委", C, S.AGENCY,
        [district_agencies, education, health, longqiao, fenghuang, district_soe, changtai],
        region="359902",
    )  # fmt: skip

    # 永安县: 县直机关, 和林镇 (the town speech), 青山镇, 城关街道.
    helin = Node("和林镇党委", C, S.VILLAGE, [
        Node("和林镇机关党支部", B, S.AGENCY),
        Node("永安八一村党支部", B, S.VILLAGE),
        Node("和林村党总支", G, S.VILLAGE, [
            *_branches(["和林村第一", "和林村第二"], S.VILLAGE), Node("和林村老党员党支部", B, S.RETIRED)
        ]),
        *_branches(HELIN_VILLAGES, S.VILLAGE),
        Node("和林镇中心小学党支部", B, S.SCHOOL),
        Node("和林中学党支部", B, S.SCHOOL),
        Node("和林镇卫生院党支部", B, S.HOSPITAL),
        Node("和林茶业有限公司党支部", B, S.PRIVATE),
        Node("和林镇非公企业联合党支部", B, S.PRIVATE),
        Node("和林镇农民专业合作社联合党支部", B, S.SOCIAL),
        Node("和林镇离退休干部党支部", B, S.RETIRED),
        Node("和林镇退休教师党支部", B, S.RETIRED),
    ])  # fmt: skip
    qingshan = Node("青山镇党委", C, S.VILLAGE, [
        Node("青山镇机关党支部", B, S.AGENCY), *_branches(QINGSHAN_VILLAGES, S.VILLAGE),
        Node("青山镇中心小学党支部", B, S.SCHOOL), Node("青山镇离退休党支部", B, S.RETIRED),
    ])  # fmt: skip
    chengguan = Node("城关街道党工委", C, S.COMMUNITY, [
        Node("城关街道机关党支部", B, S.AGENCY),
        *_branches(["南街社区", "北街社区", "解放社区", "滨江社区"], S.COMMUNITY),
        Node("城关街道非公企业联合党支部", B, S.PRIVATE),
    ])  # fmt: skip
    county_agencies = Node("县直机关工委", C, S.AGENCY, [
        *_branches(["县委办", "县政府办", "县农业局", "县教育局", "县卫生局", "县财政局"], S.AGENCY),
        Node("永安县医院党支部", B, S.HOSPITAL), Node("永安县第一中学党支部", B, S.SCHOOL),
    ])  # fmt: skip
    county = Node("永安县委", C, S.AGENCY, [county_agencies, helin, qingshan, chengguan], region="359921")

    return Node(ROOT_NAME, C, S.AGENCY, [city_agencies, district, county], region="359901")


def _lay_out(root: Node) -> list[list[Node]]:
    """Give every node its path and depth (as services._next_child_path would); return nodes by depth."""
    levels: list[list[Node]] = []

    def walk(node: Node, path: str, depth: int, region: str):
        node.path, node.depth, node.region = path, depth, node.region or region
        if len(levels) <= depth:
            levels.append([])
        levels[depth].append(node)
        for n, child in enumerate(node.children, start=1):
            walk(child, path + encode_segment(n), depth + 1, node.region)

    walk(root, encode_segment(_next_root_number()), 0, root.region)
    return levels


def _next_root_number() -> int:
    from pacesetter.orgs.models import decode_segment

    last = Organisation.objects.filter(depth=0).order_by("-path").values_list("path", flat=True).first()
    return decode_segment(last) + 1 if last else 1


# --- accounts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: str
    scope: str  # organisation name inside the demo tree
    liaisons: tuple[str, ...] = ()
    member_of: str = ""  # link the account to the first member of this organisation
    # sector guidance (条块结合): the sector the grant covers inside `scope`, and the guiding body
    sector: str = ""
    guide: str = ""


ACCOUNTS = [
    Account("office", "陈立新", Role.OFFICE, ROOT_NAME),
    Account("cx_secretary", "林振华", Role.SECRETARY, "城厢区委"),
    Account("school_secretary", "黄丽萍", Role.SECRETARY, "城厢区实验小学党支部"),
    Account("town_secretary", "郑国栋", Role.SECRETARY, "和林镇党委"),
    Account(
        "leader",
        "李明远",
        Role.LEADER,
        ROOT_NAME,
        liaisons=("城厢区实验小学党支部", "富民社区党委", "永安八一村党支部", "市发改委机关党委"),
    ),
    Account("inspector", "张建平", Role.INSPECTOR, ROOT_NAME),
    Account("member", "", Role.MEMBER, "城厢区实验小学党支部", member_of="城厢区实验小学党支部"),
    # sector guidance (条块结合): the city education bureau's committee follows every school of the city
    Account("edu_guide", "吴文清", Role.GUIDE, ROOT_NAME, sector=Sector.SCHOOL, guide="市教育局机关党委"),
]


def demo_root() -> Organisation | None:
    return Organisation.objects.filter(depth=0, name=ROOT_NAME).order_by("path").first()


def _demo_org(root: Organisation, name: str) -> Organisation:
    org = Organisation.objects.filter(path__startswith=root.path, name=name).order_by("path").first()
    if org is None:
        raise LookupError(f"“{ROOT_NAME}”下找不到“{name}”：这不是演示数据，请先用 --reset 或换一个数据库")
    return org


def ensure_accounts(root: Organisation) -> list[tuple[Account, object, Organisation]]:
    """Create the demo accounts (or reset their passwords, grants and links); return them with scopes."""
    User = get_user_model()
    result = []
    for acc in ACCOUNTS:
        scope = _demo_org(root, acc.scope)
        member = None
        if acc.member_of:
            member = (
                Member.objects.filter(user__username=acc.username).first()
                or Member.objects.filter(organisation=_demo_org(root, acc.member_of), user__isnull=True)
                .order_by("id")
                .first()
            )
        full_name = member.name if member is not None else acc.full_name
        user, _created = User.objects.get_or_create(username=acc.username)
        user.first_name, user.is_active = full_name, True
        user.set_password(DEMO_PASSWORD)
        user.save()
        if member is not None and member.user_id != user.pk:
            Member.objects.filter(pk=member.pk).update(user=user)
        if not RoleGrant.objects.filter(
            user=user, role=acc.role, organisation=scope, sector=acc.sector, revoked_at__isnull=True
        ).exists():
            guide = _demo_org(root, acc.guide) if acc.guide else None
            RoleGrant.objects.create(
                user=user, role=acc.role, organisation=scope, sector=acc.sector, guide=guide
            )
        for name in acc.liaisons:
            Liaison.objects.get_or_create(leader=user, organisation=_demo_org(root, name))
        result.append((acc, user, scope))
    return result


# --- build / reset -----------------------------------------------------------------------------------


@dataclass
class BuildResult:
    root: Organisation
    built: bool
    organisations: int
    members: int
    accounts: list = field(default_factory=list)


def refresh_member_counts(path_prefix: str = "") -> None:
    """member_count of every organisation under `path_prefix` in one aggregate UPDATE."""
    counts = (
        Member.objects.filter(organisation=OuterRef("pk"), is_active=True)
        .order_by()
        .values("organisation")
        .annotate(n=Count("id"))
        .values("n")
    )
    Organisation.objects.filter(path__startswith=path_prefix).update(
        member_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
    )


@transaction.atomic
def build(seed: int = SEED) -> BuildResult:
    root = demo_root()
    if root is not None:
        accounts = ensure_accounts(root)
        orgs = Organisation.objects.filter(path__startswith=root.path).count()
        members = Member.objects.filter(organisation__path__startswith=root.path).count()
        return BuildResult(root, False, orgs, members, accounts)

    rng = random.Random(seed)
    people = People(rng)
    levels = _lay_out(city_tree())
    now = timezone.now()
    for level in levels:
        objs = []
        for n in level:
            objs.append(
                Organisation(
                    name=n.name,
                    path=n.path,
                    depth=n.depth,
                    org_type=n.org_type,
                    sector=n.sector,
                    created_at=now,
                    parent=n.parent_obj,
                )
            )
        Organisation.objects.bulk_create(objs)
        if any(o.pk is None for o in objs):  # a backend without RETURNING: read the ids back
            ids = dict(Organisation.objects.filter(path__in=[o.path for o in objs]).values_list("path", "id"))
            for o in objs:
                o.pk = ids[o.path]
        for n, o in zip(level, objs, strict=True):
            n.obj = o
            for child in n.children:
                child.parent_obj = o

    batch: list[Member] = []
    total = 0
    for level in levels:
        for n in level:
            if n.org_type != B:
                continue
            low, high = BRANCH_SIZE[n.sector]
            for _i in range(rng.randint(low, high)):
                batch.append(Member(organisation=n.obj, created_at=now, **people.person(n.sector, n.region)))
            if len(batch) >= 2000:
                Member.objects.bulk_create(batch)
                total += len(batch)
                batch = []
    Member.objects.bulk_create(batch)
    total += len(batch)

    root = levels[0][0].obj
    refresh_member_counts(root.path)
    organisations = sum(len(level) for level in levels)
    audit_log(
        actor=None,
        action="demo.build",
        obj=root,
        extra={"organisations": organisations, "members": total, "seed": seed},
    )
    return BuildResult(root, True, organisations, total, ensure_accounts(root))


class ResetRefused(Exception):
    pass


@transaction.atomic
def reset() -> int:
    """Delete the demo tree, its members, grants, liaisons and the demo accounts; all or nothing.

    Anything else pointing at a demo organisation with PROTECT (plans, records, imports made while
    trying the demo out) stops the reset with ResetRefused and nothing is deleted.
    """
    root = demo_root()
    User = get_user_model()
    deleted = 0
    try:
        if root is not None:
            from .assessment import remove_assessment
            from .campaign import remove_campaign
            from .complaints import remove_cases
            from .follows import remove_follows
            from .honours import remove_honours
            from .publicity import remove_publicity

            remove_publicity(root)  # 典型 name honours, members and organisations; bulletins the campaign
            remove_honours(root)  # programmes name the campaign, organisations and members
            from .members import remove_members

            remove_members(root)  # reviews, sessions, pairs and households name organisations and members
            from .points import remove_points

            remove_points(root)  # the ledger names members, rules and the campaign
            remove_assessment(root)  # scores name organisations and schemes the campaign: they go first
            remove_cases(root)  # cases name commitments and organisations: they go first
            remove_follows(root)
            remove_campaign(root)
            from .groups import remove_groups

            remove_groups(root)  # 群团组织 and the conduct round name demo organisations
            subtree = Organisation.objects.filter(path__startswith=root.path)
            from pacesetter.core.models import SlipSheet

            SlipSheet.objects.filter(organisation__in=subtree).delete()  # the consultation's printed slips
            Liaison.objects.filter(organisation__in=subtree).delete()
            RoleGrant.objects.filter(organisation__in=subtree).delete()
            Member.objects.filter(organisation__in=subtree).delete()
            max_depth = max(subtree.values_list("depth", flat=True))
            for depth in range(max_depth, root.depth - 1, -1):
                deleted += subtree.filter(depth=depth).delete()[1].get("orgs.Organisation", 0)
        # Demo accounts that acted are named in the append-only audit log, so they are kept (their grants
        # went with the organisations) and set up again by the build.
        from pacesetter.core.models import AuditEntry

        acted = AuditEntry.objects.filter(actor__isnull=False).values("actor_id")
        User.objects.filter(username__in=[a.username for a in ACCOUNTS]).exclude(pk__in=acted).delete()
    except ProtectedError as exc:
        raise ResetRefused(
            f"演示数据已被其他记录引用，无法安全删除（例如 {next(iter(exc.protected_objects), '')}）"
        ) from None
    if root is not None:
        audit_log(actor=None, action="demo.reset", object_type="orgs.organisation", object_repr=ROOT_NAME)
    return deleted


# --- console -----------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def accounts_table(rows: list[tuple[Account, object, Organisation]]) -> str:
    header = ("用户名", "密码", "姓名", "角色", "范围")
    lines = [header] + [
        (user.username, DEMO_PASSWORD, user.first_name, Role(acc.role).label, scope.name)
        + ((" 联系点：" + "、".join(acc.liaisons),) if acc.liaisons else ())
        + ((f" 仅{Sector(acc.sector).label} · 指导单位：{acc.guide}",) if acc.sector else ())
        for acc, user, scope in rows
    ]
    widths = [max(_width(str(line[i])) for line in lines) for i in range(len(header))]
    out = []
    for i, line in enumerate(lines):
        cells = [_pad(str(c), w) for c, w in zip(line, widths, strict=False)]
        out.append("  ".join(cells + list(line[len(header) :])).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
