"""A fast RDF/XML writer for the catalogue pages, the counterpart of
``turtle.py``.

rdflib's RDF/XML serializers look up a prefixed name for every term;
this writer groups the triples by subject into ``rdf:Description``
elements and declares each predicate's namespace once on the root
element. A graph it cannot write (a predicate without an XML name, a
character XML 1.0 forbids) is left to rdflib (``None``).
"""
from __future__ import annotations

import re
from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

__all__ = ["dumps"]

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Unwritable(Exception):
    pass


def _split(predicate: str) -> tuple[str, str]:
    cut = max(predicate.rfind("#"), predicate.rfind("/")) + 1
    namespace, local = predicate[:cut], predicate[cut:]
    if not cut or not _NCNAME.match(local):
        raise _Unwritable(predicate)
    return namespace, local


def _text(value: str) -> str:
    if _XML_FORBIDDEN.search(value):
        raise _Unwritable(value)
    return value


def dumps(graph: Graph) -> str | None:
    """The graph as an RDF/XML document, or None when it holds something
    this writer cannot express."""
    try:
        return _dumps(graph)
    except _Unwritable:
        return None


def _dumps(graph: Graph) -> str:
    bound = {str(ns): prefix for prefix, ns in graph.namespaces() if prefix}
    names: dict[str, str] = {str(RDF): "rdf"}
    by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in graph:
        by_subject[s].append((p, o))
    body = []
    for subject in sorted(by_subject, key=lambda s: (
            not isinstance(s, URIRef), str(s))):
        if isinstance(subject, BNode):
            about = f"rdf:nodeID={quoteattr(_node_id(subject))}"
        else:
            about = f"rdf:about={quoteattr(_text(str(subject)))}"
        lines = [f"  <rdf:Description {about}>"]
        for predicate, obj in sorted(by_subject[subject], key=lambda po: (
                po[0] != RDF.type, str(po[0]), str(po[1]))):
            namespace, local = _split(str(predicate))
            prefix = names.get(namespace)
            if prefix is None:
                prefix = bound.get(namespace)
                if prefix is None or prefix in names.values() \
                        or not _NCNAME.match(prefix):
                    prefix = f"ns{len(names)}"
                names[namespace] = prefix
            tag = f"{prefix}:{local}"
            if isinstance(obj, URIRef):
                lines.append(f"    <{tag} rdf:resource="
                             f"{quoteattr(_text(str(obj)))}/>")
            elif isinstance(obj, BNode):
                lines.append(f"    <{tag} rdf:nodeID="
                             f"{quoteattr(_node_id(obj))}/>")
            elif isinstance(obj, Literal):
                attribute = ""
                if obj.language:
                    attribute = f" xml:lang={quoteattr(obj.language)}"
                elif obj.datatype is not None:
                    attribute = (" rdf:datatype="
                                 f"{quoteattr(_text(str(obj.datatype)))}")
                # a carriage return as such would be read back as a newline
                text = escape(_text(str(obj)), {"\r": "&#13;"})
                lines.append(f"    <{tag}{attribute}>{text}</{tag}>")
        lines.append("  </rdf:Description>")
        body.append("\n".join(lines))
    declarations = "".join(
        f"\n   xmlns:{prefix}={quoteattr(namespace)}"
        for namespace, prefix in sorted(names.items(), key=lambda i: i[1]))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f"<rdf:RDF{declarations}>\n" + "\n".join(body)
            + "\n</rdf:RDF>\n")


def _node_id(node: BNode) -> str:
    label = str(node)
    if not _NCNAME.match(label):
        raise _Unwritable(label)
    return label
