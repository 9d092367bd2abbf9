import pytest

from knowledge.answer import answer_question
from knowledge.search import KnowledgeSearch, SearchSettings

from .conftest import make_entry

SETTINGS = SearchSettings(threshold=0.45)


@pytest.fixture(params=["lexical", "hybrid"])
def search(request, entries, encoder):
    return KnowledgeSearch(entries, encoder if request.param == "hybrid" else None, settings=SETTINGS)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("我的慢病卡刷不了", "chronic_card_failure-001"),
        ("門特卡為什麼刷不出來", "chronic_card_failure-001"),
        ("去外省住院之前要办备案吗", "cross_region_filing-001"),
        ("住院报销封顶线是多少", "deductible_cap-001"),
    ],
)
def test_finds_the_entry_residents_mean(search, question, expected):
    hits = search.search(question)
    assert hits[0].entry.id == expected


def test_drafts_are_not_searchable(search):
    assert all(hit.entry.id != "maternity-001" for hit in search.search("生育保险和医保合并了吗"))


def test_unrelated_question_is_not_answered(search):
    result = answer_question(search, "明天武汉天气怎么样")
    assert not result.answered


def test_answer_cites_region_and_year_and_asks_for_region_when_unknown(search):
    result = answer_question(search, "异地就医怎么备案")
    assert result.answered and result.entry_id == "cross_region_filing-001"
    assert result.citation == "山东省青岛市，2019年"
    assert result.region_note
    assert not answer_question(search, "异地就医怎么备案", region="青岛").region_note


def test_known_region_prefers_its_entries(entries, encoder):
    twin = make_entry(
        "deductible_cap-002", "起付线和封顶线是多少", ["起付线是多少", "封顶线多少", "报销上限", "起付标准", "最多报多少"],
        "青岛的起付线按医院级别确定。", region=("370200", "山东省青岛市"), year=2019,
    )
    search = KnowledgeSearch([*entries, twin], encoder, settings=SETTINGS)
    assert search.search("起付线是多少", region="青岛市")[0].entry.id == "deductible_cap-002"
    assert search.search("起付线是多少", region="嘉鱼县")[0].entry.id == "deductible_cap-001"


def test_upsert_and_retire_change_answers_without_rebuilding_the_service(search):
    search.upsert(make_entry(
        "maternity-001", "生育保险和医保合并了吗", ["生育保险还单独交吗", "生孩子能报销吗", "生育津贴怎么领", "生育险合并", "产检报销"],
        "生育保险已与职工医保合并实施。",
    ))
    assert search.search("生育保险还要单独交吗")[0].entry.id == "maternity-001"
    search.retire("maternity-001")
    assert all(hit.entry.id != "maternity-001" for hit in search.search("生育保险还要单独交吗"))
