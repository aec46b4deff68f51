"""The BeautifulSoup tree of an HTML page, built by lxml with less per-element overhead.

BeautifulSoup's lxml builder spends a third of its time in namespace bookkeeping that HTML never needs
(lxml's HTML parser reports no namespaces): it rebuilds every attribute dict twice and looks up prefixes for
every start and end tag. :class:`HtmlTreeBuilder` is that builder with the bookkeeping skipped while no
namespace is in play; the tree is the same, element for element (``tests/parse/test_soup.py``), and any
namespaced tag falls back to the standard code.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder


class HtmlTreeBuilder(LXMLTreeBuilder):
    """``BeautifulSoup(markup, "lxml")``'s builder, minus namespace handling for plain HTML elements."""

    def start(self, tag: Any, attrib: Any, nsmap: Any = None) -> None:  # noqa: D102 - lxml parser target
        if nsmap or len(self.nsmaps) > 1 or tag[:1] == "{":
            return super().start(tag, attrib, nsmap or {})
        self.soup.handle_starttag(tag, None, None, self.attribute_dict_class(attrib),
                                  namespaces=self.active_namespace_prefixes[-1])
        return None

    def end(self, tag: Any) -> None:  # noqa: D102 - lxml parser target
        if len(self.nsmaps) > 1 or tag[:1] == "{":
            return super().end(tag)
        self.soup.endData()
        self.soup.handle_endtag(tag, None)
        return None


def make_soup(markup: str | bytes) -> BeautifulSoup:
    """The BeautifulSoup (lxml) tree of a page, as ``BeautifulSoup(markup, "lxml")`` builds it."""
    return BeautifulSoup(markup, builder=HtmlTreeBuilder())


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a page's tree is built and read.

    A BeautifulSoup tree is tens of thousands of objects linked both ways (parent/children); while it grows,
    the collector runs again and again over it (and over the caller's whole heap) for nothing: ~10 % of
    the parse. Once the parse is done the tree is garbage, and the next collection frees it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
