from privacy import contains_redactions, mask_id_number, mask_name, mask_phone, redact


def test_id_phone_and_card_numbers_are_replaced():
    text = "我身份证号990101199001011132，电话13912345678，卡号6217000012345678900"
    result = redact(text)
    assert "990101199001011132" not in result
    assert "13912345678" not in result
    assert "6217000012345678900" not in result
    assert "[身份证号已隐藏]" in result and "[手机号已隐藏]" in result and "[卡号已隐藏]" in result
    assert contains_redactions(result)


def test_id_number_with_x_and_phone_with_spaces():
    assert "99010119900101113X" not in redact("身份证 99010119900101113X 好")
    assert "1391234" not in redact("电话 139 1234 5678")


def test_ordinary_numbers_stay():
    text = "起付线800元，报销比例60%，2012年，住院15天"
    assert redact(text) == text
    assert not contains_redactions(text)


def test_masks():
    assert mask_name("张文厚") == "张*厚"
    assert mask_name("张三") == "张*"
    assert mask_id_number("990101199001011132") == "9901**********1132"
    assert mask_phone("19912341132") == "199****1132"
