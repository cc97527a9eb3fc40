"""`pacesetter demo`: build the demo city (idempotent) and print the demo accounts."""

import time

from django.core.management.base import BaseCommand, CommandError

from pacesetter.demo import city as demo


class Command(BaseCommand):
    help = "建立演示数据（示范市：300多个党组织、5000多名党员、各角色演示账号）；已存在时只确保账号可用"

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="先删除已有的演示数据和演示账号，再重新建立")

    def handle(self, *args, reset=False, **options):
        started = time.perf_counter()
        if reset:
            try:
                n = demo.reset()
            except demo.ResetRefused as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"已删除演示数据（{n} 个党组织）")
        try:
            result = demo.build()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if result.built:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已建立演示数据“{result.root.name}”：{result.organisations} 个党组织，"
                    f"{result.members} 名党员（{time.perf_counter() - started:.1f} 秒）"
                )
            )
        else:
            self.stdout.write(
                f"演示数据“{result.root.name}”已存在（{result.organisations} 个党组织，"
                f"{result.members} 名党员），未重复建立；已确认演示账号可用"
            )
        from pacesetter.demo.campaign import (
            ensure_campaign,
            ensure_closed_evaluation,
            ensure_commitments,
            ensure_evaluation,
            ensure_peer_evaluation,
        )

        campaign = ensure_campaign(result.root)
        ensure_commitments(campaign, result.root)
        codes = ensure_evaluation(campaign, result.root)
        ensure_closed_evaluation(campaign, result.root)
        ensure_peer_evaluation(campaign, result.root)
        from pacesetter.demo.loop import ensure_loop

        ensure_loop(campaign, result.root)
        from pacesetter.demo.complaints import ensure_cases

        ensure_cases(result.root)
        from pacesetter.demo.groups import ensure_conduct_evaluation, ensure_mass_orgs

        ensure_mass_orgs(campaign, result.root)  # before the programme, which nominates a 群团组织
        from pacesetter.demo.honours import ensure_programme

        programme = ensure_programme(campaign, result.root)
        from pacesetter.demo.publicity import ensure_publicity

        ensure_publicity(campaign, result.root)
        from pacesetter.demo.follows import ensure_follows

        ensure_follows(result.root)
        from pacesetter.demo.points import ensure_points

        ensure_points(campaign, result.root)
        from pacesetter.demo.assessment import ensure_assessment, ensure_district_figures

        ensure_district_figures(campaign, result.root)  # before the scorecard, which reads them too
        ensure_assessment(campaign, result.root)
        ensure_conduct_evaluation(result.root)
        from pacesetter.demo.members import ensure_members

        ensure_members(result.root)  # members (#19): 集中点评, 党员点评, 结对帮带, 联系户, 提醒
        from pacesetter.campaigns import tallies
        from pacesetter.orgs import subtree_tally
        from pacesetter.supervision import coverage_tally, stats_tally

        tallies.rebuild()  # the builders above write past the services that keep the dashboard's counters
        coverage_tally.rebuild()
        stats_tally.rebuild()
        subtree_tally.rebuild()
        self.stdout.write(
            f"演示活动：{campaign.name}（实施方案、争创主题、记实登记、公开承诺已有示例数据；"
            "评议：进行中的群众满意度测评、已结束并公开结果的群众评议、member 账号可参加的党员互评；"
            "群众反映：各办理状态的反映件各有示例，其中一件逾期并已上报督办，手机打开 /r/ 可提交反映；"
            "积分：本年度积分规则、自动积分、手工加减分和党员申报各有示例；"
            "组织考核：一套已计算、调整一项等次并公布的组织考核结果；"
            "群团组织：实验小学工会、团支部和和林镇妇联各有成员名册，团支部作出了公开承诺，工会被推荐为先进集体；"
            "民主评议行风政风：市直机关一轮已结束，意见建议已审阅发布；"
            "党员点评：城厢区委集中点评会（出席和会上点评）、结对帮带和党员联系户各有示例；"
            f"评选表彰：市委“七一”表彰正在公示，一名公示对象收到异议暂缓表彰，手机打开 /h/{programme.pk}/ 查看）"
        )
        if codes:
            self.stdout.write(
                "群众满意度测评（演示）的一次性评议码，手机打开本站 /e/ 输入（默认 http://127.0.0.1:8000/e/）："
                + "、".join(codes)
            )
        else:
            self.stdout.write(
                "群众满意度测评（演示）已存在；更多评议码请用 office 账号在“承诺评议 → 群众评议”中生成"
            )
        self.stdout.write("")
        self.stdout.write("演示账号（密码仅供演示，切勿用于正式环境）：")
        self.stdout.write(demo.accounts_table(result.accounts))
