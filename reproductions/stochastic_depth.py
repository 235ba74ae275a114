"""Deep Networks with Stochastic Depth (Huang et al. 2016): parameters of the stochastic-depth
ResNet-110/1202 (lecture 004, DenseNet slide table, and WRN slide table), and the expected
depth and compute saving under the linear decay rule with p_L = 0.5 (paper, Sec. 3)."""

from __future__ import annotations

import math

from keras_cnns.stochastic_depth import expected_blocks, survival_probabilities
from reproductions.cells import Published, TableSpec, check_tables, published
from reproductions.measure import TRAINABLE, measure
from reproductions.evidence import RESNET1202_PARAMS

KEY = "stochastic-depth"
PAPER = "Huang et al., Deep Networks with Stochastic Depth, ECCV 2016 (arXiv:1603.09382)"

LECTURE_DENSENET = ("Lecture 004 slide 'DenseNet' (Huang et al. 2017 Table 2), row 'ResNet with "
                    "Stochastic Depth [13]'")
LECTURE_WRN = "Lecture 004 slide 'Wide Residual Network' (Zagoruyko & Komodakis 2016), row 'stoc-depth[14]'"
SEC3 = "Huang et al. 2016, Sec. 3 'Expected network depth' / 'Training time savings' (ResNet-110, L = 54, p_L = 0.5)"
PARAMS = ("trainable parameters: conv/FC weights, FC bias, batch-norm gamma/beta (moving "
          "statistics not counted), CIFAR-10 head")
PARAMS_METRIC = TRAINABLE.described(PARAMS)
_DEVIATION_1202 = RESNET1202_PARAMS

_PARAMS = [(source, f"ResNet-{depth} with stochastic depth ({table} table)",
            f"stochastic-depth-resnet-{depth}", printed, dev)
           for source, table in ((LECTURE_DENSENET, "DenseNet"), (LECTURE_WRN, "WRN"))
           for depth, printed, dev in ((110, "1.7", None), (1202, "10.2", _DEVIATION_1202))]

PARAMS_CELLS = [Published(source, row, "params", printed, "M", deviation=dev, model=model,
                          metric=PARAMS_METRIC)
                for source, row, model, printed, dev in _PARAMS]

EXPECTED_DEPTH_CELLS = [
    Published(SEC3, "ResNet-110 (L = 54 ResBlocks)", "expected active ResBlocks E(L~)", "40",
              convention="sum of the linear-rule survival probabilities p_l = 1 - l/L (1 - p_L)"),
    Published(SEC3, "ResNet-110 (L = 54 ResBlocks)", "training time saving", "25", "%",
              convention=("ours: the expected fraction of the network's forward "
                          "multiply-adds skipped (dropped blocks are not computed); the "
                          "measured wall-clock saving is printed by "
                          "`python -m reproductions.bench_stochastic_depth`")),
]


def _blocks(name: str) -> list:
    """Profiles of the StochasticDepth layers of registry model ``name``, in graph order."""
    return measure(name).profile.select("StochasticDepth")


def _expected_saving(name: str) -> float:
    """Expected share of the forward mult-adds a training step skips (per block p_l)."""
    blocks = _blocks(name)
    probabilities = survival_probabilities(len(blocks), 0.5)
    skipped = math.fsum((1 - p) * layer.macs for p, layer in zip(probabilities, blocks))
    return skipped / measure(name).profile.macs


def _params_details() -> str:
    return "Nets counted: " + ", ".join(f"`{measure(f'stochastic-depth-resnet-{depth}').call}`"
                                        for depth in (110, 1202))


def _expected_depth() -> tuple[dict, str]:
    blocks = len(_blocks("stochastic-depth-resnet-110"))
    depth = {
        ("ResNet-110 (L = 54 ResBlocks)", "expected active ResBlocks E(L~)"):
            expected_blocks(blocks, 0.5),
        ("ResNet-110 (L = 54 ResBlocks)", "training time saving"):
            100 * _expected_saving("stochastic-depth-resnet-110"),
    }
    return depth, (f"Our ResNet-110 has {blocks} StochasticDepth blocks; "
                   f"E(L~) = (3L - 1)/4 = {(3 * blocks - 1) / 4:g}.")


TABLES = [
    TableSpec("params", "Parameters of the stochastic-depth ResNets",
              f"{LECTURE_DENSENET}; {LECTURE_WRN}", PARAMS_CELLS, details=_params_details),
    TableSpec("expected_depth", "Expected depth and saving, linear decay, p_L = 0.5", SEC3,
              EXPECTED_DEPTH_CELLS, _expected_depth),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
