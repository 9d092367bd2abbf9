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
