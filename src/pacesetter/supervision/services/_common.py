"""Writes for leader reviews (领导点评) and supervision (督促检查): common."""

from functools import partial

from django.contrib.auth import get_user_model

from pacesetter.core.text import clean_text

User = get_user_model()
TEXT_MAX = 5000
MAX_WORKING_DAYS = 120


_text = partial(clean_text, limit=TEXT_MAX)
