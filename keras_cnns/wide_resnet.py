"""Wide Residual Networks, Zagoruyko & Komodakis, BMVC 2016 (arXiv:1605.07146), Table 1.

WRN-d-k: conv1 3x3 with 16 filters, then groups conv2/conv3/conv4 of ``N = (d-4)/6``
pre-activation B(3,3) blocks with ``16k``, ``32k``, ``64k`` filters on 32x32, 16x16 and
8x8 maps, then BN, ReLU, 8x8 average pooling and the classifier. As in the authors' code
(``szagoruyko/wide-residual-networks``): dropout (Sec. 2.4) sits between the two convs of a
block after BN-ReLU; a block whose width or resolution changes shares its leading BN-ReLU
with a 1x1 projection shortcut; convs have no biases; the classifier has one.
"""

from __future__ import annotations

import keras

from keras_cnns import _common
from keras_cnns.preact_resnet import STAGE_NAMES, basic_unit, preact_network

BASE_FILTERS = (16, 32, 64)


def WideResNet(depth: int = 28, k: int = 10, dropout: float = 0.0, include_top: bool = True,
               input_tensor=None, input_shape=None, pooling=None, classes: int = 10,
               classifier_activation="softmax", name: str | None = None) -> keras.Model:
    """WRN-``depth``-``k`` (Table 1): e.g. WRN-40-4, WRN-16-8, WRN-28-10, WRN-16-4.

    Args:
        depth: ``6N+4`` as the paper counts it (conv1, the ``6N`` convs of the ``3N``
            blocks and the three 1x1 projection convs).
        k: widening factor (>= 1); ``k=1`` is the thin pre-activation ResNet.
        dropout: dropout rate between the convs of each block, in [0, 1) (0.3 in the paper's
            "with dropout" rows).
        include_top, input_tensor, input_shape, pooling, classes, classifier_activation:
            as in ``keras.applications``; the default input is 32x32x3.
    """
    _common.check_depth("WRN", depth, "6n+4",
                        isinstance(depth, int) and depth >= 10 and (depth - 4) % 6 == 0)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"WRN widening factor k must be an integer >= 1. Received: k={k!r}")
    _common.check_range("dropout", dropout, 0.0, 1.0, low_open=False, high_open=True)
    _common.check_head(include_top, pooling, classes, classifier_activation)
    inputs, x = _common.model_input(input_shape, input_tensor, (32, 32, 3), min_size=8,
                                    model_name="WRN")
    n = (depth - 4) // 6
    stages = []
    for index, (stage_name, base) in enumerate(zip(STAGE_NAMES, BASE_FILTERS)):
        stages.append([
            (lambda t, b=b, s=(2 if index and b == 1 else 1), sn=stage_name, f=base * k:
             basic_unit(t, f, s, f"{sn}_block{b}", dropout)) for b in range(1, n + 1)])
    return preact_network(inputs, x, stages, include_top, pooling, classes, classifier_activation,
                          name or f"wrn_{depth}_{k}")
