"""The catalogue's own Turtle and RDF/XML writers: whatever the graph
holds, rdflib reads back exactly the same graph."""
from __future__ import annotations

import re

import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from ckanext.nd47.dcat import rdfxml, turtle

EX = rdflib.Namespace("https://du-lieu.example.vn/ns#")

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_literals = st.one_of(
    _text.map(Literal),
    st.tuples(_text, st.sampled_from(["vi", "en", "vi-VN"])).map(
        lambda t: Literal(t[0], lang=t[1])),
    st.integers().map(Literal),
    st.dates().map(lambda d: Literal(d.isoformat(), datatype=XSD.date)),
    st.booleans().map(Literal),
    st.decimals(allow_nan=False, allow_infinity=False).map(Literal),
)
_uris = st.one_of(
    st.sampled_from([EX.a, EX["b-c_d"], DCAT.Dataset, DCTERMS.title,
                     URIRef("https://du-lieu.example.vn/ns#1x"),
                     URIRef("https://du-lieu.example.vn/ns#a.b"),
                     URIRef("mailto:dau-moi@example.vn"),
                     URIRef("tel:+842513822101"),
                     URIRef("https://du-lieu.example.vn/đất-đai")]),
    st.from_regex(r"https://example\.vn/[a-z0-9/#?=&%._~-]{0,20}",
                  fullmatch=True).map(URIRef))
_bnodes = st.sampled_from([BNode("b1"), BNode("b2"), BNode()])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(_uris, _bnodes), _uris,
                          st.one_of(_uris, _bnodes, _literals)),
                max_size=25))
def test_any_graph_reads_back_the_same_in_turtle_and_rdf_xml(triples) -> None:
    graph = rdflib.Graph()
    graph.bind("ex", EX)
    graph.bind("dcat", DCAT)
    for triple in triples:
        graph.add(triple)
    text = turtle.dumps(graph)
    assert isomorphic(rdflib.Graph().parse(data=text, format="turtle"),
                      _reparsed(graph)), text
    xml = rdfxml.dumps(graph)
    if xml is None:
        # only for what RDF/XML cannot hold: a character XML forbids, or a
        # predicate whose last part is no XML name
        assert any(rdfxml._XML_FORBIDDEN.search(str(term))
                   for triple in graph for term in triple) or any(
            not re.match(r"^[A-Za-z_][A-Za-z0-9_.-]*$",
                         re.split(r"[#/]", str(p))[-1])
            for p in graph.predicates())
    else:
        assert isomorphic(rdflib.Graph().parse(data=xml, format="xml"),
                          _reparsed(graph)), xml


def _reparsed(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph as rdflib's own Turtle round trip gives it (literals in
    their canonical lexical form, as any Turtle reader would)."""
    return rdflib.Graph().parse(data=graph.serialize(format="nt"),
                                format="nt")


def test_names_are_shortened_only_with_a_bound_prefix() -> None:
    graph = rdflib.Graph(bind_namespaces="none")
    graph.bind("dcat", DCAT)
    graph.add((EX.a, RDF.type, DCAT.Dataset))
    graph.add((EX.a, DCTERMS.title, Literal('Ngân sách "2025"\nmới',
                                            lang="vi")))
    text = turtle.dumps(graph)
    assert "a dcat:Dataset" in text
    assert "<http://purl.org/dc/terms/title>" in text
    assert "<https://du-lieu.example.vn/ns#a>" in text
    assert "@prefix dcat:" in text and "@prefix brick:" not in text


def test_an_iri_rdflib_would_refuse_is_written_percent_encoded() -> None:
    graph = rdflib.Graph()
    graph.add((EX.a, DCAT.landingPage,
               URIRef("https://du-lieu.example.vn/dataset/x y")))
    read = rdflib.Graph().parse(data=turtle.dumps(graph), format="turtle")
    assert set(read.objects(EX.a, DCAT.landingPage)) == {
        URIRef("https://du-lieu.example.vn/dataset/x%20y")}
