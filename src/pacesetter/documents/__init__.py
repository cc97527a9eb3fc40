"""Word, Excel and QR building blocks shared by every app (GB/T 9704 page layout for official documents)."""
