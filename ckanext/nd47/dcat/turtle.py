"""A fast Turtle writer for the catalogue's graphs.

rdflib's Turtle serializer spends most of a catalogue page's time looking
up prefixed names term by term (``compute_qname``, about 70 µs a triple on
the benchmark machine). This writer groups the triples by subject and
shortens a URI only when it is a namespace of the given table followed by
a plain local name, at a few µs a triple. Terms are written by rdflib
itself (``n3()``), so escaping is rdflib's; blank nodes keep their labels
(``_:N…``), which are unique per process, so separately written parts of
one document (the streamed export) never share a label by accident.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Iterator, Mapping
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

__all__ = ["Prefixes", "prefixes_of", "header", "term", "statements",
           "dumps"]

# a conservative subset of Turtle's PN_LOCAL: anything else is written whole
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# characters Turtle does not allow inside <…> (IRIREF)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')

Prefixes = Mapping[str, str]  # namespace URI → prefix


def prefixes_of(graph: Graph) -> dict[str, str]:
    """The namespaces bound in ``graph`` (namespace → prefix)."""
    return {str(namespace): prefix for prefix, namespace in
            graph.namespaces() if prefix}


def header(prefixes: Prefixes) -> str:
    return "".join(f"@prefix {prefix}: <{namespace}> .\n"
                   for namespace, prefix in sorted(
                       prefixes.items(), key=lambda item: item[1]))


def _uri(uri: str, prefixes: Prefixes, used: set[str] | None) -> str:
    cut = max(uri.rfind("#"), uri.rfind("/")) + 1
    if cut:
        namespace = uri[:cut]
        prefix = prefixes.get(namespace)
        local = uri[cut:]
        if prefix is not None and _LOCAL.match(local):
            if used is not None:
                used.add(namespace)
            return f"{prefix}:{local}"
    if _IRI_FORBIDDEN.search(uri):
        # rdflib refuses to write these at all; percent-encoding keeps the
        # document readable
        uri = quote(uri, safe="/:?#[]@!$&'()*+,;=%~-._")
    return f"<{uri}>"


def term(node: Node, prefixes: Prefixes, used: set[str] | None = None
         ) -> str:
    """One term in Turtle; ``used`` collects the namespaces shortened."""
    if isinstance(node, URIRef):
        return _uri(str(node), prefixes, used)
    if isinstance(node, Literal) and node.datatype is not None:
        # the datatype shortened as well (xsd:date rather than <…#date>)
        lexical = Literal(str(node)).n3()
        return f"{lexical}^^{_uri(str(node.datatype), prefixes, used)}"
    return node.n3()


def statements(triples: Iterable[tuple[Node, Node, Node]],
               prefixes: Prefixes, used: set[str] | None = None
               ) -> Iterator[str]:
    """One Turtle statement per subject (subjects in a stable order,
    ``rdf:type`` first), each ending with a newline; ``used`` collects the
    namespaces shortened."""
    by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(
        lambda: defaultdict(list))
    for s, p, o in triples:
        by_subject[s][p].append(o)
    for subject in sorted(by_subject, key=lambda s: (
            not isinstance(s, URIRef), str(s))):
        predicates = by_subject[subject]
        lines = []
        for predicate in sorted(predicates, key=lambda p: (
                p != RDF.type, str(p))):
            objects = ", ".join(sorted(
                term(o, prefixes, used) for o in predicates[predicate]))
            verb = "a" if predicate == RDF.type else term(predicate,
                                                          prefixes, used)
            lines.append(f"{verb} {objects}")
        yield f"{term(subject, prefixes, used)} " \
            + " ;\n    ".join(lines) + " .\n"


def dumps(graph: Graph, prefixes: Prefixes | None = None) -> str:
    """A whole graph as one Turtle document, declaring the prefixes it
    uses."""
    table = prefixes_of(graph) if prefixes is None else prefixes
    used: set[str] = set()
    body = "".join(statements(graph, table, used))
    return header({ns: table[ns] for ns in used}) + "\n" + body
