"""Eligibility rules of a category (评选条件): rule types fixed in code, parameters per category.

`check(category, org=…, member=…, today=…)` raises a ValidationError naming the rule that failed, so a
nominator hears exactly why a nominee is refused.
"""

import datetime

from django.utils.translation import gettext as _

from pacesetter.core.errors import ValidationError

from .enums import DISTRICT_TOP_MAX, Rule, Subject


def validate_rules(rules, subject: str) -> list[dict]:
    """A category's rules as stored; refuses an unknown rule type or a parameter out of range."""
    if not isinstance(rules, list):
        raise ValidationError(_("评选条件格式不正确"), field="rules")
    clean = []
    for item in rules:
        code = item.get("rule") if isinstance(item, dict) else item
        if code not in Rule.values:
            raise ValidationError(_("未知的评选条件：%(r)s") % {"r": str(code)[:40]}, field="rules")
        row: dict = {"rule": code}
        if code == Rule.PARTY_YEARS:
            if subject != Subject.MEMBER:
                raise ValidationError(_("“党龄”条件只适用于个人类别"), field="rules")
            years = item.get("years") if isinstance(item, dict) else None
            if not isinstance(years, int) or not 1 <= years <= 70:
                raise ValidationError(_("党龄年数应为 1 至 70 的整数"), field="rules")
            row["years"] = years
        if code == Rule.ORG_TYPE:
            types = item.get("types") if isinstance(item, dict) else None
            if (
                subject != Subject.ORGANISATION
                or not types
                or not isinstance(types, list | tuple)
                or not set(map(str, types)) <= set(_type_labels())
            ):
                raise ValidationError(
                    _("“组织类别”条件只适用于集体类别，并须选择有效的组织类别"), field="rules"
                )
            row["types"] = sorted(set(types))
        if code == Rule.ASSESSMENT_GRADE:
            if subject == Subject.MASS_MEMBER:
                # assessment grades Party organisations and members; a 群团成员 has no grade of their own
                raise ValidationError(
                    _("“考核等次”条件不适用于群团成员类别（群团成员不参加考核）"), field="rules"
                )
            row["min"] = _min_grade(item, subject)
        if code == Rule.DISTRICT_RANK:
            row["top"] = _district_top(item, subject)
        clean.append(row)
    return clean


def _min_grade(item, subject: str) -> str:
    """The lowest grade an assessment-grade rule accepts; it must be a grade of the category's subject
    (organisations are graded 好/较好/一般/差, members 优秀/合格/基本合格/不合格)."""
    from pacesetter.assessment.enums import GRADES

    grade = item.get("min") if isinstance(item, dict) else None
    if grade not in GRADES[subject][:-1]:
        raise ValidationError(_("“考核等次”条件须选择本类别对象适用的等次（最低一档除外）"), field="rules")
    return grade


def _district_top(item, subject: str) -> int:
    """How many places of the district ranking (活动开展情况排名) a collective category draws from."""
    if subject != Subject.ORGANISATION:
        raise ValidationError(_("“活动开展情况排名”条件只适用于集体类别"), field="rules")
    top = item.get("top") if isinstance(item, dict) else None
    # bool is an int in Python: `true` is not a number of places
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= DISTRICT_TOP_MAX:
        raise ValidationError(_("排名名次应为 1 至 %(n)d 的整数") % {"n": DISTRICT_TOP_MAX}, field="rules")
    return top


def district_rank(org, *, campaign) -> int | None:
    """`org`'s place in the district ranking of its parent's children in `campaign`; None when it has no
    parent or no data to be ranked on."""
    from pacesetter.assessment.selectors import district_ranking

    if org.parent_id is None:
        return None
    for row in district_ranking(campaign=campaign, org=org.parent):
        if row["org"].pk == org.pk:
            return row["rank"]
    return None


def _accepted_grades(rule: dict, subject: str) -> list[str]:
    from pacesetter.assessment.enums import GRADES

    grades = GRADES[subject]
    return grades[: grades.index(rule["min"]) + 1]


def _latest_published_grade(*, org=None, member=None) -> str | None:
    """The grade of the subject's most recent published assessment (by period end, then publication)."""
    from pacesetter.assessment.enums import ScorecardStatus
    from pacesetter.assessment.models import Score

    scores = Score.objects.filter(scorecard__status=ScorecardStatus.PUBLISHED)
    scores = (
        scores.filter(member=member) if member is not None else scores.filter(organisation=org, member=None)
    )
    score = (
        scores.order_by("-scorecard__scheme__period_end", "-scorecard__published_at").only("grade").first()
    )
    return score.grade if score is not None else None


def describe(rule: dict) -> str:
    label = str(Rule(rule["rule"]).label)
    if rule["rule"] == Rule.PARTY_YEARS:
        return _("党龄不少于 %(n)d 年") % {"n": rule["years"]}
    if rule["rule"] == Rule.ORG_TYPE:
        labels = _type_labels()
        return _("组织类别为：%(t)s") % {"t": "、".join(labels[t] for t in rule["types"])}
    if rule["rule"] == Rule.ASSESSMENT_GRADE:
        from pacesetter.assessment.enums import Grade

        return _("最近一次公布的考核等次为“%(g)s”及以上") % {"g": Grade(rule["min"]).label}
    if rule["rule"] == Rule.DISTRICT_RANK:
        return _("在活动开展情况排名中列前 %(n)d 名") % {"n": rule["top"]}
    return label


def _type_labels() -> dict[str, str]:
    """Organisation types a collective category may require: Party ones and (groups) 群团组织 kinds."""
    from pacesetter.massorgs.enums import MassOrgKind
    from pacesetter.orgs.enums import OrgType

    return {
        **{v: str(label) for v, label in OrgType.choices},
        **{v: str(label) for v, label in MassOrgKind.choices},
    }


def failures(
    category, *, org=None, member=None, mass_org=None, mass_member=None, today: datetime.date
) -> list[str]:
    """The descriptions of the rules the nominee does not meet (empty when eligible).

    For a 群团成员 (`mass_member`, with `org` its mass organisation's Party organisation) only the rules about
    that Party organisation apply (no open rectification); the rules drawn from the Party roster, reports and
    assessment (党龄、举报、考核等次、排名) are about Party members and organisations and are skipped."""
    from pacesetter.complaints.enums import CaseKind, Finding
    from pacesetter.complaints.models import Case
    from pacesetter.supervision.enums import OPEN_RECTIFICATION
    from pacesetter.supervision.models import Rectification

    failed = []
    subject_org = org if org is not None else member.organisation
    for rule in category.rules:
        code = rule["rule"]
        if mass_member is not None and code != Rule.NO_OPEN_RECTIFICATION:
            continue  # not about a mass member (see the docstring); validate_rules refuses most of them
        if code == Rule.NO_OPEN_RECTIFICATION:
            if Rectification.objects.filter(organisation=subject_org, status__in=OPEN_RECTIFICATION).exists():
                failed.append(describe(rule) + _("（%(o)s有整改尚未销号）") % {"o": subject_org.name})
        elif code == Rule.NO_UPHELD_REPORT:
            upheld = Case.objects.filter(
                kind=CaseKind.REPORT,
                finding__in=[Finding.TRUE, Finding.PARTLY],
                received_on__year=category.programme.year,
            )
            upheld = (
                upheld.filter(subject_member=member) if member is not None else upheld.filter(subject_org=org)
            )
            # Reports name Party organisations and members: a 群团组织 has none of its own to check.
            if mass_org is None and upheld.exists():
                failed.append(describe(rule) + _("（本年度有经核查属实或部分属实的举报）"))
        elif code == Rule.PARTY_YEARS and member is not None:
            try:
                cutoff = today.replace(year=today.year - rule["years"])
            except ValueError:  # 29 February
                cutoff = today.replace(year=today.year - rule["years"], day=28)
            if member.joined_on is None or member.joined_on > cutoff:
                failed.append(describe(rule))
        elif code == Rule.ORG_TYPE and org is not None:
            kind = mass_org.kind if mass_org is not None else org.org_type
            if kind not in rule["types"]:
                failed.append(describe(rule))
        elif code == Rule.ASSESSMENT_GRADE:
            subject = Subject.MEMBER if member is not None else Subject.ORGANISATION
            # a 群团组织 is not assessed: it has no grade of its own
            grade = None if mass_org is not None else _latest_published_grade(org=org, member=member)
            if grade is None:
                failed.append(describe(rule) + _("（尚无已公布的考核等次）"))
            elif grade not in _accepted_grades(rule, subject):
                from pacesetter.assessment.enums import Grade

                failed.append(describe(rule) + _("（最近一次为“%(g)s”）") % {"g": Grade(grade).label})
        elif code == Rule.DISTRICT_RANK:
            # a 群团组织 is not ranked: the ranking is of Party organisations running the campaign
            rank = (
                None
                if mass_org is not None or org is None
                else district_rank(org, campaign=category.programme.campaign)
            )
            if rank is None:
                failed.append(
                    _("在活动开展情况排名中没有名次（尚无可排名的活动开展数据），本类别要求前 %(n)d 名")
                    % {"n": rule["top"]}
                )
            elif rank > rule["top"]:
                failed.append(
                    _("在活动开展情况排名中列第 %(x)d 名，本类别要求前 %(n)d 名")
                    % {"x": rank, "n": rule["top"]}
                )
    return failed


def check(category, *, org=None, member=None, mass_org=None, mass_member=None, today: datetime.date) -> None:
    failed = failures(
        category, org=org, member=member, mass_org=mass_org, mass_member=mass_member, today=today
    )
    if failed:
        raise ValidationError(_("不符合评选条件：%(r)s") % {"r": "；".join(failed)}, field="subject")
