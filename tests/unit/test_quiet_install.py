"""`make install` (and so a newcomer's first `make run`) prints no advice meant for someone else."""

from __future__ import annotations

import logging

import pytest

from scripts.build_sentence_model import _quiet_preprocessing_advice

ADVICE = ("Please consider to run pre-processing before quantization. Refer to example: "
          "https://github.com/microsoft/onnxruntime-inference-examples/blob/main/quantization/image_classification/"
          "cpu/ReadMe.md ")


def test_onnxruntimes_preprocessing_advice_is_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)

    with _quiet_preprocessing_advice():
        logging.warning(ADVICE)  # as onnxruntime.quantization logs it, on the root logger
        logging.warning("a real problem")
    logging.warning(ADVICE)

    assert [r.getMessage() for r in caplog.records] == ["a real problem", ADVICE]

