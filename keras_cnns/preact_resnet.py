"""Pre-activation ResNets of He et al., Identity Mappings in Deep Residual Networks,
ECCV 2016 (arXiv:1603.05027), CIFAR models of Sec. 5 / Table 3-4.

Every unit is ``x + F(x)`` with batch normalisation and ReLU *before* each conv (Fig. 1b,
"full pre-activation"), and nothing after the addition. ``bottleneck=False`` gives the
basic unit (two 3x3 convs; depth ``6n+2``, e.g. 110) with 16/32/64 filters;
``bottleneck=True`` gives the bottleneck unit (1x1, 3x3, 1x1; depth ``9n+2``, e.g. 164
and 1001) with 16/32/64 bottleneck and 64/128/256 output filters. Where the channels or
the resolution change, the unit's leading BN-ReLU is shared by the residual and a 1x1
projection shortcut (as the authors' ``resnet-pre-act.lua`` does); elsewhere the
shortcut is the identity. After the last unit: BN, ReLU, global average pooling and the
classifier. Convs have no biases (each feeds a batch normalisation): our convention.

Extension point: :func:`preact_network` (conv1, stages of pre-activation units, the final
BN-ReLU and the classifier), which Wide ResNets use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_depth
from keras_cnns.blocks import StageSpec, conv, norm_act, preact_block, run_stages
from keras_cnns.contract import Head
from keras_cnns.resnet_cifar import cifar_stages

PAPER = ("He, Zhang, Ren & Sun, Identity Mappings in Deep Residual Networks, ECCV 2016 "
         "(arXiv:1603.05027)")
BASE_FILTERS = (16, 32, 64)
PRESET = "torch"


def basic_unit(x, filters: int, strides: int, *, name: str, dropout: float = 0.0):
    """B(3,3): two 3x3 convs of ``filters`` (stride on the first)."""
    return preact_block(x, [(3, filters), (3, filters)], filters, strides, name=name,
                        preset=PRESET, dropout=dropout)


def bottleneck_unit(x, filters: int, strides: int, *, name: str):
    """1x1 (filters/4, carries the stride), 3x3 (filters/4), 1x1 (filters)."""
    return preact_block(x, [(1, filters // 4), (3, filters // 4), (1, filters)], filters,
                        strides, name=name, preset=PRESET)


def preact_network(head: Head, stages: Sequence[StageSpec], unit: Callable, model_name: str,
                   family: str, stem_filters: int = 16, **unit_options) -> keras.Model:
    """conv1 (3x3, no BN after it), the ``stages`` of ``unit``, the final BN-ReLU, the
    classifier."""
    inputs, x = head.inputs((32, 32, 3), min_size=8, model_name=family)
    x = conv(x, stem_filters, 3, name="conv1_conv", preset=PRESET)
    x = run_stages(x, stages, unit, **unit_options)
    x = norm_act(x, name="post", preset=PRESET)
    return head.model(inputs, head.classifier(x), model_name)


@registry.register(
    "preact-resnet", paper=PAPER, reproduction="wrn", input_shape=(32, 32, 3), classes=10, min_size=8,
    names=[registry.name("preact-resnet-{depth}")],
    models=["preact-resnet-110", "preact-resnet-164", "preact-resnet-1001"],
    aliases={f"preact-resnet{d}": f"preact-resnet-{d}" for d in (110, 164, 1001)},
    smallest="preact-resnet-8")
def PreActResNet(depth: int = 164, bottleneck: bool | None = None, *, include_top: bool = True,
                 weights=None, input_tensor=None, input_shape=None, pooling=None,
                 classes: int = 10, classifier_activation="softmax",
                 name: str | None = None) -> keras.Model:
    """Pre-activation ResNet-``depth`` for CIFAR (He et al. 2016): 110, 164, 1001.

    Args:
        depth: ``6n+2`` with basic units, ``9n+2`` with bottleneck units.
        bottleneck: unit type; ``None`` picks the paper's: bottleneck from depth 164 on
            (164, 1001), basic below (110).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    if bottleneck is not None:
        check_bool("bottleneck", bottleneck)
    check_depth("Pre-activation ResNet", depth, "an integer", True)
    if bottleneck is None:
        bottleneck = depth >= 164
    if bottleneck:
        family, per = "Pre-activation ResNet (bottleneck)", 9
    else:
        family, per = "Pre-activation ResNet (basic)", 6
    check_depth(family, depth, f"{per}n+2 (n >= 1)",
                lambda d: d >= per + 2 and (d - 2) % per == 0)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    widths = tuple(4 * f for f in BASE_FILTERS) if bottleneck else BASE_FILTERS
    return preact_network(head, cifar_stages((depth - 2) // per, widths),
                          bottleneck_unit if bottleneck else basic_unit,
                          f"preact_resnet{depth}", family)
