"""Cue words and token patterns for the relation component (``ingest/relations/``).

Everything here is general English vocabulary of the genre (titles, verbs of
organising, visiting, partnering): no names of real organisations or people.
The patterns are compiled once per pipeline by ``build_matcher``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher

#: Head words of a position title ("Vice President", "Secretary of the Party Committee").
TITLE_HEADS = frozenset(
    """
    president vice-president dean director secretary chairman chairwoman chairperson
    chair head manager professor member chief ceo cfo cto coo counselor counsellor
    principal chancellor vice-chancellor rector officer commissioner minister mayor
    governor founder co-founder coordinator lecturer researcher engineer representative
    inspector supervisor leader provost registrar superintendent trustee advisor adviser
    consultant editor academician teacher instructor deputy executive directors
    vice-chairman vice-dean vice-director partner
    """.split()
)

#: Words that may sit inside a title phrase besides its head words.
TITLE_FILLERS = frozenset(
    """
    vice deputy executive general associate assistant senior chief acting honorary
    standing party committee board group of the and & council
    university college school department office academic work team affairs
    """.split()
)

#: Words that mark an article's byline rather than a participant.
BYLINE_CUES = frozenset(
    """
    written edited photo text translated posted reviewed proofreading proofread
    reporter source author editor contributor correspondent
    """.split()
)

#: Verbs whose agents ("by ...") or subjects organise an event.
ORGANIZE_VERBS = frozenset(
    """
    hold host sponsor organize organise undertake convene lead co-host co-sponsor
    co-organize co-organise cohost cosponsor chair launch
    """.split()
)

#: Role nouns of organising ("serving as the executive organiser").
ORGANIZER_NOUNS = frozenset(
    "organizer organiser co-organizer co-organiser host co-host sponsor co-sponsor undertaker".split()
)

#: Verbs that locate an event ("held in", "concludes in").
LOCATE_VERBS = frozenset("hold conclude open take kick close convene start launch host".split())

#: Verbs whose agents jointly create something: two or more agents partner.
JOINT_VERBS = frozenset(
    """
    build establish found co-found run create develop set construct launch sign initiate
    organize organise hold host sponsor co-organize co-organise co-host co-sponsor
    co-develop co-build operate lead form undertake co-undertake guide
    """.split()
)

#: Verbs that make the named organisations members of an alliance.
MEMBER_VERBS = frozenset("initiate found co-found establish form join launch".split())
MEMBER_NOUNS = frozenset("member members initiator initiators founder unit units part".split())

#: Verbs that make an organisation the leader of an alliance.
LEAD_VERBS = frozenset("lead chair head".split())

#: Verbs and nouns of partnership: "signed ... with", "cooperate with", "partnership with".
PARTNER_VERBS = frozenset(
    """
    sign cooperate collaborate partner team join work ally co-operate
    """.split()
)
PARTNER_NOUNS = frozenset(
    """
    cooperation co-operation partnership collaboration agreement memorandum mou alliance
    contract
    """.split()
)
#: "partners include ...", "cooperative units including ...": listed ones partner the author.
PARTNER_LIST_NOUNS = frozenset("partner partners cooperative collaborator collaborators".split())

#: Verbs that give a person a post: "was appointed (as) Executive Dean of ...".
APPOINT_VERBS = frozenset("appoint elect name select serve become reappoint".split())

#: Verbs and nouns of visiting.
VISIT_VERBS = frozenset("visit inspect tour".split())
VISIT_MOTION_VERBS = frozenset("go come travel arrive".split())
VISIT_NOUNS = frozenset("delegation visit visiting entourage".split())
RECEIVE_VERBS = frozenset("receive welcome host meet".split())

#: Cues that a person or organisation took part in the reported event.
PARTICIPATE_VERBS = frozenset(
    """
    attend participate present speak say state introduce share deliver address report
    preside host chair welcome point emphasize emphasise express demonstrate interpret
    deploy unveil explore give make extend thank hope propose summarize summarise note
    stress put receive sign visit accompany witness conduct explain review analyze
    analyse outline urge call brief award inaugurate discuss exchange conclude
    """.split()
)
PARTICIPANT_NOUNS = frozenset(
    """
    participant participants guest guests representative representatives delegation
    delegates attendee attendees speaker speakers
    """.split()
)
#: People taking part for their organisations: "Leaders of A, B and C attended",
#: "Experts from A commented", "The team of A won the first prize".
GROUP_NOUNS = frozenset(
    """
    leaders leadership experts heads officials teachers faculty staff scholars team teams
    delegates principals presidents
    """.split()
)
#: Plural nouns of organisations: "Eighty enterprises, including A and B, ..."
ORG_PLURALS = frozenset(
    "enterprises companies firms employers colleges schools universities institutions organisations organizations".split()
)
#: Verbs a group of people takes part with, besides PARTICIPATE_VERBS.
GROUP_VERBS = frozenset("comment win compete take join".split())
#: Verbs that place an organisation: "is located in", "was founded in", "is based in".
SITE_VERBS = frozenset("locate base headquarter found establish situate register".split())
#: Nouns that name an event generically ("the event", "the conference").
EVENT_NOUNS = frozenset(
    """
    event meeting conference ceremony symposium forum seminar summit activity activities
    exchange workshop fair competition session congress convention exhibition program
    programme visit signing discussion launch camp contest expo festival lecture celebration
    gala roadshow
    """.split()
)

#: Nouns that name an alliance generically ("the Alliance", "this network").
ALLIANCE_NOUNS = frozenset("alliance consortium network community federation cluster union coalition".split())

#: "X is a unit / branch / part of Y": X belongs to Y.
BELONG_NOUNS = frozenset("unit branch part subsidiary affiliate".split())

#: Head words of a unit inside an organisation (its department, office, section).
UNIT_HEADS = frozenset(
    """
    department division section office committee branch unit team bureau center centre
    school college institute laboratory lab faculty academy
    """.split()
)
#: Unit heads specific enough to attach to the one same-type organisation in a sentence.
NARROW_UNIT_HEADS = frozenset("department division section office committee branch unit team".split())

#: Generic organisation nouns between a place and a name ("US firm X").
ORG_NOUNS = frozenset("firm company group university college enterprise corporation school".split())

#: Determiners and possessives that may open a mention or a phrase.
OPENERS = frozenset("the a an our its their his her".split())


#: Phrases matched as a whole (lower case), by label.
PHRASES = {
    "PARTICIPANT": ("persons in charge", "people in charge"),
    "BOTH_PARTIES": (
        "both parties", "both sides", "the two sides", "the two parties", "both schools",
        "the two schools", "both universities", "the two universities", "both partners",
    ),
}


def build_matcher(nlp: Language) -> PhraseMatcher:
    """Multi-word cue phrases, compiled once per pipeline.

    Single-word cues (title heads, participant nouns, byline words) are looked up
    in the sets above while the component reads each token once; the phrase
    matcher carries the phrases.
    """
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, phrases in PHRASES.items():
        matcher.add(label, [nlp.make_doc(p) for p in phrases])
    return matcher
