"""The one router of this package; each topic module adds its routes to it."""

from ninja import Router

router = Router(tags=["活动 campaigns"])
