"""Small knowledge bases and a character-count encoder, so the search math runs without the model."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.entries import Entry


class CharacterEncoder:
    """Bag-of-characters vectors hashed into 64 dimensions: similar wording, similar vectors."""

    available = True
    name = "chars64"
    dim = 64

    def encode(self, texts, batch_size=64, show_progress=False):  # noqa: ARG002
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for char in text:
                vectors[row, hash(char) % self.dim] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def encode_query(self, text):
        return self.encode([text])[0]


def make_entry(entry_id, title, questions, answer, region=None, year=None, status="published"):
    code, name = region if region else (None, "通用")
    return Entry(
        id=entry_id, title=title, topic=entry_id.rsplit("-", 1)[0], answer=answer, questions=tuple(questions),
        region_code=code, region_name=name, effective=year, status=status,
    )


@pytest.fixture
def entries():
    return [
        make_entry(
            "chronic_card_failure-001", "门诊慢特病卡刷不了的常见原因",
            ["慢病卡刷不了怎么办", "门特卡在药店刷不出来", "慢性病卡提示待遇不符", "特慢病刷卡失败", "门慢卡用不了"],
            "门诊慢特病刷不了，常见原因是病种未认定、药品与病种不对应、欠费或不在定点机构。",
        ),
        make_entry(
            "cross_region_filing-001", "异地就医备案怎么办理",
            ["异地就医怎么备案", "去外地住院要备案吗", "长期在外省生活看病怎么报", "异地安置备案材料", "外地看病先办什么"],
            "长期在外地居住或工作，先到参保地办理异地就医备案，再到就医地定点医院直接结算。",
            region=("370200", "山东省青岛市"), year=2019,
        ),
        make_entry(
            "deductible_cap-001", "起付线和封顶线是什么",
            ["起付线是多少", "封顶线多少钱", "报销有没有上限", "起付标准怎么算", "一年最多报多少"],
            "起付线以下的费用自己付，封顶线以上基本医保不再支付，嘉鱼县2012年封顶线为当地平均工资的6倍。",
            region=("421221", "湖北省嘉鱼县"), year=2012,
        ),
        make_entry(
            "maternity-001", "生育保险和医保合并了吗",
            ["生育保险还单独交吗", "生孩子能报销吗", "生育津贴怎么领", "生育险和医保合并", "怀孕产检报销"],
            "生育保险已与职工医保合并实施，参加职工医保即享受生育保险待遇。",
            status="draft",
        ),
    ]


@pytest.fixture
def encoder():
    return CharacterEncoder()
