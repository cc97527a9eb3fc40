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
    # The public news site: published articles only.
    "news:home": PUBLIC,
    "news:article": PUBLIC,
    "news:article-docx": PUBLIC,
    "news:search": PUBLIC,
    "news:photo": PUBLIC,
    # JSON API
    "api-1.0.0:publicity-item-list": {"GET": Cap.PUBLICITY_DRAFT, "POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-item-detail": {"GET": Cap.PUBLICITY_DRAFT, "PATCH": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-item-transition": {"POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-item-queue": Cap.PUBLICITY_DRAFT,
    "api-1.0.0:publicity-accepted-count": Cap.PUBLICITY_DRAFT,
    "api-1.0.0:publicity-article-list": {"GET": Cap.PUBLICITY_DRAFT, "POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-article-detail": {"GET": Cap.PUBLICITY_DRAFT, "PATCH": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:publicity-article-transition": {"POST": Cap.PUBLICITY_DRAFT},
    "api-1.0.0:news-article-list": PUBLIC,
    "api-1.0.0:news-article-detail": PUBLIC,
    "api-1.0.0:news-search": PUBLIC,
}
