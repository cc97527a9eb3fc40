"""Masking of personal data (身份证号, 电话) for display, exports, logs and audit diffs — and the one way
to show a value in clear: `pii_reveal`, which writes an audit row each time.

身份证号 is masked by default everywhere (pages, Excel exports); a person whose role carries the
personal-data capability (Cap.PERSON_PII) reveals one field of one member at a time, or asks for an
export in clear, and each of those is audited (action "pii.reveal" / "pii.export").
"""

PII_FIELDS = frozenset({"id_number", "phone"})


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return value[:2] + "*" * (len(value) - 2)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_value(field: str, value):
    if value is None:
        return None
    if field == "id_number":
        return mask_id_number(value)
    if field == "phone":
        return mask_phone(value)
    return value


def pii_reveal(*, actor, obj, field: str, value: str, scope_path: str = "") -> str:
    """Return `value` (the clear `field` of `obj`) and record that `actor` looked at it.

    The caller has checked that the actor may (orgs.services.member_reveal_pii does); the audit row names
    the field, never the value.
    """
    from .audit import audit_log  # audit imports this module for its masks

    audit_log(actor=actor, action="pii.reveal", obj=obj, extra={"field": field}, scope_path=scope_path)
    return value


def pii_export_audit(*, actor, what: str, scope_path: str = "", count: int | None = None) -> None:
    """Record an export with personal data in clear (the roster's 身份证号)."""
    from .audit import audit_log

    audit_log(
        actor=actor,
        action="pii.export",
        object_type="export",
        object_repr=what,
        extra={"what": what, **({"rows": count} if count is not None else {})},
        scope_path=scope_path,
    )
