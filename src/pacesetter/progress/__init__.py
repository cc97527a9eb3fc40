"""The progress read model: per-step counts of a subtree for the dashboard, the API and the documents that quote it."""
