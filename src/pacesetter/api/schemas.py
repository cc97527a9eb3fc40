"""Shapes of the API's requests and responses."""

import datetime

from ninja import Schema


class Error(Schema):
    """Every refusal: a code for programs, a message for people, and which input was wrong."""

    code: str
    message: str
    field: str | None = None
    details: list[dict] | None = None


class ActionIn(Schema):
    """An action on a workflow (one of its transition table's actions) with the actor's comment. Each router
    names its own subclass, as schema names in the OpenAPI document are unique."""

    action: str
    comment: str = ""


class ConfirmedPhoneIn(Schema):
    """A member of the public's phone and the code texted to it (`onecount.phone_code_send`)."""

    phone: str = ""
    code: str = ""


class CountOnceIn(ConfirmedPhoneIn):
    """A confirmed phone or a printed slip's code: what makes a citizen's voice count once per person
    (`onecount.count_once`); without either it is kept as unverified."""

    slip: str = ""


class PublicReportIn(ConfirmedPhoneIn):
    """A report from the public (a case, a 公示 objection): anonymous unless `real_name`, then with a name and
    a confirmed phone."""

    text: str
    real_name: bool = False
    name: str = ""


class PhotoFileOut(Schema):
    """A stored photo as the API lists it: its id, type, size and the URL that serves it to whoever may see it."""

    id: int
    content_type: str
    size: int
    url: str


class OrgOut(Schema):
    id: int
    name: str
    parent_id: int | None
    org_type: str
    sector: str
    is_active: bool
    depth: int
    member_count: int


class OrgTreeOut(OrgOut):
    subtree_members: int
    subtree_orgs: int


class OrgDetailOut(OrgTreeOut):
    # sector guidance (条块结合): the guiding bodies (指导单位) of the organisation's sector line
    guide_names: list[str] = []


class OrgIn(Schema):
    parent_id: int
    name: str
    org_type: str
    sector: str


class OrgPatch(Schema):
    name: str | None = None
    org_type: str | None = None
    sector: str | None = None


class MoveIn(Schema):
    new_parent_id: int


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth_date: datetime.date | None
    joined_on: datetime.date | None
    post: str
    organisation_id: int
    organisation_name: str
    phone: str
    id_number: str
    is_active: bool


class MemberIn(Schema):
    name: str
    gender: str
    ethnicity: str = "汉族"
    birth_date: datetime.date | None = None
    joined_on: datetime.date | None = None
    post: str = ""
    organisation_id: int
    phone: str = ""
    id_number: str


class GrantOut(Schema):
    id: int
    user_id: int
    username: str
    role: str
    organisation_id: int
    organisation_name: str
    created_at: datetime.datetime
    # sector guidance (条块结合): the sector covered inside the subtree ("" for all) and the guiding body
    sector: str = ""
    guide_id: int | None = None
    guide_name: str = ""


class GrantIn(Schema):
    username: str
    role: str
    organisation_id: int
    sector: str = ""
    guide_id: int | None = None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[str]
    capabilities: list[str]
    member_id: int | None


class AuditFilter(Schema):
    """The audit log's query parameters, as `core.selectors.audit_list_for` takes them."""

    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class AuditOut(Schema):
    id: int
    created_at: datetime.datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    ip_address: str | None
