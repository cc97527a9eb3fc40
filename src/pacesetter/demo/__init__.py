"""The demo city: organisations, people, a running campaign and cases in every state, built from the speeches.

Each app adds a builder module here (`ensure_<what>(…)` idempotent, `remove_<what>()` for --reset) and one
call in `web/management/commands/demo.py`.
"""
