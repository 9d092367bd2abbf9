from pathlib import Path

import yaml

from knowledge import segment


def test_colloquial_words_map_to_policy_words():
    assert "门诊慢特病" in segment.words("我的慢病卡刷不了")
    assert segment.characters("门特") == segment.characters("门诊慢特病")


def test_canonical_words_are_never_rewritten_inside_themselves():
    for canonical in set(segment.synonym_table().values()):
        assert segment.apply_synonyms(canonical) == canonical


def test_user_dictionary_keeps_terms_whole():
    assert "异地就医" in segment.words("异地就医怎么备案")
    assert "起付线" in segment.words("起付线是多少")


def test_rasa_loads_the_same_user_dictionary():
    repo = Path(segment.__file__).resolve().parents[1]
    pipeline = yaml.safe_load((repo / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    jieba = next(component for component in pipeline if component["name"] == "JiebaTokenizer")
    assert (repo / jieba["dictionary_path"]).resolve() == segment.USER_DICT_DIR.resolve()
    assert list(segment.USER_DICT_DIR.glob("*.txt"))
