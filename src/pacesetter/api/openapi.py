"""The API object: a JSON body must be an object, and the OpenAPI document lists the error answers each
operation can really give.

Routes declare only their success bodies; the refusals come from a few shared places (the access policy,
the token check, the typed errors, input validation, the ballot rate limit), so they are documented here
once, from what each operation has (a sign-in, parameters, a body, a write method), instead of on 120
decorators that would drift. Every refusal is sent as the `Error` body.
"""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from .schemas import Error

# Put `openapi_extra=RATE_LIMITED` on a route whose service may raise RateLimitedError (429).
RATE_LIMITED = {"x-pacesetter-rate-limited": True}
_RATE_LIMITED_KEY = next(iter(RATE_LIMITED))

_WRITE_METHODS = {"post", "put", "patch", "delete"}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def documented_errors(operation: dict, method: str) -> dict[int, str]:
    """The refusals an operation can send, as {status: description}."""
    signed_in = bool(operation.get("security"))
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    errors = {}
    if signed_in:
        errors[401] = str(_("未登录，或 API 令牌无效、已撤销"))
        errors[403] = str(_("无权执行此操作"))
    else:
        # A public operation needs no token, but one that is sent is checked (TokenAuthenticationMiddleware).
        errors[401] = str(_("API 令牌无效或已撤销"))
    if takes_input:
        errors[404] = str(_("对象不存在，或您无权查看"))
    if method in _WRITE_METHODS:
        errors[409] = str(_("对象当前的状态不允许此操作"))
    # Any request can be refused as invalid: the NUL guard looks at every query string.
    errors[422] = str(_("输入无效；field 指出是哪一项"))
    # Any request that carries a token can be refused for the address's recent bad tokens (core.lockouts);
    # rate-limited services refuse too many attempts of their own.
    if operation.pop(_RATE_LIMITED_KEY, False):
        errors[429] = str(_("尝试过于频繁，请稍后再试"))
    else:
        errors[429] = str(_("来自该地址的无效 API 令牌过多，暂停受理"))
    return errors


class BodyNotAnObjectError(ValueError):
    pass


class ObjectBodyParser(Parser):
    """Every JSON body of this API is an object. django-ninja reads a body schema's fields with getattr, so
    `false`, `[null]` or `"text"` passed as a schema whose fields all have defaults (every PATCH) and the
    request succeeded doing nothing; refused here, for every route at once."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyNotAnObjectError(type(data).__name__)
        return data


def unreadable_body(exc: HttpError) -> dict:
    """django-ninja's 400 for a body it could not parse, as our 422 `Error` body."""
    if isinstance(exc.__cause__, BodyNotAnObjectError):
        message = _("请求体应为 JSON 对象（{…}）")
    else:
        message = _("请求体不是有效的 JSON")
    return {"code": "validation_error", "message": str(message), "field": "body"}


class PacesetterAPI(NinjaAPI):
    def __init__(self, **kwargs):
        kwargs.setdefault("parser", ObjectBodyParser())
        super().__init__(**kwargs)

    def get_openapi_operation_id(self, operation) -> str:
        """`pacesetter_api_<router>_<function>`: the router's module, or its package when it is split by topic
        (api/evaluations/ballots.py still answers to pacesetter_api_evaluations_…), so ids outlive a split."""
        module = ".".join(operation.view_func.__module__.split(".")[:3])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("Error", Error.model_json_schema(ref_template="#/components/schemas/{model}"))
        for path_item in schema["paths"].values():
            for method, operation in path_item.items():
                responses = operation.setdefault("responses", {})
                for status, description in documented_errors(operation, method).items():
                    declared = responses.get(status, responses.get(str(status)))
                    if declared is None:
                        content = {"application/json": {"schema": _ERROR_REF}}
                        responses[status] = {"description": description, "content": content}
                    elif "content" in declared:
                        # The route's own body for this status (a report), or a refusal from the shared places.
                        body = declared["content"]["application/json"]
                        body["schema"] = {"anyOf": [body["schema"], _ERROR_REF]}
        return schema


# pydantic's error types a person meets most, said in Chinese; any other keeps pydantic's English text.
_REASONS = {
    "missing": _("必须提供"),
    "greater_than_equal": _("不能小于 %(ge)s"),
    "less_than_equal": _("不能大于 %(le)s"),
    "greater_than": _("必须大于 %(gt)s"),
    "less_than": _("必须小于 %(lt)s"),
    "int_parsing": _("应为整数"),
    "int_type": _("应为整数"),
    "bool_parsing": _("应为 true 或 false"),
    "string_type": _("应为文本"),
    "dict_type": _("应为 JSON 对象"),
    "list_type": _("应为列表"),
    "too_long": _("最多 %(max_length)s 项"),
    "literal_error": _("应为 %(expected)s 之一"),
    "int_from_float": _("应为整数"),
    "date_from_datetime_parsing": _("应为日期（YYYY-MM-DD）"),
    "date_parsing": _("应为日期（YYYY-MM-DD）"),
    "datetime_parsing": _("应为时间（ISO 8601）"),
    "datetime_from_date_parsing": _("应为时间（ISO 8601）"),
}


def _reason(error: dict) -> str:
    template = _REASONS.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return str(template) % error.get("ctx", {})
    except (KeyError, TypeError):
        return str(error.get("msg", ""))


def validation_error_body(exc: NinjaValidationError) -> dict:
    """Input that does not fit the declared types, as the `Error` body naming the first wrong parameter."""
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", ())]
    # ("query", "limit") → "limit"; ("body", "payload", "answers", "3") → "answers.3"; ("body", "payload") → "body"
    names = [part for part in loc[1:] if part != "payload"]
    field = ".".join(names) if names else (loc[0] if loc else "body")
    return {
        "code": "validation_error",
        "message": str(_("“%(field)s”无效：%(reason)s")) % {"field": field, "reason": _reason(first)},
        "field": field,
        "details": [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors
        ],
    }
