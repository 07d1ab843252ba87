"""Extract, PDF route: a page's objects as pdfplumber's dicts, built in one plain pass.

pdfplumber turns every pdfminer layout object (a character, a rule) into a dict in
``Page.process_object``, resolving each attribute recursively in case it is a reference into the
PDF. On these documents that pass took about a third of pdfplumber's time on a page — as much as
everything the pipeline does after it — although a character's and a rule's attributes are plain
numbers and strings. ``page_objects`` builds the same dicts directly and hands any object with an
attribute that is not plain to pdfplumber's own ``process_object``, so the result is pdfplumber's
whatever the PDF holds (``tests/test_pdf_objects.py`` compares the two on every page of the
committed PDFs). ``read_objects`` gives a page these objects before pdfplumber computes its own;
table finding and text extraction stay pdfplumber's.
"""

from __future__ import annotations

import re
from typing import Any
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar, LTComponent, LTContainer, LTCurve, LTTextContainer
from pdfplumber.page import ALL_ATTRS, Page
from pdfplumber.utils import resolve_and_decode

_LT_PREFIX = re.compile(r"^LT")
_SCALARS = frozenset({int, float, str, bool, type(None)})

Objects = dict[str, list[dict[str, Any]]]


def _is_plain(value: Any) -> bool:
    """A value pdfplumber's ``resolve_all`` would return unchanged (or as an equal copy): a
    number, string or None, or a tuple or list of those or of tuples of those (a matrix, the
    points of a path)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is tuple or kind is list:
        return all(type(v) in _SCALARS or (type(v) is tuple and _is_plain(v)) for v in value)
    return False


class _PageObjects:
    """The conversion of one page's layout objects, with what is the same for all of them."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.page_number = page.page_number
        self.height = page.height
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.doctop = page.initial_doctop
        self.unicode_norm = page.pdf.unicode_norm
        self.kinds: dict[type, str] = {}
        self.color_spaces: dict[str, Any] = {}
        self.keys: dict[type, tuple[set[str], tuple[str, ...]]] = {}

    def kind(self, obj: LTComponent) -> str:
        cls = type(obj)
        kind = self.kinds.get(cls)
        if kind is None:
            kind = self.kinds[cls] = _LT_PREFIX.sub("", cls.__name__).lower()
        return kind

    def attribute_keys(self, obj: LTComponent) -> tuple[str, ...]:
        """The object's attributes pdfplumber keeps, in their order (the same for every object
        of a class whose attributes are the same)."""
        names = obj.__dict__.keys()
        known = self.keys.get(type(obj))
        if known is None or known[0] != names:
            known = self.keys[type(obj)] = (set(names), tuple(k for k in names if k in ALL_ATTRS))
        return known[1]

    def convert(self, obj: LTComponent, kind: str) -> dict[str, Any]:
        """``Page.process_object(obj)``, without resolving attributes that are plain."""
        fields = obj.__dict__
        keys = self.attribute_keys(obj)
        attr: dict[str, Any] = {}
        for key in keys:
            value = fields[key]
            if type(value) not in _SCALARS:
                if not _is_plain(value):
                    return dict(self.page.process_object(obj))
                if type(value) is list:
                    value = list(value)
            attr[key] = value
        attr["object_type"] = kind
        attr["page_number"] = self.page_number
        for cs in ("ncs", "scs"):
            if hasattr(obj, cs):
                name = getattr(obj, cs).name
                if not isinstance(name, str):
                    return dict(self.page.process_object(obj))
                if name not in self.color_spaces:
                    self.color_spaces[name] = resolve_and_decode(name)
                attr[cs] = self.color_spaces[name]
        if isinstance(obj, (LTChar, LTTextContainer)):
            text = obj.get_text()
            attr["text"] = (normalize_unicode(self.unicode_norm, text)
                            if self.unicode_norm is not None else text)
        if isinstance(obj, LTChar):
            state = obj.graphicstate
            attr["stroking_color"] = (state.scolor if isinstance(state.scolor, tuple)
                                      else (state.scolor,))
            attr["non_stroking_color"] = (state.ncolor if isinstance(state.ncolor, tuple)
                                          else (state.ncolor,))
            # (A font name given as bytes is not plain: pdfplumber's own pass took that char.)
        elif isinstance(obj, LTCurve):
            if obj.original_path is None:  # pdfplumber's own pass fails on it as it would
                return dict(self.page.process_object(obj))
            to_page = self.page.point2coord
            attr["pts"] = list(map(to_page, attr["pts"]))
            # A segment is (operator, point, ...), not the (operator, x, y) pdfminer's type
            # declares (pdfplumber ignores the same type error here).
            attr["path"] = [(cmd, *map(to_page, pts))  # type: ignore[arg-type]
                            for cmd, *pts in obj.original_path]
            attr["dash"] = obj.dashing_style
        if "y0" in attr:
            attr["top"] = (self.height - attr["y1"]) + self.mb_top
            attr["bottom"] = (self.height - attr["y0"]) + self.mb_top
            attr["doctop"] = self.doctop + attr["top"]
        if "x0" in attr and self.mb_x0 != 0:
            attr["x0"] = attr["x0"] + self.mb_x0
            attr["x1"] = attr["x1"] + self.mb_x0
        return attr


def page_objects(page: Page) -> Objects:
    """``page.parse_objects()``: the page's objects by kind, in pdfminer's order."""
    conversion = _PageObjects(page)
    with_containers = page.pdf.laparams is not None
    objects: Objects = {}

    def visit(items: list[LTComponent]) -> None:
        for obj in items:
            if isinstance(obj, LTContainer):
                if with_containers:
                    add(obj)
                visit(obj._objs)
            else:
                add(obj)

    def add(obj: LTComponent) -> None:
        kind = conversion.kind(obj)
        if kind != "anno":
            objects.setdefault(kind, []).append(conversion.convert(obj, kind))

    visit(page.layout._objs)
    return objects


def read_objects(page: Page) -> None:
    """Give ``page`` its objects (pdfplumber then uses them wherever it would have built its
    own); ``page.close()`` drops them with the rest of the page's cache."""
    page._objects = page_objects(page)
