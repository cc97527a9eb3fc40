"""The notification settings form: one check box per kind and channel."""

from django import forms

from pacesetter.core.forms import BootstrapMixin

from .kinds import Channel
from .models import TextMessage


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, label, channels in rows:
            cells = []
            for channel, channel_label in Channel.choices:
                name = field_name(kind, channel)
                self.fields[name] = forms.BooleanField(
                    label=f"{label} · {channel_label}", required=False, initial=channels[channel]
                )
                cells.append(name)
            self.rows.append((label, [self[n] for n in cells]))
        self._keys = [(k, c) for k, _label, _ch in rows for c in Channel.values]

    def choices(self) -> dict[tuple[str, str], bool]:
        return {(k, c): bool(self.cleaned_data.get(field_name(k, c))) for k, c in self._keys}


class MarkReadForm(forms.Form):
    """Which notice to mark read: `id` empty means every unread one; anything else must be a notice id."""

    id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class TextSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(required=False, max_length=20)
    status = forms.ChoiceField(required=False, choices=[("", "—"), *TextMessage.Status.choices])
