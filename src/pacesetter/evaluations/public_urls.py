"""Public pages under /e/: ballots opened by code (the QR on a slip), receipts, published results."""

from django.urls import path

from . import public_views

app_name = "ballots"
urlpatterns = [
    path("", public_views.entry, name="entry"),
    path("check/", public_views.receipt_check, name="receipt-check"),
    path("results/", public_views.round_list, name="round-list"),
    path("results/<int:pk>/", public_views.round_results, name="round-results"),
    path("results/<int:pk>/ballots.jsonl", public_views.ballot_file, name="ballot-file"),
    # The code is passed as `pk` (a string) so the permission walk in tests can fill the pattern.
    path("<str:pk>/", public_views.ballot, name="ballot"),
]
