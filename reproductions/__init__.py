"""One reproduction per paper: ``python -m reproductions <paper>|all``.

Each paper module defines ``KEY``, ``PAPER`` (the citation), ``PUBLISHED`` (every published
cell, by table id, as :class:`reproductions.cells.Published` data) and ``tables()``, which
builds the models, computes our figures and checks them against those cells.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: Paper key -> module. The order is the order of ``all``.
PAPERS = {
    "vgg": "reproductions.vgg",
    "mobilenet": "reproductions.mobilenet",
    "googlenet": "reproductions.googlenet",
    "resnet": "reproductions.resnet",
    "alexnet": "reproductions.alexnet",
    "complexity-lecture": "reproductions.complexity_lecture",
    "wrn": "reproductions.wrn",
    "densenet": "reproductions.densenet",
    "stochastic-depth": "reproductions.stochastic_depth",
    "resnext": "reproductions.resnext",
    "senet": "reproductions.senet",
    "mobilenetv2": "reproductions.mobilenetv2",
    "mobilenetv3": "reproductions.mobilenetv3",
    "shufflenet": "reproductions.shufflenet",
    "efficientnet": "reproductions.efficientnet",
    "cbam": "reproductions.cbam",
    "eca": "reproductions.eca",
    "sknet": "reproductions.sknet",
    "resnest": "reproductions.resnest",
    "residual-attention": "reproductions.residual_attention",
    "inception": "reproductions.inception",
    "xception": "reproductions.xception",
    "pyramidnet": "reproductions.pyramidnet",
    "cifar-baselines": "reproductions.cifar_baselines",
    "receptive-fields": "reproductions.receptive_fields",
    "survey": "reproductions.survey",
}


def load(key: str) -> ModuleType:
    if key not in PAPERS:
        raise ValueError(f"Unknown paper; expected one of {', '.join(PAPERS)} or all. "
                         f"Received: paper={key!r}")
    return importlib.import_module(PAPERS[key])
