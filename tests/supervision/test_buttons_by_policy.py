"""Buttons come from the policy that guards their URLs: walking each role's pages from the dashboard, no link
answers 403 and no form posts to a route the policy refuses that person (issue #22: the inspector was
offered 新的随机抽查 and 组建督查小组)."""

import collections
import re
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from pacesetter.policy import is_allowed, rule_for
from tests.supervision.test_reviews import file_review

MAX_PAGES = 45
FORM_ACTION = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>', re.I)


def _walk(client, user):
    seen, queue, per_route = set(), collections.deque(["/dashboard/"]), collections.Counter()
    dead_links, refused_forms = [], set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code == 403:
            dead_links.append(url)
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for tag in FORM_ACTION.findall(html):
            action = re.search(r'\baction="([^"]+)"', tag)
            try:
                match = resolve(urlsplit(action.group(1).replace("&amp;", "&")).path) if action else None
            except Resolver404:
                continue
            if match and not is_allowed(user, rule_for(match.view_name, "POST")):
                refused_forms.add((match.view_name, url))
        for href in re.findall(r'href="(/[^"#]*)"', html):
            path = urlsplit(href.replace("&amp;", "&")).path
            if path.startswith(("/static/", "/i18n/", "/api/", "/accounts/logout")) or path.endswith(
                (".docx", ".xlsx")
            ):
                continue
            route = re.sub(r"\d+", "N", path)
            if per_route[route] < 2:
                per_route[route] += 1
                queue.append(path)
    return seen, dead_links, sorted(refused_forms)


@pytest.mark.parametrize("role", ["office", "secretary", "leader", "inspector", "member"])
def test_each_role_is_offered_only_what_the_policy_lets_it_reach(sup, client_for, role):
    file_review(sup)  # a review, so the review and rectification pages have something to show
    user = getattr(sup, {"member": "member_user"}.get(role, role))
    seen, dead_links, refused_forms = _walk(client_for(user), user)
    assert len(seen) > 5
    assert dead_links == []
    assert refused_forms == []
