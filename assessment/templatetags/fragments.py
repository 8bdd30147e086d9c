"""`{% rendered_once owner "name" key… %}…{% end_rendered_once %}`: render the enclosed template once for each
owner and key, and reuse the HTML after that.

The owner is a bank object such as a Question. A published version's objects are kept in memory for the life of
the process (`selectors.bank_content`) and never change, so their HTML need not be built again on every page:
the theme page's level descriptors and sources are most of its rendering time. A draft's objects are read afresh
for each request, so their fragments go with them and an editor's change shows at once.

What is inside the tag may depend only on the owner and the keys: anything else (an answer, an error, the
person) must stay outside it, or one person's page would show another's. Keys must come from a small set (a
level, a number, a date), never straight from what someone typed; and an owner keeps at most
FRAGMENTS_PER_OWNER of them, starting afresh when it would hold more, so memory stays bounded whatever comes.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

FRAGMENTS_PER_OWNER = 32  # a question has about ten at once: its heading, sources, seven radio choices, a form


class RenderedOnceNode(template.Node):
    def __init__(self, owner: template.base.FilterExpression, keys: list, nodelist: template.NodeList):
        self.owner = owner
        self.keys = keys
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        owner = self.owner.resolve(context)
        key = tuple(k.resolve(context) for k in self.keys)
        rendered = owner.__dict__.setdefault("_rendered_fragments", {})
        html = rendered.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered, so escaped)
            if len(rendered) >= FRAGMENTS_PER_OWNER:
                rendered.clear()  # yesterday's forms and the like; the ones in use are built again
            rendered[key] = html
        return html


@register.tag
def rendered_once(parser: template.base.Parser, token: template.base.Token) -> RenderedOnceNode:
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("rendered_once needs an owner and a fragment name")
    nodelist = parser.parse(("end_rendered_once",))
    parser.delete_first_token()
    return RenderedOnceNode(parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]], nodelist)
