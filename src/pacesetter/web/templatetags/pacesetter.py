from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def may(request, url_name: str) -> bool:
    """`{% if request|may:"supervision:draw-create" %}`: the button shows only when the access policy that
    guards the URL lets this user reach it (the same `rule_for` / `is_allowed` PolicyMiddleware applies).

    The rule checked is the one for GET, or for POST when the route only takes POST; scope (which objects)
    stays the view's and selectors' business.
    """
    from pacesetter.policy import POLICY, PUBLIC, is_allowed, rule_for

    rule = rule_for(url_name, "GET")
    if rule is None and isinstance(POLICY.get(url_name), dict):
        rule = rule_for(url_name, "POST")
    user = getattr(request, "user", None)
    return is_allowed(user, rule) if user is not None else rule == PUBLIC
