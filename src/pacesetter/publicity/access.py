"""Access rules for the publicity app's URL names (pages, public news site, API), merged into policy.POLICY.

Drafting pages need publicity.draft (secretaries, editors, the office); which items and articles a person
may touch is decided object by object (sender, parent, editor). The public site shows published articles only.
"""

from pacesetter.core.access import LOGIN, PUBLIC
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "publicity:item-list": Cap.PUBLICITY_DRAFT,
    "publicity:item-create": Cap.PUBLICITY_DRAFT,
    "publicity:item-detail": Cap.PUBLICITY_DRAFT,
    "publicity:item-edit": Cap.PUBLICITY_DRAFT,
    "publicity:item-transition": Cap.PUBLICITY_DRAFT,
    "publicity:item-to-article": Cap.PUBLICITY_PUBLISH,
    "publicity:article-list": Cap.PUBLICITY_DRAFT,
    "publicity:article-create": Cap.PUBLICITY_DRAFT,
    "publicity:article-detail": Cap.PUBLICITY_DRAFT,
    "publicity:article-edit": Cap.PUBLICITY_DRAFT,
    "publicity:article-transition": Cap.PUBLICITY_DRAFT,
    "publicity:photo": LOGIN,  # checked per photo: its item or article must be visible to the user
    "publicity:bulletin-list": LOGIN,  # editors see their issues, everyone the issues sent to them
    "publicity:bulletin-create": Cap.PUBLICITY_PUBLISH,
    "publicity:bulletin-detail": LOGIN,
    "publicity:bulletin-edit": Cap.PUBLICITY_PUBLISH,
    "publicity:bulletin-issue": Cap.PUBLICITY_PUBLISH,
    "publicity:bulletin-docx": LOGIN,
    "publicity:exemplar-list": Cap.PUBLICITY_DRAFT,
    "publicity:exemplar-create": Cap.PUBLICITY_DRAFT,
    "publicity:exemplar-detail": Cap.PUBLICITY_DRAFT,
    "publicity:exemplar-promote": Cap.PUBLICITY_PUBLISH,  # and only the office at the level awarded
    "publicity:exemplar-articles": Cap.PUBLICITY_DRAFT,  # and drafting over the model's organisation
    # The public news site: published articles only.
    "news:home": PUBLIC,
    "news:article": PUBLIC,
    "news:article-docx": PUBLIC,
    "news:search": PUBLIC,
    "news:photo": PUBLIC,
    "news:exemplars": PUBLIC,
    "news:exemplar": PUBLIC,
    # JSON API
    "api-1.0.0:publicity-item-list": {"GET": Cap.PUBLICITY_DRAFT, "POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-item-detail": {"GET": Cap.PUBLICITY_DRAFT, "PATCH": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-item-transition": {"POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-item-queue": Cap.PUBLICITY_DRAFT,
    "api-1.0.0:publicity-accepted-count": Cap.PUBLICITY_DRAFT,
    "api-1.0.0:publicity-article-list": {"GET": Cap.PUBLICITY_DRAFT, "POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-article-detail": {"GET": Cap.PUBLICITY_DRAFT, "PATCH": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-article-transition": {"POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-bulletin-list": {"GET": LOGIN, "POST": Cap.PUBLICITY_PUBLISH},
    "api-1.0.0:publicity-bulletin-detail": {"GET": LOGIN, "PATCH": Cap.PUBLICITY_PUBLISH},
    "api-1.0.0:publicity-bulletin-issue": {"POST": Cap.PUBLICITY_PUBLISH},
    "api-1.0.0:publicity-exemplar-list": {"GET": Cap.PUBLICITY_DRAFT, "POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-exemplar-detail": Cap.PUBLICITY_DRAFT,
    "api-1.0.0:publicity-exemplar-promote": {"POST": Cap.PUBLICITY_PUBLISH},
    "api-1.0.0:news-exemplars": PUBLIC,
    "api-1.0.0:news-article-list": PUBLIC,
    "api-1.0.0:news-article-detail": PUBLIC,
    "api-1.0.0:news-search": PUBLIC,
}
