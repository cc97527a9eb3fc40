"""The standards every new campaign starts from (五个好, 五带头 with 四比四看), copied into each campaign."""

# (set name, subject, description, [(item, description, [indicators])]); weights default to equal shares.
DEFAULT_CRITERIA: list[tuple[str, str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "五个好",
        "org",
        "先进基层党组织的标准，以“四比四看”检验。",
        [
            (
                "领导班子好",
                "认真学习实践科学发展观，班子团结，班子成员作风民主、廉洁自律，带领群众推动发展能力强。",
                ["看学习能力", "看执行能力"],
            ),
            (
                "党员队伍好",
                "党员素质优良，能够发挥先锋模范作用，在本职岗位上争创一流业绩。",
                ["看学习能力", "比落实任务"],
            ),
            (
                "工作机制好",
                "党内生活制度健全，联系服务群众、民主管理等机制完善，运转有效。",
                ["看执行能力", "看创新能力"],
            ),
            (
                "工作业绩好",
                "围绕中心、服务大局，完成各项任务成效显著，推动科学发展成绩突出。",
                ["比服务发展", "比落实任务", "看服务能力"],
            ),
            (
                "群众反映好",
                "密切联系群众，干群关系和谐，群众满意度高。",
                ["比干群和谐", "比群众满意", "看服务能力"],
            ),
        ],
    ),
    (
        "五带头",
        "member",
        "优秀共产党员的标准，以“四比四看”检验。",
        [
            ("带头学习提高", "带头学习政治理论和业务知识，不断提高素质和能力。", ["比学习", "看履职"]),
            ("带头争创佳绩", "立足本职岗位，争创一流业绩。", ["比奉献", "看业绩"]),
            ("带头服务群众", "热心为群众办实事、解难事，密切联系群众。", ["比服务", "看公论"]),
            ("带头遵纪守法", "严守党的纪律和国家法律，廉洁自律。", ["比勤廉", "看守纪"]),
            ("带头弘扬正气", "敢于同不良风气作斗争，弘扬社会正气。", ["比勤廉", "看公论"]),
        ],
    ),
]


def equal_weights(n: int) -> list[int]:
    """n whole-number weights summing to 100, as equal as possible (the first ones take the remainder)."""
    if n <= 0:
        return []
    base, extra = divmod(100, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


# Further member standards an office may add to a campaign instead of (or beside) 五带头 (loop, issue #17):
# "五个模范", the standard the speeches set for members in 创先争优.
PRESETS: dict[str, tuple[str, str, str, list[tuple[str, str, list[str]]]]] = {
    "five_models": (
        "五个模范",
        "member",
        "优秀共产党员的另一套标准：做学习实践科学发展观的模范、立足岗位争创一流的模范、"
        "服务群众的模范、遵纪守法的模范、弘扬正气的模范。",
        [
            ("学习实践科学发展观的模范", "带头学习理论，用科学发展观指导实践。", ["比学习", "看履职"]),
            ("立足岗位争创一流的模范", "干一行爱一行，在本职岗位上创造一流业绩。", ["比奉献", "看业绩"]),
            ("服务群众的模范", "真心实意为群众办实事、解难事。", ["比服务", "看公论"]),
            ("遵纪守法的模范", "严守党纪国法，廉洁自律。", ["比勤廉", "看守纪"]),
            ("弘扬正气的模范", "敢于同歪风邪气作斗争，带头树立良好风气。", ["比勤廉", "看公论"]),
        ],
    ),
}
