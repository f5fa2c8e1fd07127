"""The committed question-tower weights: the build uses them only when they are the ones their recipe names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from scripts.build_sentence_model import (
    LAYERS,
    PASSAGE_TOWER,
    QUESTION_TOWER,
    QUESTION_TOWER_FOLDER,
    passage_tower,
    question_tower,
)


@pytest.mark.parametrize("tower", [question_tower, passage_tower])
def test_the_committed_top_layers_match_their_recipe_and_name_only_the_layers_it_trained(tower: Any) -> None:
    tuned = tower()
    recipe = json.loads((QUESTION_TOWER_FOLDER / "recipe.json").read_text(encoding="utf-8"))
    trained = recipe["settings"]["trained_layers"]

    layers = {int(name.split(".")[2]) for name in tuned}
    assert 0 < trained < LAYERS
    assert layers == set(range(LAYERS - trained, LAYERS))
    assert all(name.startswith("encoder.layer.") for name in tuned)


def test_the_two_towers_differ() -> None:
    question, passage = question_tower(), passage_tower()

    assert question.keys() == passage.keys()
    assert any(not (question[name] == passage[name]).all() for name in question)


def test_weights_that_are_not_the_recipes_are_refused(tmp_path: Path) -> None:
    shutil.copyfile(QUESTION_TOWER_FOLDER / QUESTION_TOWER, tmp_path / QUESTION_TOWER)
    recipe = json.loads((QUESTION_TOWER_FOLDER / "recipe.json").read_text(encoding="utf-8"))
    (tmp_path / "recipe.json").write_text(json.dumps({**recipe, "sha256": "0" * 64, "passage_sha256": "0" * 64}),
                                          encoding="utf-8")

    with pytest.raises(SystemExit, match="is not the recipe's"):
        question_tower(tmp_path)
    shutil.copyfile(QUESTION_TOWER_FOLDER / PASSAGE_TOWER, tmp_path / PASSAGE_TOWER)
    with pytest.raises(SystemExit, match="is not the recipe's"):
        passage_tower(tmp_path)
