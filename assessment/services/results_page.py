"""The results page's body, drawn once for each state of the assessment and kept in the cache.

Scoring, comparing and drawing every theme's questions, the action plan and the charts is almost all of the
results page's time, and the page is read far more often than the assessment changes: by leads and chief
officers, and by officers checking after each theme. So the body (everything below the heading) is kept in
the cache under a key that moves with everything it shows (`results_version`), with what the person may do
there, and with the code that draws it; the header, which names the person, is drawn on every request.

The cache is Redis where one is set, shared by every app server. A cache that cannot be reached is treated as
empty: the page is drawn as if it were the first view, never an error.
"""

import logging
import zlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from assessment.models import Assessment
from assessment.selectors import assessment_structure
from assessment.services import code_version
from assessment.services.reports import results_build, results_version

logger = logging.getLogger(__name__)

# A day at most: anything the version does not capture (a person's name in "signed off by", a change made with a
# bulk update that skips `updated_at`) is right again the next day.
KEPT_SECONDS = 24 * 60 * 60
TEMPLATE = "assessment/results/_body.html"


class PageBody:
    """A kept body as the page's template reads it (`{{ body }}`), let go as soon as the page is drawn (`release`).

    Django's template Context and its ContextDicts refer to each other, so what a page's context holds is freed
    only by the garbage collector, not when the response is sent. A kept body is a quarter of a megabyte of text
    and serving it makes few objects, so collections (config/memory.py) come seldom: a worker serving kept
    results pages held a thousand of them, 240 MB, before this."""

    def __init__(self, html: SafeString):
        self._html = html

    def __html__(self) -> SafeString:
        return self._html

    def __str__(self) -> str:
        return self._html

    def release(self) -> None:
        self._html = SafeString()


def results_page_body(*, assessment: Assessment, can_manage_actions: bool, can_set_targets: bool) -> SafeString:
    """The results page below its heading, for someone who may (or may not) take on actions and set targets."""
    version = results_version(assessment)
    key = ":".join(
        (
            "results-page",
            code_version.code_digest(),
            version.key,
            "actions" if can_manage_actions else "",
            "targets" if can_set_targets else "",
        )
    )
    try:
        kept = cache.get(key)
    except Exception as error:  # each cache backend raises its own connection errors
        logger.warning("Cache unavailable: drawing the results page afresh (%s)", error)
        cache_reached = False
        kept = None
    else:
        cache_reached = True
    if kept is not None:
        # What this function drew from the template (escaped there), as it stored it: nothing else writes this key,
        # as with Django's own {% cache %} fragments.
        return mark_safe(zlib.decompress(kept).decode())  # noqa: S308
    results = results_build(structure=assessment_structure(assessment=assessment, with_detail=True))
    body: SafeString = render_to_string(
        TEMPLATE,
        {
            "assessment": assessment,
            "results": results,
            "can_set_targets": can_set_targets,
            "actions_url": reverse("assessment_actions", kwargs={"pk": assessment.pk}) if can_manage_actions else "",
        },
    )
    # Kept only if the assessment the page was drawn from is still the one the key describes: a submission or a
    # change to the council between reading the assessment and reading the key would otherwise be kept under the
    # new key, drawn from the old state. (A cache that did not answer is not tried again for every page.)
    if cache_reached and version.matches(assessment):
        try:
            # Compressed (a sixth of the size, in about a millisecond): a council's page is a quarter of a megabyte.
            cache.set(key, zlib.compress(body.encode(), 1), KEPT_SECONDS)
        except Exception as error:
            logger.warning("Cache unavailable: the results page is not kept (%s)", error)
    return body
