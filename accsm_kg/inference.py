"""OWL 2 RL materialisation: the triples a graph's axioms entail that it does not state.

:func:`owl_rl` applies the rules of the OWL 2 RL profile (OWL 2 Profiles, section 4.3) to
triples, if asked together with the whole W3C vocabularies the ontology reuses
(:func:`accsm_kg.resources.vocabulary_paths`), and returns only what they add. By default it
does without them: the ontology's ``imports.ttl`` copies what they say of the terms the data
uses, and the rest adds mostly their crosswalks to yet other vocabularies (schema.org's to
FIBO and GS1...), at some fifty times the cost. Left out of the result, with the reason:

- what the input states, what the vocabularies state, and what the vocabularies entail on their
  own (``schema:Event owl:equivalentClass dcmitype:Event``...): that is theirs, not ours;
- triples whose subject is a literal (``"en" a dcterms:LinguisticSystem``, from a range applied
  to a literal) or a blank node, or whose object is a blank node: the first are not RDF, and the
  blank nodes are those of class expressions and lists, which mean nothing apart from them;
- what holds of everything: ``x owl:sameAs x``, ``x a owl:Thing``, ``x a rdfs:Resource``,
  reflexive ``rdfs:subClassOf``, ``owl:equivalentClass``, ``rdfs:subPropertyOf`` and
  ``owl:equivalentProperty``, ``C rdfs:subClassOf owl:Thing``, and domains or ranges of
  ``owl:Thing``;
- anything said of the terms of RDF, RDFS, OWL and XSD themselves (``xsd:string a
  rdfs:Datatype``, ``rdfs:label a owl:AnnotationProperty``): the rules' own axioms;
- types of classes and properties other than those of RDF, RDFS and OWL: schema.org makes
  ``rdfs:Class`` equivalent to ``schema:Class``, a ``schema:Thing``, so that every class and
  property would be a ``schema:Thing``; that is a model of the schema, not of the world.

Two engines compute the closure; both return the same triples (``benchmarks/reasoning.py``
compares them, and so do the tests, on random ontologies too). ``"reasonable"``, the default, is
the Rust reasoner of the ``reasonable`` package. It leaves out some rules of the profile: the
schema rules ``scm-spo``, ``scm-eqc2``, ``scm-eqp1``, ``scm-eqp2``, ``scm-dom1``, ``scm-dom2``,
``scm-rng1``, ``scm-rng2``, ``scm-int``, ``scm-uni``, ``scm-hv``, ``scm-svf1``, ``scm-svf2``,
``scm-avf1`` and ``scm-avf2``, property chains (``prp-spo2``), keys (``prp-key``), ``cls-maxc2``,
``cls-maxqc3``, ``cls-maxqc4`` and ``cls-oo``. It applies ``cls-int1``, ``cls-int2`` and
``cls-uni`` to one ``owl:intersectionOf`` or ``owl:unionOf`` of a class only, and its ``prp-ifp``
(in 0.4.4) makes any two subjects of an inverse functional property the same, whatever their
objects. This module applies all of those itself, between reasonable's rounds, until nothing
changes. ``"owlrl"`` is RDFLib's pure-Python reference, 10 to 100 times slower. They still differ
on inputs outside OWL 2 DL: owlrl also reasons through triples with a literal subject (the
inverse of a property with literal values), which RDF and reasonable do not have; and it takes a
class (or property) to be its own subclass only if it is declared ``owl:Class``
(``owl:ObjectProperty``), so two restrictions alike on undeclared terms are one class here and
two for owlrl.

Neither engine reports inconsistencies (disjoint classes sharing a member...):
:func:`accsm_kg.reasoning.check` does. Values of a property with at most one value are not made
``owl:sameAs`` when they are literals.

>>> from rdflib import Graph
>>> graph = Graph().parse(format="turtle", data='''
...     @prefix : <urn:example:> .
...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
...     :Meeting rdfs:subClassOf :Event .
...     :m1 a :Meeting .
... ''')
>>> [" ".join(term.n3() for term in triple) for triple in owl_rl(graph)]
['<urn:example:m1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:example:Event>']
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Literal as Choice

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .errors import OptionError, ReasonerError
from .loading import parse_file
from .resources import vocabulary_paths

__all__ = ["ENGINES", "Engine", "owl_rl"]

Triple = tuple[Node, Node, Node]
Engine = Choice["reasonable", "owlrl"]
#: The engines :func:`owl_rl` can run, the default first.
ENGINES: tuple[Engine, ...] = ("reasonable", "owlrl")

_TOP = frozenset({OWL.Thing, RDFS.Resource})
_REFLEXIVE = frozenset(
    {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}
)
_TYPE = RDF.type
#: What a class or a property is; other types of them are of a model of models (schema.org's).
_KINDS = frozenset(
    {
        RDFS.Class,
        OWL.Class,
        RDFS.Datatype,
        RDF.Property,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
    }
)
_TOP_BOUNDED = frozenset({RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range})
_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_IFP = URIRef("urn:x-accsm-kg:reasonable:InverseFunctionalProperty")
_IFP_OWL, _STRING, _LANG_STRING = OWL.InverseFunctionalProperty, XSD.string, RDF.langString


def owl_rl(
    triples: Iterable[Triple], *, vocabularies: bool = False, engine: Engine = "reasonable"
) -> Graph:
    """Return the triples the OWL 2 RL rules add to ``triples``, and only those.

    :param triples: the triples to reason over, such as an rdflib :class:`~rdflib.Graph`; those
        with a literal subject are ignored.
    :param vocabularies: reason with the whole bundled W3C vocabularies too.
    :param engine: ``"reasonable"`` (fast) or ``"owlrl"`` (the pure-Python reference).
    :raises OptionError: an engine not in :data:`ENGINES`.
    :raises ReasonerError: the ``reasonable`` package is not installed.

    >>> from rdflib import Namespace
    >>> ex = Namespace("urn:example:")
    >>> facts = [(ex.asean, ex.member, ex.cambodia), (ex.member, OWL.inverseOf, ex.memberOf)]
    >>> [t[2] for t in owl_rl(facts)]
    [rdflib.term.URIRef('urn:example:asean')]
    """
    if engine not in ENGINES:
        raise OptionError(f"no OWL RL engine {engine!r}: use one of {', '.join(ENGINES)}")
    given = {t for t in triples if not isinstance(t[0], Literal)}
    if vocabularies:
        added = _added(engine, given | _vocabulary()) - _vocabulary_added(engine)
    else:
        added = _added(engine, given)
    schema = {s for s, p, o in itertools.chain(given, added) if p == _TYPE and o in _KINDS}
    inferred = Graph()
    for triple in added:
        if _kept(triple, schema):
            inferred.add(triple)
    return inferred


def _kept(triple: Triple, schema: set[Node]) -> bool:
    """Say whether an inferred triple is worth returning (see the module's docstring).

    :param schema: the classes and properties.
    """
    s, p, o = triple
    if type(s) is not URIRef or type(p) is not URIRef or type(o) is BNode:
        return False
    if str.startswith(s, _BUILT_IN) or (p in _REFLEXIVE and s == o):
        return False
    if p == _TYPE and s in schema and not str(o).startswith(_BUILT_IN):
        return False
    return p not in _TOP_BOUNDED or o not in _TOP


@cache
def _vocabulary() -> frozenset[Triple]:
    return frozenset(t for path in vocabulary_paths() for t in parse_file(path).triples)


@cache
def _vocabulary_added(engine: Engine) -> frozenset[Triple]:
    """Return what the vocabularies entail on their own (computed once per engine)."""
    return frozenset(_added(engine, set(_vocabulary())))


def _added(engine: Engine, given: set[Triple]) -> set[Triple]:
    """Return the closure of ``given`` less ``given``, in the terms of ``given``."""
    return _owlrl(given) if engine == "owlrl" else _reasonable(given)


def _owlrl(given: set[Triple]) -> set[Triple]:
    import owlrl  # type: ignore[import-untyped]  # owlrl ships no type hints
    from rdflib import term as rdflib_terms

    graph = Graph()
    for triple in given:
        graph.add(triple)
    # owlrl swaps rdflib's lexical-to-Python conversions for its own while it runs, and leaves
    # some of its own behind (xsd:gYear...): rdflib's are put back as they were
    conversions = dict(rdflib_terms._toPythonMapping)
    try:
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    finally:
        rdflib_terms._toPythonMapping.clear()
        rdflib_terms._toPythonMapping.update(conversions)
    return set(graph) - given


def _reasonable(given: set[Triple]) -> set[Triple]:
    """Run reasonable, with the rules it lacks applied between its rounds."""
    try:
        import reasonable  # type: ignore[import-untyped]  # reasonable ships no type hints
    except ImportError:
        raise ReasonerError(
            "the default OWL RL engine needs the reasonable package: pip install reasonable, "
            'or pass engine="owlrl"'
        ) from None
    hidden = {_hide(t) if _IFP_OWL in t else t for t in given}
    closure = hidden | _missing_rules(hidden)[0]  # found early, they save a round
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(closure)
    closure = set(reasoner.reason())
    while True:
        instances, schema = _missing_rules(closure)
        extra = instances - closure
        if not extra:  # what is left only relates terms of the schema: no rule takes it further
            closure |= schema
            break
        reasoner.from_graph(extra)  # the next round goes on from where this one stopped
        closure |= set(reasoner.reason())
    return {_hide(t, back=True) for t in _as_given(closure, given) - hidden}


def _as_given(triples: set[Triple], given: set[Triple]) -> set[Triple]:
    """Give literals back as ``given`` has them.

    reasonable returns them in a form of its own: ``"a"^^xsd:string`` for ``"a"``, language tags
    in lower case, numbers in canonical form (``"1"`` for ``"01"``).
    """
    original: dict[tuple[str, Node, str], Literal] = {}
    for term in {o for _, _, o in given if isinstance(o, Literal)}:
        key = _literal_key(term)
        if key not in original or term.n3() < original[key].n3():  # the same, whatever the order
            original[key] = term
    return {
        (s, p, original.get(_literal_key(o), o)) if isinstance(o, Literal) else (s, p, o)
        for s, p, o in triples
    }


def _literal_key(term: Literal) -> tuple[str, Node, str]:
    if term.language:
        return str(term), _LANG_STRING, term.language.lower()
    if term.datatype is None or term.datatype == _STRING:
        return str(term), _STRING, ""
    return str(Literal(str(term), datatype=term.datatype)), term.datatype, ""


def _hide(triple: Triple, *, back: bool = False) -> Triple:
    """Swap owl:InverseFunctionalProperty for a stand-in reasonable does not know, or back.

    reasonable 0.4.4 makes any two subjects of an inverse functional property the same, whatever
    their objects (its prp-ifp compares nothing), so it never sees that class: prp-ifp is
    applied with the other missing rules.
    """
    old, new = (_IFP, _IFP_OWL) if back else (_IFP_OWL, _IFP)
    if old not in triple:
        return triple
    s, p, o = triple
    return (new if s == old else s, new if p == old else p, new if o == old else o)


def _missing_rules(triples: set[Triple]) -> tuple[set[Triple], set[Triple]]:
    """Apply to ``triples`` the OWL 2 RL rules reasonable lacks (see the module docstring).

    Return what may lead to more (about instances, or subclasses of restrictions; none with a
    literal subject, which reasonable refuses), then what only relates classes and properties,
    whose consequences for instances reasonable draws anyway (cax-sco, prp-spo1, prp-dom...).
    """
    index: defaultdict[Node, defaultdict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        index[p][s].add(o)

    def objects(s: Node, p: Node) -> set[Node]:
        return index[p].get(s, set()) if p in index else set()

    def items(head: Node) -> list[Node]:
        found: list[Node] = []
        while head != RDF.nil and len(found) < len(triples):
            found += objects(head, RDF.first)
            head = next(iter(objects(head, RDF.rest)), RDF.nil)
        return found

    members: defaultdict[Node, set[Node]] = defaultdict(set)
    for x, types in index[RDF.type].items():
        for c in types:
            members[c].add(x)
    schema: set[Triple] = set()  # scm-int, scm-uni
    for c, heads in list(index[OWL.intersectionOf].items()):
        schema |= {(c, RDFS.subClassOf, part) for head in heads for part in items(head)}
    for c, heads in list(index[OWL.unionOf].items()):
        schema |= {(part, RDFS.subClassOf, c) for head in heads for part in items(head)}
    classes = _supers(index[RDFS.subClassOf], index[OWL.equivalentClass], schema)
    properties = _supers(index[RDFS.subPropertyOf], index[OWL.equivalentProperty], set())
    # scm-sco, scm-spo, scm-eqc1, scm-eqc2, scm-eqp1, scm-eqp2
    for ups, below, same in (
        (classes, RDFS.subClassOf, OWL.equivalentClass),
        (properties, RDFS.subPropertyOf, OWL.equivalentProperty),
    ):
        for term, above in ups.items():
            schema |= {(term, below, up) for up in above}
            schema |= {(term, same, up) for up in above if term in ups.get(up, ())}
    # scm-dom1, scm-dom2, scm-rng1, scm-rng2
    narrower: defaultdict[Node, set[Node]] = defaultdict(set)
    for p, above in properties.items():
        for up in above:
            narrower[up].add(p)
    for axis in (RDFS.domain, RDFS.range):
        for p, bounds in list(index[axis].items()):
            for q, c in itertools.product(narrower[p] | {p}, set(bounds)):
                schema |= {(q, axis, d) for d in classes.get(c, set()) | {c}}
    instances: set[Triple] = {  # cls-oo
        (one, RDF.type, c)
        for c, heads in list(index[OWL.oneOf].items())
        for head in heads
        for one in items(head)
    }
    instances |= _restriction_rules(index, classes, properties)
    instances |= _instance_rules(index, members, items, objects)
    return {t for t in instances if not isinstance(t[0], Literal)}, schema


def _supers(
    below: dict[Node, set[Node]], same: dict[Node, set[Node]], extra: set[Triple]
) -> dict[Node, set[Node]]:
    """Return each term's strict superterms, from ``below``, ``same`` and ``extra`` triples."""
    edges: defaultdict[Node, set[Node]] = defaultdict(set)
    for s, os in below.items():
        edges[s] |= os
    for s, os in same.items():
        for o in os:
            edges[s].add(o)
            edges[o].add(s)
    for s, _, o in extra:
        edges[s].add(o)
    return {term: _reachable(term, edges) - {term} for term in list(edges)}


def _restriction_rules(
    index: dict[Node, defaultdict[Node, set[Node]]],
    classes: dict[Node, set[Node]],
    properties: dict[Node, set[Node]],
) -> set[Triple]:
    """Apply scm-hv, scm-svf1, scm-svf2, scm-avf1 and scm-avf2.

    Every class and property is taken to be its own subclass or subproperty, as it is, so that
    two restrictions alike are the same class (owlrl knows it only of those declared owl:Class
    or owl:ObjectProperty: scm-cls, scm-op).
    """
    on = index[OWL.onProperty]
    found: set[Triple] = set()
    for kind in (OWL.hasValue, OWL.someValuesFrom, OWL.allValuesFrom):
        restrictions = [
            (c, filler, p)
            for c, fillers in list(index[kind].items())
            for filler in fillers
            for p in on.get(c, ())
        ]
        for (c1, y1, p1), (c2, y2, p2) in itertools.permutations(restrictions, 2):
            wider_p = p1 == p2 or p2 in properties.get(p1, ())
            if kind == OWL.hasValue:  # scm-hv
                if y1 == y2 and wider_p:
                    found.add((c1, RDFS.subClassOf, c2))
            elif p1 == p2 and (y1 == y2 or y2 in classes.get(y1, ())):  # scm-svf1, scm-avf1
                found.add((c1, RDFS.subClassOf, c2))
            elif y1 == y2 and wider_p:  # scm-svf2, scm-avf2
                wider, narrower = (c2, c1) if kind == OWL.someValuesFrom else (c1, c2)
                found.add((narrower, RDFS.subClassOf, wider))
    return found


def _instance_rules(
    index: dict[Node, defaultdict[Node, set[Node]]],
    members: dict[Node, set[Node]],
    items: Callable[[Node], list[Node]],
    objects: Callable[[Node, Node], set[Node]],
) -> set[Triple]:
    """Apply prp-ifp (to the stand-in), prp-spo2, prp-key, cls-maxc2, cls-maxqc3, cls-maxqc4.

    And cls-int1, cls-int2 and cls-uni, which reasonable applies to one list of a class only.
    """
    found: set[Triple] = set()
    for c, heads in list(index[OWL.intersectionOf].items()):
        for parts in (items(head) for head in heads):
            common = (
                set.intersection(*(members.get(part, set()) for part in parts)) if parts else set()
            )
            found |= {(x, RDF.type, c) for x in common}
            found |= {(x, RDF.type, part) for x in members.get(c, ()) for part in parts}
    for c, heads in list(index[OWL.unionOf].items()):
        found |= {
            (x, RDF.type, c)
            for head in heads
            for part in items(head)
            for x in members.get(part, ())
        }
    for p in members.get(_IFP, ()):
        subjects: defaultdict[Node, set[Node]] = defaultdict(set)
        for s, os in index[p].items():
            for o in os:
                subjects[o].add(s)
        found.update(_same(subjects.values()))
    for r, heads in list(index[OWL.propertyChainAxiom].items()):
        for chain in (items(head) for head in heads):
            for s in list(index[chain[0]]) if chain else ():
                ends = {s}
                for p in chain:
                    ends = {o for x in ends for o in objects(x, p)}
                found |= {(s, r, o) for o in ends}
    for c, heads in list(index[OWL.hasKey].items()):
        for keys in (items(head) for head in heads):
            alike: defaultdict[tuple[Node, ...], set[Node]] = defaultdict(set)
            for x in members.get(c, ()) if keys else ():
                for values in itertools.product(*(objects(x, k) for k in keys)):
                    alike[values].add(x)
            found.update(_same(alike.values()))
    for c, maxima in [
        *index[OWL.maxCardinality].items(),
        *index[OWL.maxQualifiedCardinality].items(),
    ]:
        if not any(
            isinstance(m, Literal) and m.value == 1 and type(m.value) is int for m in maxima
        ):
            continue
        kinds = objects(c, OWL.onClass)
        for p in objects(c, OWL.onProperty):
            found.update(
                _same(
                    {
                        y
                        for y in objects(x, p)
                        if not kinds - {OWL.Thing} or kinds & objects(y, RDF.type)
                    }
                    for x in members.get(c, ())
                )
            )
    return found


def _same(groups: Iterable[set[Node]]) -> Iterator[Triple]:
    """Say that the resources of each group are the same (the engine closes the relation)."""
    for group in groups:
        resources = sorted((x for x in group if not isinstance(x, Literal)), key=lambda x: x.n3())
        yield from ((resources[0], OWL.sameAs, other) for other in resources[1:])


def _reachable(start: Node, edges: dict[Node, set[Node]]) -> set[Node]:
    seen: set[Node] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
