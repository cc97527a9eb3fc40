"""What the supervision endpoints share: the list limit, text input, and form fields that also read JSON."""

from ninja import Schema
from ninja.errors import HttpError
from ninja.params.models import Form, FormModel

LIMIT = 200


class _FormOrJsonModel(FormModel):
    """Form fields read from a multipart body, or from a JSON object when the request is JSON: an endpoint
    that takes text (JSON) can also take files (multipart) without breaking its JSON clients."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type == "application/json":
            try:
                data = api.parser.parse_body(request) if request.body else {}
            except Exception as exc:
                raise HttpError(400, "Cannot parse request body") from exc
            return data if isinstance(data, dict) else {}
        return super().get_request_data(request, api, path_params)


class FormOrJson(Form):
    _model = _FormOrJsonModel

    @classmethod
    def _param_source(cls) -> str:
        return "form"  # documented as a form field (multipart together with File)


class TextIn(Schema):
    text: str
