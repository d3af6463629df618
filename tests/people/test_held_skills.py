"""people.selectors.held_skills with `requested`: the rows a skill score reads, found in SQL
by a pattern that must let through every skill whose name equals a requested one ignoring
case (str.casefold, as planning.skills compares), non-ASCII names included."""

import pytest

from people import selectors
from people.models import Person, PersonSkill, SkillTag
from planning.skills import normalize_requested, skill_score
from tests.client import exact_queries

# (names the session's small.json does not hold)
HELD = ["Zq C++", "Zq Node.js (v20)", "Zq Straße", "Zq \u212aelvin", "Zq Java", "Zq_Go", "Zq"]
REQUESTED = ["zq c++", "ZQ NODE.JS (V20)", "zq STRASSE", "zq kelvin", "zq_GO", "Zq Rust", "zQ"]


@pytest.fixture
def people(db):
    tags = [SkillTag.objects.create(name=name) for name in HELD]
    made = []
    for i in range(3):
        person = Person.objects.create(name=f"Skilled {i}", weekly_capacity=40)
        for tag in tags[i:]:
            PersonSkill.objects.create(
                person=person, skill=tag, proficiency="advanced", kind="strength"
            )
        made.append(person)
    return made


@pytest.mark.parametrize("through_join", [False, True])
def test_requested_skills_are_what_the_score_reads(people, monkeypatch, through_join):
    if through_join:  # as a report asks: thousands of ids, read through the people query
        monkeypatch.setattr(selectors, "MAX_ID_LIST", 0)
    ids = [p.id for p in people]
    among = Person.objects.filter(name__startswith="Skilled ")
    requested = normalize_requested(REQUESTED)
    everything = selectors.held_skills(ids)
    with exact_queries(1) as queries:
        found = selectors.held_skills(ids, among, requested)
    sql = queries.captured_queries[0]["sql"]
    assert (str(ids[0]) not in sql) is through_join
    assert {pid: sorted(s.name for s in held) for pid, held in found.items()} == {
        ids[0]: sorted(HELD[:4] + HELD[5:]),
        ids[1]: sorted(HELD[1:4] + HELD[5:]),
        ids[2]: sorted(HELD[2:4] + HELD[5:]),
    }
    for pid in ids:
        assert skill_score(found[pid], requested) == skill_score(everything[pid], requested)
    assert skill_score(found[ids[0]], requested).matched_skills == HELD[:4] + HELD[5:]


def test_the_pattern_spells_ascii_names_in_both_cases():
    # "straße" casefolds to ASCII ("strasse"): an ASCII name can equal it
    assert selectors._names_pattern(["c++", "Go lang", "straße"]) == (
        r"^(?:[Cc]\+\+|[Gg][Oo]\ [Ll][Aa][Nn][Gg]|[Ss][Tt][Rr][Aa][Ss][Ss][Ee])$|[^ -~]"
    )
    assert selectors._names_pattern(["日本"]) == "[^ -~]"
