"""Excel (.xlsx) import and export of the organisation tree and the member roster (党员花名册).

An upload becomes an ImportBatch: the sheet is parsed and checked against the database (inline, or by
the worker for large files), the preview shows what would be created, updated, left unchanged or
rejected; confirmation re-checks against the current database and applies everything in one
transaction with bulk writes; the most recent confirmed batch can be rolled back while nothing it
created has been used since.

The package follows the work: `columns` (headings and cell helpers) → `parse` (reading a workbook) →
`plan` (matching rows against the database) → `apply` (the services) → `workbooks` (files out, reads).
"""

from .apply import (
    import_batch_can_rollback,
    import_batch_confirm,
    import_batch_create,
    import_batch_rollback,
    import_batch_validate,
    member_counts_refresh,
)
from .columns import XLSX_CONTENT_TYPE, error_text
from .workbooks import (
    export_filename,
    export_members_xlsx,
    export_orgs_xlsx,
    import_batch_recent_for,
    import_errors_xlsx,
    import_report,
    import_template_xlsx,
)

__all__ = [
    "XLSX_CONTENT_TYPE",
    "error_text",
    "export_filename",
    "export_members_xlsx",
    "export_orgs_xlsx",
    "import_batch_can_rollback",
    "import_batch_confirm",
    "import_batch_create",
    "import_batch_recent_for",
    "import_batch_rollback",
    "import_batch_validate",
    "import_errors_xlsx",
    "import_report",
    "import_template_xlsx",
    "member_counts_refresh",
]
