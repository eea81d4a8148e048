"""General cue words the entity components use (never names from any article).

Head words decide an organisation's type from the name's structure ("... College"
is a COLLEGE, "... Co., Ltd." an ENTERPRISE); title words mark the position a
person holds, so "Vice President of X" is read as a title and an organisation;
Chinese surnames and pinyin syllables recognise personal names that statistical
NER often mislabels.
"""

from __future__ import annotations

import re

from eikg.records import EntityType

#: Legal forms a company's short name drops ("X Semiconductor" for "X Semiconductor Co., Ltd.").
LEGAL_FORMS = frozenset({"co", "co.", "ltd", "ltd.", "limited", "inc", "inc.", "corp", "corp.",
                         "corporation", "llc", "plc", "gmbh", "co.ltd", "co.ltd."})

#: Lower-cased head word -> the type a name ending in it has.
HEAD_TYPES: dict[str, EntityType] = {
    **dict.fromkeys(
        ("university", "college", "polytechnic", "school", "academy", "kindergarten",
         "conservatory", "universities", "colleges"),
        EntityType.COLLEGE,
    ),
    **dict.fromkeys(
        ("group", "co", "co.", "ltd", "ltd.", "corporation", "corp", "corp.", "company",
         "inc", "inc.", "llc", "plc", "technologies", "holdings", "enterprises", "gmbh",
         "bank", "factory", "co.ltd", "co.ltd.", "limited"),
        EntityType.ENTERPRISE,
    ),
    **dict.fromkeys(
        ("ministry", "bureau", "government", "commission", "administration", "council"),
        EntityType.GOVERNMENT,
    ),
    **dict.fromkeys(
        ("alliance", "consortium", "consortia", "community", "cluster", "network", "coalition",
         "league"),
        EntityType.ALLIANCE,
    ),
    **dict.fromkeys(
        ("association", "society", "foundation", "board", "center", "centre", "laboratory",
         "lab", "committee", "agency", "organization", "organisation", "federation", "institute",
         "branch", "chamber", "union", "department", "office", "section", "division",
         "partners"),
        EntityType.ORGANIZATION,
    ),
    **dict.fromkeys(
        ("meeting", "conference", "symposium", "forum", "ceremony", "summit", "congress",
         "seminar", "workshop", "fair", "expo", "exhibition", "competition", "contest",
         "discussion", "festival", "lecture", "tournament", "webinar", "roundtable", "convention",
         "olympiad", "challenge", "hackathon", "conclave", "colloquium", "camp", "bootcamp"),
        EntityType.EVENT,
    ),
    **dict.fromkeys(
        ("platform", "base", "project", "program", "programme", "park", "zone", "hub", "portal",
         "class", "classes", "course", "courses"),
        EntityType.PLATFORM,
    ),
    **dict.fromkeys(
        ("plan", "measures", "opinions", "regulations", "guidelines", "law", "act", "strategy",
         "notice", "outline", "initiative", "policy", "provisions", "rules"),
        EntityType.POLICY,
    ),
    **dict.fromkeys(
        ("province", "city", "district", "county", "town", "village", "region", "prefecture",
         "municipality", "delta", "island", "river", "mountain", "lake"),
        EntityType.PLACE,
    ),
}

#: Heads naming a unit inside an organisation: "X of <Parent>" takes the parent's type.
UNIT_HEADS = frozenset(
    {"department", "office", "section", "division", "center", "centre", "committee", "branch",
     "school", "college", "institute", "unit", "team"}
)

#: Units that are government bodies when the name also names a place or a public remit.
GOVERNMENT_UNIT_HEADS = frozenset({"department", "office", "section", "division"})

#: Words in a name that mark a research body rather than a school.
RESEARCH_WORDS = frozenset({"research", "studies", "study", "evaluation", "think"})

#: Heads of a place an event is held in ("held at the X Center").
VENUE_HEADS = frozenset(
    {"center", "centre", "base", "hall", "park", "building", "stadium", "square", "campus",
     "city", "zone", "room", "auditorium", "theatre", "theater", "hotel", "gymnasium", "town"}
)

#: Lower-case event nouns for events named only by a description ("signing ceremony").
EVENT_NOUNS = frozenset(
    {"meeting", "conference", "symposium", "forum", "ceremony", "summit", "congress", "seminar",
     "workshop", "fair", "expo", "exhibition", "competition", "contest", "festival", "lecture",
     "webinar", "roundtable", "convention", "activities", "activity", "event", "visit", "camp"}
)

#: Event nouns vague enough that a description needs two modifiers.
VAGUE_EVENT_NOUNS = frozenset({"activities", "activity", "event", "visit"})

#: Nouns that make "the college" / "our school" mean the publishing institution.
SCHOOL_NOUNS = frozenset({"college", "school", "university", "institute", "polytechnic", "academy"})

#: Words of a position held by a person ("Vice President", "Section Chief").
CORE_TITLES = frozenset(
    {"president", "vice", "dean", "secretary", "director", "chairman", "chairwoman", "chair",
     "head", "professor", "prof", "prof.", "dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.",
     "deputy", "manager", "chief", "member", "principal", "counselor", "counsellor", "lecturer",
     "academician", "ceo", "cto", "cfo", "coo", "founder", "officer", "minister", "mayor",
     "governor", "leader", "coordinator", "supervisor", "researcher", "engineer", "executive",
     "associate", "assistant", "representative", "commissioner", "vice-president"}
)
#: Words that may accompany a core title word in a title.
TITLE_WORDS = CORE_TITLES | frozenset(
    {"general", "senior", "section", "committee", "board", "directors", "of", "the", "and",
     "&", "league", "youth", "group", "standing", "unit", "university", "council", "-", "party"}
)

#: Little words allowed inside a name between capitalised words.
CONNECTORS = frozenset({"of", "and", "for", "on", "in", "with", "the", "&", "at", "between", "de"})

#: Capitalised words that never start a name (sentence openers, months, weekdays).
NOT_NAMES = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday", "i", "we", "our", "they", "it", "this", "these", "those",
     "that", "there", "picture", "photo", "update", "updated", "posted", "written", "edited",
     "translated", "source", "resource", "article", "publish", "time", "by", "text", "copyright",
     "home", "news", "contact", "about", "share", "print", "close", "email", "editor", "reporter",
     "next", "previous", "back", "top", "more", "related", "click", "login", "register", "menu",
     "search", "tags", "keywords", "views", "comments", "author", "reviewer", "proofreader"}
)

#: Acronyms that name no organisation.
COMMON_ACRONYMS = frozenset(
    {"AI", "MOU", "MOA", "GDP", "CEO", "CTO", "CFO", "COO", "IT", "ICT", "PHD", "PH.D", "VR",
     "AR", "5G", "4G", "IOT", "R&D", "STEM", "TVET", "ID", "OK", "TV", "PC", "USA", "US", "UK",
     "EU", "UN", "PRC", "HR", "PR", "QA", "Q&A", "CV", "API", "GPS", "BIM", "CAD", "CNC",
     "PLC", "PPP", "NEW", "AND", "THE", "OF", "FOR", "MBA", "KPI", "SME", "SMES", "ESG"}
)

#: Common Chinese surnames in pinyin (general knowledge, not from any article).
SURNAMES = frozenset(
    """
    wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng
    liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye
    cheng wei su lu ding ren shen yao lv jiang cui zhong tan lu wan fan qiu jin shi liao jia
    xia fu fang bai zou meng xiong qin yan dai hou shao mao hao gu long kong lei duan qian tang
    yin yi chang wen niu ge xing an qi hong wu bi dang diao pang kang ning mu lan shang ou geng
    ji ling zuo mei sheng che guan bao ruan nie zhuo jing tao tong miao ai rong chu lou zhan
    yue nong pu sang qu hua bian chai gan yun zang zhai rao tu kou ban ying lian xiang qiao
    pei gong jiao quan ni lai mi shu xi sha zhen zhuang dou mo xin ke man zhuo yong
    ouyang situ zhuge sima shangguan huangfu murong dongfang
    """.split()
)

_INITIALS = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINALS = (
    "(?:iang|iong|uang|ueng|uai|uan|iao|ian|ang|eng|ing|ong|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    "|ua|uo|ui|un|ue|ve|a|o|e|i|u|v)"
)
_SYLLABLE = _INITIALS + _FINALS
PINYIN_WORD = re.compile(f"(?:{_SYLLABLE}){{1,3}}", re.IGNORECASE)
PINYIN_SYLLABLES = re.compile(f"(?:{_SYLLABLE})+", re.IGNORECASE)
PINYIN_SYLLABLE = re.compile(_SYLLABLE, re.IGNORECASE)

#: Words that read as pinyin but are English words in names.
NOT_GIVEN_NAMES = frozenset({"china", "kong", "province", "city", "university", "group", "an"})

MONTHS = {
    m: i
    for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"),
        1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

#: Capitalised words of topics and slogans rather than names: a run made only of
#: these ("Artificial Intelligence", "Vocational Education") names nothing.
GENERIC_WORDS = frozenset(
    """
    education educational vocational development technology technical intelligence artificial
    innovation innovative cooperation digital digitalization future industry industrial
    integration construction manufacturing advanced undergraduate higher modern national
    international smart training research science sciences engineering management service
    services reform quality high new talent talents economic economy culture cultural learning
    teaching program project initiative win-win win the a an of and for in on with to
    application applications internet information data network networks system systems
    articles article measures plan opinions promotion exchange exchanges cooperative joint
    strategic agreement memorandum understanding summary conclusion introduction background
    environment ecological green sustainable open public social society global local regional
    employment entrepreneurship skills skill practice practical teachers students student
    teacher school-enterprise industry-education production theme themed china's
    """.split()
)
KEEP_ACRONYM_PLACES = frozenset({"US", "USA", "UK", "EU", "PRC", "UAE"})

#: Words before a theme or slogan, whose capitalised words name nothing.
THEME_WORDS = frozenset({"themed", "theme", "titled", "entitled", "slogan", "motto"})

#: What a government department is "of" ("Department of Labor"), unlike a
#: university's "Department of Computer Science".
PUBLIC_REMITS = frozenset(
    """
    education labor labour commerce health finance justice defense defence energy agriculture
    transportation transport treasury interior housing veterans homeland employment trade
    industry human civil public natural ecology environment culture tourism foreign state
    """.split()
)

#: First words of a parenthesis that names an alias: "(hereinafter referred to as X)".
ALIAS_OPENERS = frozenset({"hereinafter", "referred", "abbreviated", "short", "called", "known"})

#: Verbs of headlines ("X Signs Agreement with Y", "Delegation to Visit Y"),
#: which title case makes look like parts of a name.
HEADLINE_VERBS = frozenset(
    """
    visit sign hold attend launch host promote build deepen explore discuss join open receive
    win establish strengthen boost serve help support train create develop lead sign unveil
    hold welcome meet award celebrate conclude start inaugurate kick release announce reach
    deliver carry conduct organize organise participate partner team co-host cooperate
    """.split()
)

#: Words that make a committee a party or government body.
PARTY_WORDS = frozenset({"cpc", "party", "municipal", "provincial", "county", "district", "standing"})

#: Plural nouns whose possessive belongs inside a name ("People's Government",
#: "Women's University").
GROUP_NOUNS = frozenset(
    {"people", "women", "children", "men", "workers", "teachers", "farmers", "veterans", "citizens",
     "students", "youth", "nationalities"}
)
