"""A small hand-written corpus of Extraction records with known answers.

Three invented articles (sentences written for the tests, no third-party text),
loaded through the real loader by the tests of queries, Cypher, RDF and exports.
The expected answers of each named query and analysis are worked out by hand in
the test files from the facts listed here.

Facts (article, published):
  a1 2023-03-10: Riverside Polytechnic (RP) PARTNERS_WITH Acme Robotics;
                 Li Ming HOLDS_POSITION RP ("President"); RP LOCATED_IN River City.
  a2 2024-05-20: RP PARTNERS_WITH Acme again; the Bureau ORGANIZED the AI Education
                 Forum (2024-05-18); RP, Blue River Software and Zhao Hua
                 PARTICIPATED_IN it; the forum LOCATED_IN River City;
                 Zhao Hua HOLDS_POSITION Acme ("Chief Engineer").
  a3 2025-01-15: RP LEADS and is MEMBER_OF the alliance; Hill Valley College (HVC)
                 and Nova Machines MEMBER_OF it; HVC PARTNERS_WITH Blue River;
                 the Bureau PARTNERS_WITH Nova and with HVC.
"""

from __future__ import annotations

from eikg.records import (
    Article,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Relation,
    RelationType,
    Span,
)

RP = "college:riverside-polytechnic"
HVC = "college:hill-valley-college"
ACME = "enterprise:acme-robotics-co-ltd"
BLUE = "enterprise:blue-river-software"
NOVA = "enterprise:nova-machines-group"
ALLIANCE = "alliance:river-city-ai-education-alliance"
BUREAU = "government:river-city-education-bureau"
LI = "person:li-ming"
ZHAO = "person:zhao-hua"
FORUM = "event:ai-education-forum@2024-05-18"
CITY = "place:river-city"

NAMES = {
    RP: ("Riverside Polytechnic", EntityType.COLLEGE, ("RP",)),
    HVC: ("Hill Valley College", EntityType.COLLEGE, ("HVC",)),
    ACME: ("Acme Robotics Co., Ltd.", EntityType.ENTERPRISE, ("Acme",)),
    BLUE: ("Blue River Software", EntityType.ENTERPRISE, ()),
    NOVA: ("Nova Machines Group", EntityType.ENTERPRISE, ("Nova",)),
    ALLIANCE: ("River City AI Education Alliance", EntityType.ALLIANCE, ()),
    BUREAU: ("River City Education Bureau", EntityType.GOVERNMENT, ("the Bureau",)),
    LI: ("Li Ming", EntityType.PERSON, ()),
    ZHAO: ("Zhao Hua", EntityType.PERSON, ()),
    FORUM: ("AI Education Forum", EntityType.EVENT, ()),
    CITY: ("River City", EntityType.PLACE, ()),
}

# (article id, published, [(sentence, [(head key, relation, tail key, title)])])
ARTICLES = [
    (
        "a1",
        "2023-03-10",
        [
            (
                "Riverside Polytechnic and Acme Robotics Co., Ltd. signed an agreement to train robot technicians together.",
                [(RP, RelationType.PARTNERS_WITH, ACME, None)],
            ),
            (
                "Li Ming, President of Riverside Polytechnic, said the college in River City would open a new workshop.",
                [(LI, RelationType.HOLDS_POSITION, RP, "President"), (RP, RelationType.LOCATED_IN, CITY, None)],
            ),
        ],
    ),
    (
        "a2",
        "2024-05-20",
        [
            (
                "Riverside Polytechnic and Acme Robotics Co., Ltd. renewed their joint training programme.",
                [(RP, RelationType.PARTNERS_WITH, ACME, None)],
            ),
            (
                "The River City Education Bureau held the AI Education Forum in River City on 18 May.",
                [(BUREAU, RelationType.ORGANIZED, FORUM, None), (FORUM, RelationType.LOCATED_IN, CITY, None)],
            ),
            (
                "Riverside Polytechnic, Blue River Software and Zhao Hua, Chief Engineer of Acme Robotics Co., Ltd., spoke at the AI Education Forum.",
                [
                    (RP, RelationType.PARTICIPATED_IN, FORUM, None),
                    (BLUE, RelationType.PARTICIPATED_IN, FORUM, None),
                    (ZHAO, RelationType.PARTICIPATED_IN, FORUM, None),
                    (ZHAO, RelationType.HOLDS_POSITION, ACME, "Chief Engineer"),
                ],
            ),
        ],
    ),
    (
        "a3",
        "2025-01-15",
        [
            (
                "Riverside Polytechnic leads the River City AI Education Alliance, whose members include Hill Valley College and Nova Machines Group.",
                [
                    (RP, RelationType.LEADS, ALLIANCE, None),
                    (RP, RelationType.MEMBER_OF, ALLIANCE, None),
                    (HVC, RelationType.MEMBER_OF, ALLIANCE, None),
                    (NOVA, RelationType.MEMBER_OF, ALLIANCE, None),
                ],
            ),
            (
                "Hill Valley College and Blue River Software jointly built a software lab.",
                [(HVC, RelationType.PARTNERS_WITH, BLUE, None)],
            ),
            (
                "The River City Education Bureau signed cooperation agreements with Nova Machines Group and Hill Valley College.",
                [(BUREAU, RelationType.PARTNERS_WITH, NOVA, None), (BUREAU, RelationType.PARTNERS_WITH, HVC, None)],
            ),
        ],
    ),
]


def extractions() -> list[Extraction]:
    """The fixture as the records ``eikg extract`` would produce."""
    out = []
    for article_id, published, sentences in ARTICLES:
        text = " ".join(s for s, _ in sentences)
        article = Article(
            id=article_id,
            text=text,
            title=f"Fixture article {article_id}",
            url=f"https://news.example.org/{article_id}",
            published=published,
            publisher="Example News",
        )
        local: dict[str, str] = {}
        for _, facts in sentences:
            for head, _, tail, _ in facts:
                for key in (head, tail):
                    local.setdefault(key, f"e{len(local) + 1}")
        entities = []
        for key, eid in local.items():
            name, kind, aliases = NAMES[key]
            spans = []
            start = text.find(name)
            if start >= 0:
                spans.append(Span(start, start + len(name)))
            entities.append(
                Entity(
                    id=eid,
                    key=key,
                    name=name,
                    type=kind,
                    aliases=aliases,
                    mentions=tuple(spans),
                    date="2024-05-18" if kind is EntityType.EVENT else None,
                )
            )
        relations = []
        for sentence, facts in sentences:
            start = text.index(sentence)
            evidence = Evidence(sentence, start, start + len(sentence))
            for head, rel, tail, title in facts:
                relations.append(
                    Relation(local[head], rel, local[tail], evidence, title=title, confidence=0.9)
                )
        out.append(Extraction(article, tuple(entities), tuple(relations)))
    return out
