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

from keras_cnns import registry
from keras_cnns.arguments import check_depth, check_int, check_rate
from keras_cnns.contract import Head
from keras_cnns.preact_resnet import BASE_FILTERS, basic_unit, preact_network
from keras_cnns.resnet_cifar import cifar_stages

PAPER = "Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016 (arXiv:1605.07146)"

#: WRN-d-k of the papers' tables (WRN Tables 4-6, DenseNet Table 2).
MODELS = ((16, 4), (16, 8), (16, 10), (22, 8), (28, 10), (40, 4), (40, 8))


@registry.register(
    "wrn", paper=PAPER, reproduction="wrn", input_shape=(32, 32, 3), classes=10, min_size=8,
    names=["wrn-{depth}-{k}"], models=[f"wrn-{d}-{k}" for d, k in MODELS], smallest="wrn-10-1")
def WideResNet(depth: int = 28, k: int = 10, dropout: float = 0.0, *, include_top: bool = True,
               weights=None, input_tensor=None, input_shape=None, pooling=None,
               classes: int = 10, classifier_activation="softmax",
               name: str | None = None) -> keras.Model:
    """WRN-``depth``-``k`` (Table 1): e.g. WRN-40-4, WRN-16-8, WRN-28-10, WRN-16-4.

    Args:
        depth: ``6N+4`` as the paper counts it (conv1, the ``6N`` convs of the ``3N``
            blocks and the three 1x1 projection convs).
        k: widening factor (>= 1); ``k=1`` is the thin pre-activation ResNet.
        dropout: dropout rate between the convs of each block, in [0, 1) (0.3 in the paper's
            "with dropout" rows).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    check_depth("WRN", depth, "6n+4 (n >= 1)", lambda d: d >= 10 and (d - 4) % 6 == 0)
    check_int("k", k, 1, "WRN widening factor k must be an integer >= 1.")
    check_rate("dropout", dropout)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    stages = cifar_stages((depth - 4) // 6, tuple(f * k for f in BASE_FILTERS))
    return preact_network(head, stages, basic_unit, f"wrn_{depth}_{k}", "WRN", dropout=dropout)
