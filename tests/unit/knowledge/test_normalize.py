from knowledge.normalize import normalize_text


def test_traditional_becomes_simplified():
    assert normalize_text("慢病卡為什麼刷不了") == "慢病卡为什么刷不了"


def test_full_width_and_spacing():
    assert normalize_text("ＡＢＣ　１２３   医保！！！") == "abc 123 医保!"


def test_dialect_forms_become_mandarin():
    assert normalize_text("去外地住院咋个报销") == "去外地住院怎么报销"
    assert normalize_text("點解唔得刷卡") == "为什么不行刷卡"


def test_identifiers_are_redacted():
    assert "990101199001011132" not in normalize_text("我的身份证990101199001011132")


def test_cantonese_thanks_is_not_turned_into_a_negation():
    assert normalize_text("唔該晒") == "谢谢晒"
    assert normalize_text("唔係咁") == "不是咁"
