"""The static files storage: WhiteNoise's hashed names and compressed copies, without source maps."""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed file names (cached for a year), gzip and Brotli copies, written by collectstatic.

    The vendored Bootstrap files end in `sourceMappingURL` comments, but their maps are not shipped (they are
    for debugging Bootstrap itself): those comments are left as they are instead of failing the collect.
    """

    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in (p if isinstance(p, str) else p[0])))
        for glob, rules in HashedFilesMixin.patterns
    )
