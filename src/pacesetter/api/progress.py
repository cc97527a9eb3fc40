"""The progress dashboard's figures as JSON (the same selectors as the page)."""

from django.http import HttpRequest
from ninja import Router, Schema

from pacesetter.progress import selectors as p

router = Router(tags=["活动进度 progress"])


class CellOut(Schema):
    done: int
    in_progress: int
    overdue: int
    not_started: int
    total: int
    percent: int


class RowOut(Schema):
    key: str
    label: str
    org_id: int | None
    cells: dict[str, CellOut]


class CampaignProgressOut(Schema):
    campaign_id: int
    org_id: int
    org_name: str
    sector: str = ""  # a sector line (条块结合): every figure counts that sector's organisations only
    totals: dict[str, CellOut]
    children: list[RowOut]
    sectors: list[RowOut]


def _row(row: p.Row) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "org_id": row.org.pk if row.org else None,
        "cells": {k: _cell(c) for k, c in row.cells.items()},
    }


def _cell(c: p.Cell) -> dict:
    return {
        "done": c.done,
        "in_progress": c.in_progress,
        "overdue": c.overdue,
        "not_started": c.not_started,
        "total": c.total,
        "percent": c.percent,
    }


@router.get("/progress", response=CampaignProgressOut, url_name="progress")
def progress(
    request: HttpRequest, campaign_id: int | None = None, org_id: int | None = None, sector: str = ""
):
    _campaigns, campaign, org, line = p.progress_line_scope(request.user, campaign_id, org_id, sector)
    if campaign is None:
        from pacesetter.core.errors import NotFoundError

        raise NotFoundError("您的范围内没有进行中的活动")
    children, sectors = p.progress_data(campaign=campaign, org=org, sector=line)
    return {
        "campaign_id": campaign.pk,
        "org_id": org.pk,
        "org_name": org.name,
        "sector": line,
        "totals": {k: _cell(c) for k, c in p.totals(children).items()},
        "children": [_row(r) for r in children],
        "sectors": [_row(r) for r in sectors],
    }
