"""The entity components on sentences written for these tests (fictional names),
run through the real statistical model."""

import pytest

from eikg.ingest.components import parse_date
from eikg.ingest.nlp import build_nlp
from eikg.records import EntityType


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(learned=None)  # the rule components alone


def entities(nlp, text, published="2024-05-10"):
    doc = nlp.make_doc(text)
    doc._.eikg_published = published
    doc = nlp(doc)
    return {d.name: d for d in doc._.eikg_entities}, doc


def test_long_college_name_is_one_span_and_the_person_is_split_from_the_title(nlp):
    ents, _ = entities(
        nlp, "Zhou Minghui, Vice President of Lakeshire Vocational and Technical College of Fine Arts, spoke."
    )
    assert ents["Lakeshire Vocational and Technical College of Fine Arts"].type is EntityType.COLLEGE
    assert ents["Zhou Minghui"].type is EntityType.PERSON
    assert set(ents) == {"Zhou Minghui", "Lakeshire Vocational and Technical College of Fine Arts"}


def test_unit_takes_its_parents_type_and_the_parent_is_an_entity(nlp):
    ents, _ = entities(
        nlp, "Gao Lin, Head of the Data Services Center of Brightwater Cloud Technology Group, spoke."
    )
    assert ents["Data Services Center of Brightwater Cloud Technology Group"].type is EntityType.ENTERPRISE
    assert ents["Brightwater Cloud Technology Group"].type is EntityType.ENTERPRISE


def test_government_department_and_coordinated_organisations(nlp):
    ents, _ = entities(
        nlp,
        "The forum was sponsored by the Education Department of Fernvale Province and undertaken "
        "by Kestrel University and Harlow Systems Co., Ltd.",
    )
    assert ents["Education Department of Fernvale Province"].type is EntityType.GOVERNMENT
    assert ents["Kestrel University"].type is EntityType.COLLEGE
    assert ents["Harlow Systems Co., Ltd."].type is EntityType.ENTERPRISE


def test_section_of_a_bureau_is_government_and_its_short_name_is_an_alias(nlp):
    ents, doc = entities(
        nlp,
        "Wen Jiayi, Section Chief of the Teaching Affairs Section of the Fernvale Education Bureau, "
        "spoke. The Teaching Affairs Section will publish the plan.",
    )
    unit = ents["Teaching Affairs Section of the Fernvale Education Bureau"]
    assert unit.type is EntityType.GOVERNMENT
    assert unit.aliases == ["Teaching Affairs Section"]
    assert len(unit.mentions) == 2
    assert ents["Fernvale Education Bureau"].type is EntityType.GOVERNMENT


def test_abbreviation_in_parentheses_is_an_alias_with_every_mention(nlp):
    text = (
        "Northmoor Polytechnic University (NMPU) signed an agreement with Redfield Robotics Co., Ltd. "
        "on Monday. NMPU will send students to the company."
    )
    ents, _ = entities(nlp, text)
    college = ents["Northmoor Polytechnic University"]
    assert college.type is EntityType.COLLEGE
    assert college.aliases == ["NMPU"]
    assert [text[a:b] for a, b in college.mentions] == ["Northmoor Polytechnic University", "NMPU"]
    company = ents["Redfield Robotics Co., Ltd."]
    assert "the company" in [text[a:b] for a, b in company.mentions]
    assert "NMPU" not in ents


def test_short_form_of_a_company_merges_into_the_full_name(nlp):
    text = (
        "Students visited Fernvale Velden-Marsh Precision Machinery Co., Ltd. last week. "
        "Velden-Marsh will host interns every summer."
    )
    ents, _ = entities(nlp, text)
    assert list(ents) == ["Fernvale Velden-Marsh Precision Machinery Co., Ltd."]
    company = ents["Fernvale Velden-Marsh Precision Machinery Co., Ltd."]
    assert company.aliases == ["Velden-Marsh"]
    assert len(company.mentions) == 2


def test_the_college_and_our_school_resolve_but_generic_mentions_are_not_entities(nlp):
    text = (
        "Posted on May 2, 2024 by Lakeshire College\n\nOn April 28, the college held a job fair. "
        "Teachers from our school and 20 universities attended."
    )
    ents, _ = entities(nlp, text)
    college = ents["Lakeshire College"]
    said = [text[a:b] for a, b in college.mentions]
    assert "the college" in said
    assert "our school" in said
    assert college.aliases == []
    assert not any("universities" in name for name in ents)


def test_named_event_has_date_with_the_publication_year_and_place(nlp):
    ents, _ = entities(nlp, "On March 3, the Riverside Digital Skills Forum was held in Hangzhou. The forum drew guests.")
    event = ents["Riverside Digital Skills Forum"]
    assert event.type is EntityType.EVENT
    assert event.date == "2024-03-03"
    assert event.place == ents["Hangzhou"].id
    assert ents["Hangzhou"].type is EntityType.PLACE
    assert len(event.mentions) == 2  # "The forum" too


def test_event_named_by_its_fullest_description(nlp):
    ents, _ = entities(
        nlp,
        "On June 9, the groundbreaking and signing ceremony of Maple Harbor Science Park was held. "
        "The ceremony was hosted by Kestrel University.",
    )
    event = ents["groundbreaking and signing ceremony of Maple Harbor Science Park"]
    assert event.type is EntityType.EVENT
    assert event.date == "2024-06-09"
    assert len(event.mentions) == 2


def test_alliance_and_people_after_titles(nlp):
    ents, _ = entities(
        nlp,
        "Chairman Tang Weiping and Secretary of the Party Committee Lu Hongxia said Kestrel University "
        "joined the Eastbay Alliance of Smart Manufacturing Education.",
    )
    assert ents["Eastbay Alliance of Smart Manufacturing Education"].type is EntityType.ALLIANCE
    assert ents["Tang Weiping"].type is EntityType.PERSON
    assert ents["Lu Hongxia"].type is EntityType.PERSON
    assert not any("Party Committee" in name for name in ents)


def test_draft_ids_are_sequential_and_mentions_are_offsets_into_the_text(nlp):
    text = "Kestrel University and Harlow Systems Co., Ltd. opened the Harlow Robotics Laboratory."
    _, doc = entities(nlp, text)
    drafts = doc._.eikg_entities
    assert [d.id for d in drafts] == [f"e{i}" for i in range(1, len(drafts) + 1)]
    for d in drafts:
        assert all(text[a:b].strip() == text[a:b] and b > a for a, b in d.mentions)
    assert {d.name: d.type for d in drafts}["Harlow Robotics Laboratory"] is EntityType.ORGANIZATION


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("October 14", "2025-10-17", "2025-10-14"),
        ("1st of March, 2022", None, "2022-03-01"),
        ("July 4, 2025", None, "2025-07-04"),
        ("2022-03-01", None, "2022-03-01"),
        ("November 14th", None, None),
        ("last year", "2024-01-01", None),
    ],
)
def test_parse_date(text, published, expected):
    assert parse_date(text, published) == expected


def test_headline_verb_splits_names_and_an_acronym_of_the_full_name_merges(nlp):
    text = (
        "Hillcrest Polytechnic Signs Cooperation Agreement with Orion Smart Logistics Co., Ltd.\n\n"
        "On September 10, Hillcrest Polytechnic (HP) and Orion Smart Logistics Co., Ltd. held a "
        "school-enterprise cooperation signing ceremony. HP will train 500 students for Orion."
    )
    ents, _ = entities(nlp, text)
    assert ents["Hillcrest Polytechnic"].type is EntityType.COLLEGE
    assert ents["Hillcrest Polytechnic"].aliases == ["HP"]
    company = ents["Orion Smart Logistics Co., Ltd."]
    assert company.type is EntityType.ENTERPRISE
    assert "Orion" in company.aliases
    assert ents["school-enterprise cooperation signing ceremony"].date == "2024-09-10"
    assert not any("Agreement" in name for name in ents)


def test_western_names_surnames_and_departments_of_a_public_remit(nlp):
    text = (
        "Dr. Emily R. Carter, President of Northfield Community College, thanked the Department of "
        "Commerce. \"We are proud,\" said Carter. The college will host the Regional Advanced "
        "Manufacturing Summit in Springfield on May 5."
    )
    ents, _ = entities(nlp, text)
    carter = ents["Emily R. Carter"]
    assert carter.type is EntityType.PERSON
    assert len(carter.mentions) == 2
    assert "Carter" not in ents
    assert ents["Department of Commerce"].type is EntityType.GOVERNMENT
    summit = ents["Regional Advanced Manufacturing Summit"]
    assert summit.place == ents["Springfield"].id
    assert summit.date == "2024-05-05"


def test_a_theme_is_not_a_name(nlp):
    ents, _ = entities(
        nlp, "The Kestrel Skills Forum, themed Bright Minds Shape Tomorrow, was held on June 2."
    )
    assert set(ents) == {"Kestrel Skills Forum"}


def test_unit_named_without_its_parent_takes_the_type_of_the_organisation_before_it(nlp):
    ents, _ = entities(
        nlp,
        "The guests from Harlow Systems Co., Ltd. were Wang Peng, Manager of the Finance Department, "
        "and Lin Qiu, Director of the Sales Department.",
    )
    assert ents["Finance Department"].type is EntityType.ENTERPRISE
    assert ents["Sales Department"].type is EntityType.ENTERPRISE


def test_units_listed_before_their_organisation_take_its_type(nlp):
    ents, _ = entities(
        nlp,
        "Fenwick Polytechnic signed an agreement with Harlow Systems Co., Ltd. on May 18. Heads of the "
        "Finance Department, the Planning Office and the Sales Department of Harlow Systems Co., Ltd. attended.",
    )
    assert ents["Finance Department"].type is EntityType.ENTERPRISE
    assert ents["Planning Office"].type is EntityType.ENTERPRISE


def test_a_place_named_without_its_place_word_is_one_place(nlp):
    ents, _ = entities(
        nlp, "The forum was held in Fernvale Province. Schools across Fernvale sent teachers to Hangzhou."
    )
    province = ents["Fernvale Province"]
    assert province.type is EntityType.PLACE
    assert "Fernvale" not in ents
    assert len(province.mentions) == 2


def test_participle_after_a_hyphen_ends_a_name(nlp):
    ents, _ = entities(nlp, "Kestrel University signed an agreement with Oslo-based firm Harlow Systems Co., Ltd.")
    assert "Harlow Systems Co., Ltd." in ents
    assert not any("based" in name for name in ents)


ARTICLE = """Kestrel University Holds 2024 Industry-Education Integration Forum

Posted on November 3, 2024

On October 30, the 2024 Industry-Education Integration Forum of Kestrel University was held in the \
Academic Exchange Center. Representatives from the Ministry of Industry and Information Technology, \
Harlow Systems Co., Ltd. and 30 universities including Maple University attended the forum.

Professor Xu Liwen, President of the University, delivered a speech. Zhao Kai, deputy director of \
the Higher Education Division of the Fernvale Education Department, also spoke.

According to Liu Fang, head of the Office of Academic Affairs, the university will open an industrial college."""


def test_article_headline_event_organiser_and_the_university(nlp):
    ents, _ = entities(nlp, ARTICLE, published="2024-11-03")
    assert "Kestrel University Holds" not in ents
    kestrel = ents["Kestrel University"]
    said = [ARTICLE[a:b] for a, b in kestrel.mentions]
    assert "the University" in said  # "President of the University"
    assert "the university" in said
    forum = ents["2024 Industry-Education Integration Forum of Kestrel University"]
    assert forum.type is EntityType.EVENT
    assert forum.aliases == ["2024 Industry-Education Integration Forum"]
    assert forum.date == "2024-10-30"  # not the publication date
    assert forum.place == ents["Academic Exchange Center"].id
    assert ents["Higher Education Division of the Fernvale Education Department"].type is EntityType.GOVERNMENT
    assert ents["Fernvale Education Department"].type is EntityType.GOVERNMENT
    assert ents["Office of Academic Affairs"].type is EntityType.COLLEGE


def test_parties_of_a_titled_ceremony_and_acronyms_of_a_school_and_its_university(nlp):
    text = (
        "Signing Ceremony of Cooperation between Harlow Systems Co., Ltd. & School of Ocean "
        "Engineering of Northbay Ocean University\n"
        "Staff of Harlow Systems Co., Ltd. visited SOE of NBOU on May 3. Wu Fang, Dean of SOE, and "
        "Xie Lan from NBOU attended the ceremony."
    )
    ents, _ = entities(nlp, text)
    school = ents["School of Ocean Engineering of Northbay Ocean University"]
    assert school.type is EntityType.COLLEGE
    assert {"SOE", "SOE of NBOU"} <= set(school.aliases)
    university = ents["Northbay Ocean University"]
    assert university.aliases == ["NBOU"]
    assert ents["Harlow Systems Co., Ltd."].type is EntityType.ENTERPRISE
    assert "SOE" not in ents
    assert "NBOU" not in ents


def test_the_competition_refers_to_the_named_competition_not_a_described_ceremony(nlp):
    text = (
        "On April 12, the 5th Kestrel Vocational Skills Competition was held. Lin Xue attended the "
        "opening ceremony. The competition was undertaken by Harlow Systems Co., Ltd."
    )
    ents, _ = entities(nlp, text)
    contest = ents["5th Kestrel Vocational Skills Competition"]
    assert "The competition" in [text[a:b] for a, b in contest.mentions]
    assert contest.date == "2024-04-12"


def test_capitals_line_compound_surnames_hyphenated_given_names_and_coordinated_acronyms(nlp):
    text = (
        "KESTREL UNIVERSITY SIGNS DEAL WITH HARLOW GROUP\n"
        "Kestrel University signed a deal with Harlow Group. Ouyang Minghui and Wang Xiao-ming spoke. "
        "Teachers from NBU and QXZU attended."
    )
    ents, _ = entities(nlp, text)
    assert ents["Kestrel University"].type is EntityType.COLLEGE
    assert not any(name.isupper() and len(name) > 5 for name in ents)  # no "KESTREL" acronyms
    assert ents["Ouyang Minghui"].type is EntityType.PERSON
    assert ents["Wang Xiao-ming"].type is EntityType.PERSON
    assert {"NBU", "QXZU"} <= set(ents)


def test_byline_names_written_as_one_word(nlp):
    ents, _ = entities(nlp, "(Written by Gao Ming/Reviewed by Tang Li/Zhaominghui)\n\nThe fair was held.")
    assert ents["Gao Ming"].type is EntityType.PERSON
    assert ents["Zhaominghui"].type is EntityType.PERSON


def test_hereinafter_referred_to_as_defines_an_alias(nlp):
    text = (
        'Kestrel Power Battery Co., Ltd. (hereinafter referred to as "Kestrel Power") signed an '
        "agreement with Birch University. Kestrel Power will fund 20 scholarships."
    )
    ents, _ = entities(nlp, text)
    company = ents["Kestrel Power Battery Co., Ltd."]
    assert company.aliases == ["Kestrel Power"]
    assert "Kestrel Power" not in ents
    assert [text[a:b] for a, b in company.mentions][-1] == "Kestrel Power"


def test_headline_verbs_people_units_and_party_committees(nlp):
    text = (
        "Vice President Li Ming Leads Delegation to Visit Kestrel Heavy Industry Group\n\n"
        "On March 8, Li Ming led a delegation to visit Kestrel Heavy Industry Group. Sun Jie, Director "
        "of its Human Resources Department, received the delegation. Li Ming thanked the company. "
        "The CPC Kestrel Municipal Committee supported the project."
    )
    ents, _ = entities(nlp, text)
    assert set(ents) == {
        "Li Ming", "Kestrel Heavy Industry Group", "Sun Jie", "Human Resources Department",
        "CPC Kestrel Municipal Committee",
    }
    group = ents["Kestrel Heavy Industry Group"]
    assert "the company" in [text[a:b] for a, b in group.mentions]
    assert ents["Human Resources Department"].type is EntityType.ENTERPRISE
    assert ents["CPC Kestrel Municipal Committee"].type is EntityType.GOVERNMENT


def test_page_furniture_is_not_a_name(nlp):
    text = (
        "Home | News | Contact Us\nKestrel University signed a deal with Harlow Group.\n"
        "Editor: Li Na\nCopyright 2024 Kestrel University. All Rights Reserved."
    )
    ents, _ = entities(nlp, text)
    assert set(ents) == {"Kestrel University", "Harlow Group", "Li Na"}


def test_he_as_a_surname_and_a_description_with_of_the(nlp):
    text = (
        "On May 20, the signing ceremony of the strategic cooperation agreement was held. Present were "
        "Chen Yu, President of Birch University, and He Lin, General Manager of Harlow Group. "
        "He Lin said Harlow Group will offer internships."
    )
    ents, _ = entities(nlp, text)
    assert ents["He Lin"].type is EntityType.PERSON
    assert len(ents["He Lin"].mentions) == 2
    assert "Lin" not in ents
    event = ents["signing ceremony of the strategic cooperation agreement"]
    assert event.date == "2024-05-20"


def test_the_institute_is_the_research_institute_named_before(nlp):
    text = (
        "Kestrel University hosted Wang Li of the Birch Energy Research Institute. The Institute will "
        "open a lab. The university thanked her."
    )
    ents, _ = entities(nlp, text)
    institute = ents["Birch Energy Research Institute"]
    assert institute.type is EntityType.ORGANIZATION
    assert "The Institute" in [text[a:b] for a, b in institute.mentions]
    assert "The university" in [text[a:b] for a, b in ents["Kestrel University"].mentions]


def test_one_college_named_with_different_school_words(nlp):
    text = (
        "Liu Qing, Secretary of Fernvale Teachers College, visited Kestrel University. Liu Qing "
        "introduced Fernvale Teachers University and its research. Kestrel Institute of Technology "
        "and Kestrel University are different schools."
    )
    ents, _ = entities(nlp, text)
    college = ents["Fernvale Teachers College"]
    assert college.aliases == ["Fernvale Teachers University"]
    assert "Fernvale Teachers University" not in ents
    assert {"Kestrel University", "Kestrel Institute of Technology"} <= set(ents)


def test_a_unit_and_a_unit_of_the_same_name_in_one_sentence_are_two(nlp):
    text = (
        "The guests from Harlow Systems Co., Ltd. were Wang Peng, Manager of the Finance Department, "
        "and Lin Qiu, Manager of the Finance Department of the Harlow Logistics Group."
    )
    ents, _ = entities(nlp, text)
    assert {"Finance Department", "Finance Department of the Harlow Logistics Group"} <= set(ents)


def test_possessive_group_nouns_stay_in_names_and_a_shorter_college_is_another_college(nlp):
    text = (
        "Kestrel Women’s University and the Fernvale Municipal People's Government signed an agreement. "
        "Kestrel University’s School of Law joined."
    )
    ents, _ = entities(nlp, text)
    assert ents["Kestrel Women’s University"].type is EntityType.COLLEGE
    assert ents["Fernvale Municipal People's Government"].type is EntityType.GOVERNMENT
    assert ents["Kestrel University"].type is EntityType.COLLEGE
    assert ents["Kestrel Women’s University"].aliases == []


def test_numbers_that_belong_to_names_stay(nlp):
    ents, _ = entities(nlp, "The 14th Five-Year Plan guides the work of the 3D Printing Laboratory.")
    assert ents["14th Five-Year Plan"].type is EntityType.POLICY
    assert ents["3D Printing Laboratory"].type is EntityType.ORGANIZATION


def test_vague_event_nouns_need_a_fuller_description(nlp):
    ents, _ = entities(
        nlp,
        "Students took part in cultural activities. The cooperation and exchange activities of "
        "vocational education were held on May 2.",
    )
    assert set(ents) == {"cooperation and exchange activities of vocational education"}


def test_given_name_of_two_syllables_written_apart(nlp):
    ents, _ = entities(nlp, "Wang Xiao Ming, Dean of Kestrel University, met the guests.")
    assert ents["Wang Xiao Ming"].type is EntityType.PERSON
    assert ents["Kestrel University"].type is EntityType.COLLEGE


def test_an_unnamed_event_is_named_by_its_fullest_description(nlp):
    ents, _ = entities(
        nlp,
        "On April 2, the signing ceremony for the Tallow Creek Smart Farming Industry College was held "
        "at Fernvale Polytechnic.",
    )
    assert ents["signing ceremony for the Tallow Creek Smart Farming Industry College"].type is EntityType.EVENT
    assert "signing ceremony" not in ents
    ents, _ = entities(nlp, "The opening ceremony of the Harlow Dairy Apprentice Class was held on May 3.")
    assert ents["opening ceremony of the Harlow Dairy Apprentice Class"].type is EntityType.EVENT
    assert "opening ceremony" not in ents


def test_a_programme_named_class_is_no_enterprise(nlp):
    ents, _ = entities(
        nlp, "The Harlow Dairy Apprentice Class is jointly run by Fernvale Polytechnic and Harlow Dairy Co., Ltd."
    )
    assert ents["Harlow Dairy Apprentice Class"].type is EntityType.PLATFORM
    assert ents["Harlow Dairy Co., Ltd."].type is EntityType.ENTERPRISE


def test_an_event_known_only_as_at_the_symposium_is_the_event_reported(nlp):
    ents, _ = entities(
        nlp,
        "A delegation from Harlow Motors Group visited Fenwick Polytechnic on May 2. At the symposium, "
        "Xu Ping introduced the college. The symposium lasted two hours.",
    )
    event = ents["symposium"]
    assert event.type is EntityType.EVENT
    assert len(event.mentions) == 2
    ents, _ = entities(nlp, "Harlow Motors Group visited Fenwick Polytechnic. Xu Ping said the visit was useful.")
    assert not [e for e in ents.values() if e.type is EntityType.EVENT]


def test_a_surname_that_reads_as_a_pronoun_opens_a_name_before_a_title(nlp):
    ents, _ = entities(nlp, "He Minglang, Director of the Fenwick Education Bureau, attended the forum.")
    assert ents["He Minglang"].type is EntityType.PERSON
    ents, _ = entities(nlp, "He said, Director Gao was pleased with Fenwick Polytechnic.")
    assert not [n for n in ents if n.startswith("He ")]


def test_our_school_in_a_report_of_a_received_delegation_is_the_host(nlp):
    ents, _ = entities(
        nlp,
        "On May 3, President Gao Ming received the visiting delegation led by Lin Tao, Dean of Fernvale "
        "Normal University. Lin Tao praised our school's training centres. Lin Tao said Fernvale Normal "
        "University hopes to work with Tallow Polytechnic. Fernvale Normal University has a long history.",
    )
    assert len(ents["Tallow Polytechnic"].mentions) == 2  # its name and "our school"
    assert len(ents["Fernvale Normal University"].mentions) == 3


def test_a_factory_workshop_is_no_event_but_a_workshop_held_is(nlp):
    ents, _ = entities(nlp, "Harlow Dairy Co., Ltd. is expanding its cheese packing workshop in Fenwick City.")
    assert not [e for e in ents.values() if e.type is EntityType.EVENT]
    ents, _ = entities(nlp, "Fenwick Polytechnic held a teacher training workshop on May 3.")
    assert ents["teacher training workshop"].type is EntityType.EVENT


def test_and_between_generic_words_stays_inside_a_name(nlp):
    ents, _ = entities(
        nlp, "The first class of the Orion Solar Industry College of Fenwick Vocational and Technical College began."
    )
    assert ents["Orion Solar Industry College of Fenwick Vocational and Technical College"].type is EntityType.COLLEGE
    assert "Technical College" not in ents
    ents, _ = entities(nlp, "Teachers of the School of Tourism and Hospitality attended the ceremony.")
    assert "School of Tourism and Hospitality" in ents
    ents, _ = entities(nlp, "The Ministry of Education and Harlow Technical College signed the plan.")
    assert "Harlow Technical College" in ents


def test_a_dateline_city_in_capitals_is_a_place(nlp):
    ents, _ = entities(nlp, "FENWICK, May 18, 2025 — Harlow Dairy Co., Ltd. opened a plant.\n\nHarlow Dairy hired 40 workers.")
    assert ents["FENWICK"].type is EntityType.PLACE
    ents, _ = entities(nlp, "Staff of HDC, Fenwick Polytechnic and Harlow Dairy Co., Ltd. met.")
    assert "HDC" not in ents or ents["HDC"].type is not EntityType.PLACE


def test_a_bare_brand_is_the_company_not_the_industry_college_named_after_it(nlp):
    ents, _ = entities(
        nlp,
        "Fenwick Polytechnic and Orion Motors Group agreed to build the Orion Smart Vehicle Industry College. "
        "Ma Lin, Vice President of Orion, spoke.",
    )
    assert "Orion" in ents["Orion Motors Group"].aliases
    assert "Orion" not in ents["Orion Smart Vehicle Industry College"].aliases


def test_a_camp_is_an_event_and_a_plural_possessive_stays_in_its_name(nlp):
    ents, _ = entities(nlp, "The 2025 Fenwick Teachers' Data Skills Training Camp opened on May 28 at Tallow Normal University.")
    assert ents["2025 Fenwick Teachers' Data Skills Training Camp"].type is EntityType.EVENT
    ents, _ = entities(nlp, "Fenwick Polytechnic held a summer camp for robotics on July 2.")
    assert ents["summer camp"].type is EntityType.EVENT


def test_a_vague_event_of_a_named_event_is_one_event(nlp):
    ents, _ = entities(
        nlp,
        "The industrial robot system integration event of the 2025 Tallow Skills Competition closed at "
        "Fenwick Polytechnic on May 18. The competition was sponsored by the Education Department of Tallow Province.",
    )
    event = ents["industrial robot system integration event of the 2025 Tallow Skills Competition"]
    assert "2025 Tallow Skills Competition" in event.aliases
    assert "2025 Tallow Skills Competition" not in ents
    assert len([e for e in ents.values() if e.type is EntityType.EVENT]) == 1


def test_a_company_short_name_the_ner_calls_a_place_is_the_company(nlp):
    text = "Oakhaven Semiconductor Co., Ltd. opened a plant. The company said Oakhaven is building a second plant."
    ents, doc = entities(nlp, text)
    assert [(e.text, e.label_) for e in doc.ents if e.text == "Oakhaven"] == [("Oakhaven", "GPE")]
    assert "Oakhaven" not in ents
    assert len(ents["Oakhaven Semiconductor Co., Ltd."].mentions) == 3
    ents, _ = entities(nlp, "Oakhaven Semiconductor Co., Ltd. opened a plant. It is building a second plant in Oakhaven.")
    assert ents["Oakhaven"].type is EntityType.PLACE


def test_our_university_is_not_a_college_coordinated_with_it(nlp):
    ents, _ = entities(
        nlp,
        "On May 3, our University and Fenwick Polytechnic and Tallow College jointly held a forum at Fenwick "
        "Polytechnic. Gao Ming, Vice President of KSU, spoke. Lin Tao, Dean of Fenwick Polytechnic, and Xu "
        "Ping, Dean of Fenwick Polytechnic, attended. The three schools discussed student exchange and "
        "teacher training. Fenwick Polytechnic hosted a dinner for our university.",
    )
    assert len(ents["KSU"].mentions) == 3  # its acronym and both "our university"


def test_a_generic_short_form_is_the_one_body_it_shortens(nlp):
    ents, _ = entities(
        nlp, "Gao Ming, Director of the Fenwick Education Bureau, spoke. The Education Bureau will fund ten labs."
    )
    assert "Education Bureau" not in ents
    assert len(ents["Fenwick Education Bureau"].mentions) == 2
    ents, _ = entities(
        nlp,
        "The Fenwick Education Bureau and the Tallow Education Bureau signed a plan. The Education Bureau "
        "will fund ten labs.",
    )
    assert len(ents["Fenwick Education Bureau"].mentions) == 1


def test_a_named_building_of_a_college_is_a_place_and_the_college_a_name(nlp):
    ents, doc = entities(nlp, "On March 10, the signing ceremony was held in the Science Building of Fenwick Polytechnic.")
    assert ents["Science Building of Fenwick Polytechnic"].type is EntityType.PLACE
    assert ents["Fenwick Polytechnic"].type is EntityType.COLLEGE
    names = {d.id: d.name for d in doc._.eikg_entities}
    located = {(names[r.head], names[r.tail]) for r in doc._.eikg_relations if r.type.value == "LOCATED_IN"}
    assert ("signing ceremony", "Science Building of Fenwick Polytechnic") in located


def test_a_name_glued_or_split_by_web_text_is_the_same_entity_named_with_its_spaces(nlp):
    text = (
        "Zhao Minghui, President of Fernvale Polytechnic, signed an agreement with Brightforge Robotics Co.LTD "
        "on May 6. ZhaoMinghui said that FernvalePolytechnic and Brightforge Robotics Co., LTD would train "
        "200 technicians."
    )
    ents, _ = entities(nlp, text)
    assert set(ents) == {"Zhao Minghui", "Fernvale Polytechnic", "Brightforge Robotics Co., LTD"}
    assert ents["Zhao Minghui"].aliases == ["ZhaoMinghui"]
    assert ents["Fernvale Polytechnic"].aliases == ["FernvalePolytechnic"]
    assert ents["Brightforge Robotics Co., LTD"].aliases == ["Brightforge Robotics Co.LTD"]
