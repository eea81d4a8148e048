"""The eikg_relations component on sentences written for these tests (fictional names).

Each text runs through the real statistical model (tagger, parser) and the real
component; the entity drafts it reads are built here by locating the given surface
forms in the text, so these tests check relation logic apart from entity quality.
"""

from __future__ import annotations

import re

import pytest

from eikg.errors import EikgError
import eikg.ingest.relations  # noqa: F401  (registers the eikg_relations factory)
from eikg.ingest.drafts import EntityDraft, RelationDraft
from eikg.ingest.model import load_model
from eikg.records import EntityType as T
from eikg.records import RelationType as R


@pytest.fixture(scope="module")
def nlp():
    nlp = load_model()
    nlp.add_pipe("eikg_relations")
    return nlp


def run(nlp, text: str, entities: dict[str, tuple[T, list[str]]]) -> list[RelationDraft]:
    """Locate every surface form of every entity (longest first), then run the pipeline."""
    found = []
    for eid, (_, forms) in entities.items():
        for form in forms:
            for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text):
                found.append((m.start(), m.end(), eid))
    found.sort(key=lambda s: (s[0] - s[1], s[0]))
    taken: set[int] = set()
    mentions: dict[str, list[tuple[int, int]]] = {eid: [] for eid in entities}
    for start, end, eid in found:
        if taken.isdisjoint(range(start, end)):
            taken.update(range(start, end))
            mentions[eid].append((start, end))
    drafts = [
        EntityDraft(id=eid, name=forms[0], type=etype, aliases=forms[1:], mentions=sorted(mentions[eid]))
        for eid, (etype, forms) in entities.items()
    ]
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "eikg_relations":
            doc._.eikg_entities = drafts
        doc = proc(doc)
    return doc._.eikg_relations


def triples(rels: list[RelationDraft]) -> set[tuple[str, str, str]]:
    out = set()
    for r in rels:
        head, tail = r.head, r.tail
        if r.type is R.PARTNERS_WITH:
            head, tail = sorted((head, tail))
        out.add((head, r.type.value, tail))
    return out


def held(rels: list[RelationDraft]) -> dict[tuple[str, str], RelationDraft]:
    """(person, organisation) -> its HOLDS_POSITION relation."""
    return {(r.head, r.tail): r for r in rels if r.type is R.HOLDS_POSITION}


def titles(rels: list[RelationDraft]) -> dict[tuple[str, str], str | None]:
    return {(r.head, r.tail): r.title for r in rels if r.type is R.HOLDS_POSITION}


UNI = ("uni", (T.COLLEGE, ["Redstone University", "the university"]))
COL = ("col", (T.COLLEGE, ["Bluefield College"]))
ENT = ("ent", (T.ENTERPRISE, ["Apex Robotics Group", "Apex"]))
GOV = ("gov", (T.GOVERNMENT, ["Provincial Education Department"]))


def ents(*pairs, **more):
    d = dict(pairs)
    d.update(more)
    return d


# ---------------------------------------------------------------- HOLDS_POSITION


def test_appositive_title_of_organisation(nlp):
    rels = run(
        nlp,
        "Tao Ran, Vice President of Redstone University, attended the meeting.",
        ents(UNI, p1=(T.PERSON, ["Tao Ran"])),
    )
    assert ("p1", "HOLDS_POSITION", "uni") in triples(rels)
    assert titles(rels)[("p1", "uni")] == "Vice President"


def test_title_before_name_with_of_organisation(nlp):
    rels = run(
        nlp,
        "Vice President Sun Hao of Redstone University delivered a speech.",
        ents(UNI, p1=(T.PERSON, ["Sun Hao"])),
    )
    assert ("p1", "HOLDS_POSITION", "uni") in triples(rels)
    assert titles(rels)[("p1", "uni")] == "Vice President"


def test_title_of_organisation_before_name(nlp):
    rels = run(
        nlp,
        "Dean of Bluefield College Meng Tao and Director Ke Jun visited Apex Robotics Group.",
        ents(COL, ENT, p1=(T.PERSON, ["Meng Tao"]), p2=(T.PERSON, ["Ke Jun"])),
    )
    assert ("p1", "HOLDS_POSITION", "col") in triples(rels)
    assert titles(rels)[("p1", "col")] == "Dean"


def test_affiliation_without_title(nlp):
    rels = run(
        nlp,
        "Wen Qi from Bluefield College explained the new curriculum.",
        ents(COL, p1=(T.PERSON, ["Wen Qi"])),
    )
    assert ("p1", "HOLDS_POSITION", "col") in triples(rels)
    assert titles(rels)[("p1", "col")] is None


def test_titles_listed_before_one_organisation_share_it(nlp):
    rels = run(
        nlp,
        "Wu Min, the Dean, and Gao Yu, the Vice Dean of Bluefield College, attended the ceremony.",
        ents(COL, p1=(T.PERSON, ["Wu Min"]), p2=(T.PERSON, ["Gao Yu"])),
    )
    assert ("p1", "HOLDS_POSITION", "col") in triples(rels)
    assert ("p2", "HOLDS_POSITION", "col") in triples(rels)


def test_titled_names_listed_before_one_of_organisation_share_it(nlp):
    rels = run(
        nlp,
        "Party secretary Wu Min, president Gao Yu, vice president Tian Li and Pan Wei of "
        "Bluefield College attended the ceremony.",
        ents(COL, ENT, p1=(T.PERSON, ["Wu Min"]), p2=(T.PERSON, ["Gao Yu"]),
             p3=(T.PERSON, ["Tian Li"]), p4=(T.PERSON, ["Pan Wei"])),
    )
    for person in ("p1", "p2", "p3", "p4"):  # from the sentence, not the article's fallback
        assert held(rels)[(person, "col")].rule == "positions"
    assert titles(rels)[("p2", "col")] == "president"


def test_a_title_without_organisation_after_one_with_continues_its_list(nlp):
    rels = run(
        nlp,
        "Li Hua, President of Redstone University, Chen Ming, Vice President, Wu Fang, "
        "General Manager of Apex Robotics Group, and Zhao Lei, Product Director, attended.",
        ents(UNI, ENT, p1=(T.PERSON, ["Li Hua"]), p2=(T.PERSON, ["Chen Ming"]),
             p3=(T.PERSON, ["Wu Fang"]), p4=(T.PERSON, ["Zhao Lei"])),
    )
    assert {("p1", "uni"), ("p2", "uni"), ("p3", "ent"), ("p4", "ent")} <= held(rels).keys()
    assert ("p2", "ent") not in held(rels)


def test_a_titled_name_before_a_verb_keeps_its_own_organisation(nlp):
    rels = run(
        nlp,
        "President Wu Min welcomed Gao Yu of Apex Robotics Group to Bluefield College.",
        ents(COL, ENT, p1=(T.PERSON, ["Wu Min"]), p2=(T.PERSON, ["Gao Yu"])),
    )
    assert held(rels)[("p2", "ent")].rule == "positions"
    # President Wu Min is not listed with Gao Yu: at most the article's fallback gives the post
    p1 = held(rels).get(("p1", "ent"))
    assert p1 is None or p1.rule == "fallback_positions"


def test_title_at_the_most_specific_unit_and_its_parent(nlp):
    rels = run(
        nlp,
        "Ren Xiu, Director of the Training Department of Apex Robotics Group, spoke at the forum.",
        ents(
            ENT,
            unit=(T.ENTERPRISE, ["Training Department of Apex Robotics Group"]),
            p1=(T.PERSON, ["Ren Xiu"]),
        ),
    )
    assert ("p1", "HOLDS_POSITION", "unit") in triples(rels)
    assert ("p1", "HOLDS_POSITION", "ent") not in triples(rels)
    assert ("unit", "PART_OF", "ent") in triples(rels)


def test_possessive_organisation_then_title(nlp):
    rels = run(
        nlp,
        '"We are ready," said Hana Berg, Bluefield College\'s vice president of student services.',
        ents(COL, p1=(T.PERSON, ["Hana Berg"])),
    )
    assert ("p1", "HOLDS_POSITION", "col") in triples(rels)


# ---------------------------------------------------------------- ORGANIZED / LOCATED_IN


def test_agents_of_an_event_organise_it(nlp):
    text = (
        "The Harbor Innovation Forum was held at Redstone University on May 3. "
        "The event was sponsored by the Provincial Education Department, undertaken by "
        "Redstone University and co-organized by Apex Robotics Group."
    )
    rels = triples(run(nlp, text, ents(UNI, ENT, GOV, ev=(T.EVENT, ["Harbor Innovation Forum"]))))
    assert ("gov", "ORGANIZED", "ev") in rels
    assert ("uni", "ORGANIZED", "ev") in rels
    assert ("ent", "ORGANIZED", "ev") in rels
    assert ("ev", "LOCATED_IN", "uni") in rels
    # separate roles are not a joint one
    assert ("ent", "PARTNERS_WITH", "gov") not in rels


def test_joint_organisers_partner(nlp):
    text = "The Harbor Innovation Forum was co-hosted by Redstone University and Apex Robotics Group."
    rels = triples(run(nlp, text, ents(UNI, ENT, ev=(T.EVENT, ["Harbor Innovation Forum"]))))
    assert ("uni", "ORGANIZED", "ev") in rels
    assert ("ent", "ORGANIZED", "ev") in rels
    assert ("ent", "PARTNERS_WITH", "uni") in rels


def test_active_holding_with_a_partner(nlp):
    text = "On June 2, Bluefield College jointly held the Smart Campus Exchange Meeting with Apex Robotics Group."
    rels = triples(run(nlp, text, ents(COL, ENT, ev=(T.EVENT, ["Smart Campus Exchange Meeting"]))))
    assert ("col", "ORGANIZED", "ev") in rels
    assert ("ent", "ORGANIZED", "ev") in rels
    assert ("col", "PARTNERS_WITH", "ent") in rels


def test_event_held_in_a_place(nlp):
    text = "The Coastal Skills Summit was held in Riverton on October 14."
    rels = triples(run(nlp, text, ents(ev=(T.EVENT, ["Coastal Skills Summit"]), pl=(T.PLACE, ["Riverton"]))))
    assert ("ev", "LOCATED_IN", "pl") in rels


# ---------------------------------------------------------------- PARTNERS_WITH


def test_signed_with(nlp):
    text = "Redstone University signed a strategic cooperation agreement with Apex Robotics Group."
    rels = run(nlp, text, ents(UNI, ENT))
    assert ("ent", "PARTNERS_WITH", "uni") in triples(rels)
    # symmetric: listed once
    assert sum(1 for r in rels if r.type is R.PARTNERS_WITH) == 1


def test_jointly_built_by(nlp):
    text = "The training platform was jointly built by Redstone University and Apex Robotics Group."
    rels = triples(run(nlp, text, ents(UNI, ENT)))
    assert ("ent", "PARTNERS_WITH", "uni") in rels


def test_cooperation_between(nlp):
    text = "The agreement deepens the cooperation between Bluefield College and Apex Robotics Group."
    rels = triples(run(nlp, text, ents(COL, ENT)))
    assert ("col", "PARTNERS_WITH", "ent") in rels


# ---------------------------------------------------------------- MEMBER_OF / LEADS


def test_alliance_led_and_initiated(nlp):
    text = (
        "The Coastal Robotics Alliance is led by Redstone University and jointly initiated by "
        "Bluefield College and Apex Robotics Group."
    )
    rels = triples(run(nlp, text, ents(UNI, COL, ENT, al=(T.ALLIANCE, ["Coastal Robotics Alliance"]))))
    assert ("uni", "LEADS", "al") in rels
    assert ("uni", "MEMBER_OF", "al") in rels
    assert ("col", "MEMBER_OF", "al") in rels
    assert ("ent", "MEMBER_OF", "al") in rels
    # "jointly initiated by A and B": a joint role
    assert ("col", "PARTNERS_WITH", "ent") in rels
    # leading and initiating are separate roles
    assert ("ent", "PARTNERS_WITH", "uni") not in rels


def test_member_unit_of_alliance(nlp):
    text = "Bluefield College was selected as a member unit of the Coastal Robotics Alliance."
    rels = triples(run(nlp, text, ents(COL, al=(T.ALLIANCE, ["Coastal Robotics Alliance"]))))
    assert ("col", "MEMBER_OF", "al") in rels


# ---------------------------------------------------------------- VISITED / PARTICIPATED_IN


def test_visit_by_person_and_their_organisation(nlp):
    text = (
        "Tang Wei, Secretary of the Party Committee of Bluefield College, and her delegation "
        "visited Apex Robotics Group."
    )
    rels = triples(run(nlp, text, ents(COL, ENT, p1=(T.PERSON, ["Tang Wei"]))))
    assert ("p1", "VISITED", "ent") in rels
    assert ("col", "VISITED", "ent") in rels
    assert ("p1", "HOLDS_POSITION", "col") in rels


def test_speakers_and_attendees_take_part_in_the_reported_event(nlp):
    text = (
        "The Harbor Innovation Forum was held at Redstone University.\n\n"
        "Tao Ran, Vice President of Redstone University, delivered a welcome speech.\n\n"
        "Representatives of Bluefield College and Apex Robotics Group attended the forum.\n\n"
        "Written by Yu Bo"
    )
    rels = triples(
        run(
            nlp,
            text,
            ents(UNI, COL, ENT, ev=(T.EVENT, ["Harbor Innovation Forum"]), p1=(T.PERSON, ["Tao Ran"]),
                 p2=(T.PERSON, ["Yu Bo"])),
        )
    )
    assert ("p1", "PARTICIPATED_IN", "ev") in rels
    assert ("col", "PARTICIPATED_IN", "ev") in rels
    assert ("ent", "PARTICIPATED_IN", "ev") in rels
    # the byline's author did not take part
    assert ("p2", "PARTICIPATED_IN", "ev") not in rels


# ---------------------------------------------------------------- PART_OF / LOCATED_IN


def test_unit_of_parent_by_name_and_possessive(nlp):
    text = (
        "The Vocational Section of the Provincial Education Department praised "
        "Bluefield College's School of Robotics."
    )
    rels = triples(
        run(
            nlp,
            text,
            ents(
                COL,
                GOV,
                sec=(T.GOVERNMENT, ["Vocational Section of the Provincial Education Department"]),
                sch=(T.COLLEGE, ["School of Robotics"]),
            ),
        )
    )
    assert ("sec", "PART_OF", "gov") in rels
    assert ("sch", "PART_OF", "col") in rels


def test_organisation_in_a_place(nlp):
    text = "Bluefield College in Ruritania sent ten teachers."
    rels = triples(run(nlp, text, ents(COL, pl=(T.PLACE, ["Ruritania"]))))
    assert ("col", "LOCATED_IN", "pl") in rels


# ---------------------------------------------------------------- the drafts themselves


def test_relation_carries_its_sentence_and_confidence(nlp):
    text = "The weather was fine. Tao Ran, Dean of Bluefield College, opened the session."
    rels = run(nlp, text, ents(COL, p1=(T.PERSON, ["Tao Ran"])))
    hold = next(r for r in rels if r.type is R.HOLDS_POSITION)
    start, end = hold.sentence
    assert text[start:end].startswith("Tao Ran, Dean")
    assert 0.0 < hold.confidence <= 1.0


def test_no_entities_no_relations(nlp):
    doc = nlp("Nothing is named here.")
    assert doc._.eikg_relations == []


def test_types_are_respected(nlp):
    # a place is never a partner, a person never organises
    text = "Riverton and Bluefield College jointly built a training base."
    rels = run(nlp, text, ents(COL, pl=(T.PLACE, ["Riverton"])))
    assert all(r.type is not R.PARTNERS_WITH for r in rels)


def test_config_rejects_confidence_out_of_range():
    nlp = load_model()
    with pytest.raises(EikgError, match="fallback_confidence"):
        nlp.add_pipe("eikg_relations", config={"fallback_confidence": 1.5})


def test_config_is_read():
    nlp = load_model()
    nlp.add_pipe("eikg_relations", config={"min_confidence": 0.95})
    text = "Tao Ran, Dean of Bluefield College, opened the session."
    rels = run(nlp, text, ents(COL, p1=(T.PERSON, ["Tao Ran"])))
    assert rels == []  # pattern confidence is 0.9 by default


def test_appointed_to_a_second_post(nlp):
    text = (
        "Liu Fang, Dean of Bluefield College, was appointed Executive Dean of the "
        "Apex Robotics Industry College."
    )
    rels = run(
        nlp,
        text,
        ents(COL, ic=(T.COLLEGE, ["Apex Robotics Industry College"]), p1=(T.PERSON, ["Liu Fang"])),
    )
    assert ("p1", "HOLDS_POSITION", "col") in triples(rels)
    assert ("p1", "HOLDS_POSITION", "ic") in triples(rels)
    assert titles(rels)[("p1", "ic")] == "Executive Dean"


def test_names_the_drafts_left_without_a_mention_are_found(nlp):
    text = "Tao Ran, Vice President of Redstone University, attended the meeting."
    drafts = [
        EntityDraft(id="p1", name="Tao Ran", type=T.PERSON, mentions=[(0, 7)]),
        # the entity components typed the university but recorded no mention here
        EntityDraft(id="uni", name="Redstone University", type=T.COLLEGE, mentions=[]),
    ]
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "eikg_relations":
            doc._.eikg_entities = drafts
        doc = proc(doc)
    assert ("p1", "HOLDS_POSITION", "uni") in triples(doc._.eikg_relations)


def test_listed_members_of_an_alliance(nlp):
    text = (
        "The Coastal Robotics Alliance was launched in May. "
        "Its first members include Bluefield College and Apex Robotics Group."
    )
    rels = triples(run(nlp, text, ents(COL, ENT, al=(T.ALLIANCE, ["Coastal Robotics Alliance"]))))
    assert ("col", "MEMBER_OF", "al") in rels
    assert ("ent", "MEMBER_OF", "al") in rels


def test_unit_of_stated_with_a_generic_subject(nlp):
    text = (
        "The Apex Robotics Institute opened in May. "
        "The institute is a school-level unit of Redstone University."
    )
    rels = triples(run(nlp, text, ents(UNI, inst=(T.COLLEGE, ["Apex Robotics Institute"]))))
    assert ("inst", "PART_OF", "uni") in rels


def test_a_blank_line_ends_the_sentence(nlp):
    # no full stop after the first paragraph: the parser may run it into the next one
    text = (
        "The Harbor Innovation Forum was sponsored by Apex Robotics Group\n\n"
        "Tao Ran, Vice President of Redstone University, attended the forum."
    )
    rels = run(nlp, text, ents(UNI, ENT, ev=(T.EVENT, ["Harbor Innovation Forum"]), p1=(T.PERSON, ["Tao Ran"])))
    assert ("ent", "ORGANIZED", "ev") in triples(rels)
    assert ("uni", "ORGANIZED", "ev") not in triples(rels)
    hold = next(r for r in rels if r.type is R.HOLDS_POSITION)
    assert text[hold.sentence[0] : hold.sentence[1]].startswith("Tao Ran")


def test_a_unit_does_not_partner_its_parent(nlp):
    text = (
        "The training centre was jointly built by Bluefield College, the School of "
        "Robotics and Apex Robotics Group. The School of Robotics of Bluefield "
        "College will run it."
    )
    sch = (T.COLLEGE, ["School of Robotics of Bluefield College", "School of Robotics"])
    rels = triples(run(nlp, text, ents(COL, ENT, sch=sch)))
    assert ("sch", "PART_OF", "col") in rels
    assert ("col", "PARTNERS_WITH", "sch") not in rels
    assert ("col", "PARTNERS_WITH", "ent") in rels
    assert ("ent", "PARTNERS_WITH", "sch") in rels


def test_a_generic_alliance_subject_is_the_alliance_named_earlier(nlp):
    text = (
        "Redstone University will help establish the Coastal Robotics Alliance. "
        "Its goals were discussed at length by the guests. "
        "The teachers also toured the new laboratories. "
        "This Alliance is led by Redstone University."
    )
    rels = triples(run(nlp, text, ents(UNI, al=(T.ALLIANCE, ["Coastal Robotics Alliance"]))))
    assert ("uni", "LEADS", "al") in rels
    assert ("uni", "MEMBER_OF", "al") in rels


def test_possessive_title_before_name(nlp):
    rels = run(
        nlp,
        "Bluefield College's president Meng Tao opened the new laboratory.",
        ents(COL, p1=(T.PERSON, ["Meng Tao"])),
    )
    assert ("p1", "HOLDS_POSITION", "col") in triples(rels)
    assert titles(rels)[("p1", "col")] == "president"


def test_paid_a_visit_to(nlp):
    text = "Tang Wei, Dean of Bluefield College, paid a visit to Apex Robotics Group on Monday."
    rels = triples(run(nlp, text, ents(COL, ENT, p1=(T.PERSON, ["Tang Wei"]))))
    assert ("p1", "VISITED", "ent") in rels
    assert ("col", "VISITED", "ent") in rels


def test_delegation_hosted(nlp):
    text = "Redstone University hosted a delegation from Apex Robotics Group led by Tang Wei."
    rels = triples(run(nlp, text, ents(UNI, ENT, p1=(T.PERSON, ["Tang Wei"]))))
    assert ("ent", "VISITED", "uni") in rels
    assert ("p1", "VISITED", "uni") in rels


def test_in_partnership_with(nlp):
    text = "Bluefield College launched the welding programme in partnership with Apex Robotics Group."
    rels = triples(run(nlp, text, ents(COL, ENT)))
    assert ("col", "PARTNERS_WITH", "ent") in rels


def test_people_introduced_before_an_event_known_only_by_its_noun_are_not_its_participants(nlp):
    rels = run(
        nlp,
        "Ma Lin, Vice President of Harlow Motors Group, visited Fenwick Polytechnic. Tian Yu received "
        "the guests. At the symposium, Xu Ping introduced the college.",
        ents(
            ("ma", (T.PERSON, ["Ma Lin"])),
            ("tian", (T.PERSON, ["Tian Yu"])),
            ("xu", (T.PERSON, ["Xu Ping"])),
            ("ent", (T.ENTERPRISE, ["Harlow Motors Group"])),
            ("col", (T.COLLEGE, ["Fenwick Polytechnic"])),
            ("ev", (T.EVENT, ["symposium"])),
        ),
    )
    t = triples(rels)
    assert ("xu", "PARTICIPATED_IN", "ev") in t
    assert ("tian", "PARTICIPATED_IN", "ev") not in t


def test_organisations_taking_part_as_a_group_participate(nlp):
    rels = run(
        nlp,
        "The Fernvale Robotics Contest was held on May 2. Leaders of Redstone University, Bluefield "
        "College and Tallow Technician College attended. The team of Kestrel Polytechnic won the first "
        "prize. Engineer-teachers from Apex Robotics Group said the tasks were hard.",
        ents(
            UNI,
            COL,
            ENT,
            ("tech", (T.COLLEGE, ["Tallow Technician College"])),
            ("kes", (T.COLLEGE, ["Kestrel Polytechnic"])),
            ("ev", (T.EVENT, ["Fernvale Robotics Contest"])),
        ),
    )
    t = triples(rels)
    for org in ("uni", "col", "tech", "kes"):
        assert (org, "PARTICIPATED_IN", "ev") in t
    assert ("ent", "PARTICIPATED_IN", "ev") not in t


def test_a_host_receiving_a_delegation_is_not_the_guests_organisation(nlp):
    rels = run(
        nlp,
        "On May 3, President Gao Ming received the visiting delegation led by Lin Tao, Dean of Redstone "
        "University. Lin Tao said Redstone University hopes to work with Bluefield College. Redstone "
        "University has a long history. The delegation visited Kuma College, Orion College and Harlow "
        "Center of Bluefield College.",
        ents(
            UNI,
            COL,
            ("gao", (T.PERSON, ["Gao Ming"])),
            ("lin", (T.PERSON, ["Lin Tao"])),
            ("kuma", (T.COLLEGE, ["Kuma College"])),
            ("orion", (T.COLLEGE, ["Orion College"])),
        ),
    )
    t = triples(rels)
    assert ("gao", "HOLDS_POSITION", "col") in t
    assert ("gao", "HOLDS_POSITION", "uni") not in t
    assert ("lin", "VISITED", "col") in t


def test_organisations_are_located_in_every_place_of_a_comma_chain(nlp):
    city = ("city", (T.PLACE, ["Fenwick City"]))
    prov = ("prov", (T.PLACE, ["Tallow Province"]))
    dist = ("dist", (T.PLACE, ["Oak District"]))
    for text in (
        "Apex Robotics Group was founded in 2009 in Fenwick City, Tallow Province, and makes robots.",
        "Apex Robotics Group is located in Oak District, Fenwick City, Tallow Province.",
        "Bluefield College (BC) in Oak District, Fenwick City, Tallow Province opened a lab.",
    ):
        t = triples(run(nlp, text, ents(ENT, COL, city, prov, dist, bc=(T.COLLEGE, ["BC"]))))
        who = "col" if text.startswith("Bluefield") else "ent"
        for place in ("city", "prov"):
            assert (who, "LOCATED_IN", place) in t, text
    t = triples(run(nlp, "Address: Bluefield College, Fenwick City, Tallow Province", ents(COL, city, prov)))
    assert {("col", "LOCATED_IN", "city"), ("col", "LOCATED_IN", "prov")} <= t
    t = triples(run(nlp, "Bluefield College, Fenwick City Bureau and Apex Robotics Group met.", ents(COL, ENT, city)))
    assert ("col", "LOCATED_IN", "city") not in t


def test_guidance_is_not_organising(nlp):
    rels = run(
        nlp,
        "The Fernvale Teaching Forum was hosted by Redstone University and guided by the Provincial "
        "Education Department.",
        ents(UNI, GOV, ("ev", (T.EVENT, ["Fernvale Teaching Forum"]))),
    )
    t = triples(rels)
    assert ("uni", "ORGANIZED", "ev") in t
    assert ("gov", "ORGANIZED", "ev") not in t


def test_an_alliance_worked_through_is_no_partner(nlp):
    rels = run(
        nlp,
        "Bluefield College already works with Apex Robotics Group through the Fernvale Robotics Alliance.",
        ents(COL, ENT, ("all", (T.ALLIANCE, ["Fernvale Robotics Alliance"]))),
    )
    t = triples(rels)
    assert ("col", "PARTNERS_WITH", "ent") in t or ("ent", "PARTNERS_WITH", "col") in t
    assert not [x for x in t if x[1] == "PARTNERS_WITH" and "all" in (x[0], x[2])]


def test_a_title_given_without_of_takes_the_organisation_of_the_appointment_before_it(nlp):
    rels = run(
        nlp,
        "Gao Ming, President of Bluefield College, was elected Chair of the alliance, and Lin Tao, Dean "
        "of Bluefield College, was appointed Secretary-General.",
        ents(
            COL,
            ("gao", (T.PERSON, ["Gao Ming"])),
            ("lin", (T.PERSON, ["Lin Tao"])),
            ("all", (T.ALLIANCE, ["Fernvale Robotics Alliance", "the alliance"])),
        ),
    )
    t = triples(rels)
    assert ("gao", "HOLDS_POSITION", "all") in t
    assert ("lin", "HOLDS_POSITION", "all") in t
    assert ("lin", "HOLDS_POSITION", "col") in t


def test_the_two_sides_at_an_event_are_the_visitors_and_the_visited(nlp):
    rels = run(
        nlp,
        "Lin Tao, President of Bluefield College, visited Apex Robotics Group on May 2. At the "
        "symposium that followed, the two sides discussed joint training.",
        ents(COL, ENT, ("lin", (T.PERSON, ["Lin Tao"])), ("ev", (T.EVENT, ["symposium"]))),
    )
    t = triples(rels)
    assert ("col", "PARTICIPATED_IN", "ev") in t
    assert ("ent", "PARTICIPATED_IN", "ev") in t


def test_at_an_event_at_a_site_the_clause_subjects_took_part_there(nlp):
    rels = run(
        nlp,
        "At a ceremony at Bluefield College on March 10, Apex Robotics Group and the college agreed to "
        "run a robotics class.",
        ents(("col", (T.COLLEGE, ["Bluefield College", "the college"])), ENT, ("ev", (T.EVENT, ["a ceremony"]))),
    )
    t = triples(rels)
    assert ("ev", "LOCATED_IN", "col") in t
    assert ("ent", "PARTICIPATED_IN", "ev") in t
    assert ("col", "PARTICIPATED_IN", "ev") in t


def test_an_alliance_launched_at_an_event_does_not_attend_it(nlp):
    alliance = ("all", (T.ALLIANCE, ["Fernvale Robotics Alliance"]))
    rels = run(
        nlp,
        "The Fernvale Data Forum was held on May 3. At the forum, the Fernvale Robotics Alliance was launched.",
        ents(alliance, ("ev", (T.EVENT, ["Fernvale Data Forum", "the forum"]))),
    )
    assert ("all", "PARTICIPATED_IN", "ev") not in triples(rels)
    rels = run(
        nlp,
        "The founding conference of the Fernvale Robotics Alliance was held on May 3. Representatives of "
        "Bluefield College attended the conference.",
        ents(alliance, COL, ("ev", (T.EVENT, ["founding conference of the Fernvale Robotics Alliance", "the conference"]))),
    )
    t = triples(rels)
    assert ("col", "PARTICIPATED_IN", "ev") in t
    assert ("all", "PARTICIPATED_IN", "ev") not in t


def test_the_two_sides_that_signed_took_part_in_the_signing_ceremony(nlp):
    rels = run(
        nlp,
        "On May 2, Bluefield College held a signing ceremony with Apex Robotics Group. The two sides signed "
        "a cooperation agreement to build a robotics college.",
        ents(COL, ENT, ("ev", (T.EVENT, ["signing ceremony"]))),
    )
    t = triples(rels)
    assert ("col", "PARTICIPATED_IN", "ev") in t
    assert ("ent", "PARTICIPATED_IN", "ev") in t


def test_named_examples_of_organisations_taking_part_participate(nlp):
    rels = run(
        nlp,
        "The Fernvale Spring Job Fair was held at Bluefield College on May 2. Sixty enterprises, including "
        "Apex Robotics Group and Harlow Dairy Co., Ltd., offered 900 positions.",
        ents(COL, ENT, ("dairy", (T.ENTERPRISE, ["Harlow Dairy Co., Ltd."])), ("ev", (T.EVENT, ["Fernvale Spring Job Fair"]))),
    )
    t = triples(rels)
    assert ("ent", "PARTICIPATED_IN", "ev") in t
    assert ("dairy", "PARTICIPATED_IN", "ev") in t


def test_every_relation_names_a_rule_a_newcomer_finds_in_one_module(nlp):
    """The ``rule`` of a relation is the method that fired, defined in exactly one
    rule module of ``ingest/relations/`` (the family it belongs to)."""
    import importlib
    import pkgutil

    import eikg.ingest.relations as package

    defined: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == module.__name__:
                for attr in vars(cls):
                    if attr.startswith("_") and not attr.startswith("__"):
                        defined.setdefault(attr.lstrip("_"), []).append(info.name)
    text = (
        "Riverbend Polytechnic signed a cooperation agreement with Brightforge Robotics Co., Ltd. "
        "Dr. Ada Quill, President of Riverbend Polytechnic, attended the signing ceremony."
    )
    rels = run(nlp, text, {
        "c": (T.COLLEGE, ["Riverbend Polytechnic"]),
        "e": (T.ENTERPRISE, ["Brightforge Robotics Co., Ltd."]),
        "p": (T.PERSON, ["Ada Quill"]),
    })
    assert {r.type for r in rels} >= {R.PARTNERS_WITH, R.HOLDS_POSITION}
    for r in rels:
        assert r.rule is not None and len(defined.get(r.rule, [])) == 1, (r.rule, defined.get(r.rule))
        assert defined[r.rule][0] not in ("state", "extractor")
