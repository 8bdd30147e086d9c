"""Which code draws the results page and the report, so that what is kept beyond one process (a results page in
the shared cache, a report file in the database) is drawn again after a deploy that changes how it looks or
what it says, without anyone remembering to bump a number."""

import functools
import hashlib

import django
from django.conf import settings

# What draws a page or a report: the templates, the code (scoring, wording, ranking), the settings, and the
# report's stylesheet. The built web stylesheet is not here: the kept page body holds no styles.
DRAWN_BY = (("templates", (".html", ".svg")), ("assessment", (".py",)), ("config", (".py",)), ("static/css", (".css",)))


@functools.cache
def code_digest() -> str:
    """A short digest of every file that draws results and reports, and Django's version. Read once a process."""
    digest = hashlib.sha256(django.get_version().encode())
    for folder, suffixes in DRAWN_BY:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in suffixes:
                digest.update(path.relative_to(settings.BASE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
