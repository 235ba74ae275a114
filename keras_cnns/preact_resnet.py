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

ImageNet (:func:`PreActResNetImageNet`, registered ``preact-resnet-{depth}-imagenet``): the
pre-activation ResNets of He et al. 2016b's ImageNet experiments (Sec. 5, Table 5: ResNet-152
and ResNet-200) as the Torch code the published ImageNet figures come from builds them
(``fb.resnet.torch``, ``models/preresnet.lua``; its ResNet-200, 21.66/5.79 top-1/top-5,
64.7M parameters, is the "pre-ResNet-200" row of Zagoruyko & Komodakis 2016, arXiv:1605.07146v4,
Table 8): the stem of He et al. 2016 (7x7/2 conv, BN, ReLU, 3x3/2 max-pool), stages of 3, 24,
36, 3 bottleneck units (200; Table 1's rows for 18-152) of 64, 128, 256, 512 bottleneck
widths and 4x outputs, the stride on the 3x3 conv, then BN, ReLU, global average pooling and
the 1000-way classifier. As in ``preresnet.lua``: where the channels or the resolution
change, the shortcut is a 1x1 projection with BN of the unit's raw input (option B); the
units of the first stage have no leading BN-ReLU (the stem's BN-ReLU precedes them). Convs
have no biases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_depth
from keras_cnns.blocks import (StageSpec, conv, conv_norm_act, norm_act, preact_block,
                               residual_merge, run_stages)
from keras_cnns.contract import Head
from keras_cnns.resnet import ALL_DEPTHS, STAGE_WIDTHS
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


#: fb.resnet.torch ``preresnet.lua``: units per stage and whether they are bottlenecks (He
#: et al. 2016's Table 1 and ResNet-200's 3, 24, 36, 3, the same table as the ImageNet ResNet).
IMAGENET_DEPTHS = ALL_DEPTHS
IMAGENET_WIDTHS = STAGE_WIDTHS


def torch_stem(x):
    """conv1 (7x7/2, 64, BN, ReLU; 3 pixels of padding on every side, Torch's ``3,3``) and
    the 3x3/2 max-pool (He et al. 2016, Table 1) with the Torch preset."""
    x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(x)
    x = conv_norm_act(x, 64, 7, name="conv1", strides=2, padding="valid", preset=PRESET)
    return keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1_pool")(x)


def imagenet_unit(x, filters: int, strides: int, *, name: str, bottleneck: bool = True,
                  first: bool = False):
    """A pre-activation unit of ``preresnet.lua``: [BN-ReLU] conv (1x1, 3x3 with the stride,
    1x1 to ``4 * filters``; or two 3x3), BN-ReLU between the convs, and a projection-with-BN
    shortcut of the raw input where the shape changes; ``first`` drops the leading BN-ReLU."""
    out = 4 * filters if bottleneck else filters
    if bottleneck:
        convs = [(1, filters, 1), (3, filters, strides), (1, out, 1)]
    else:
        convs = [(3, filters, strides), (3, filters, 1)]
    y = x
    for index, (kernel, width, stride) in enumerate(convs, start=1):
        if index > 1 or not first:
            y = norm_act(y, name=f"{name}_{index}", preset=PRESET)
        y = conv(y, width, kernel, name=f"{name}_{index}_conv", strides=stride, preset=PRESET)
    if strides != 1 or x.shape[-1] != out:
        skip = conv_norm_act(x, out, 1, name=f"{name}_0", strides=strides, preset=PRESET,
                             activation=None)
    else:
        skip = x
    return residual_merge(skip, y, name=name, activation=None)


@registry.register(
    "preact-resnet-imagenet", paper=PAPER, reproduction="wrn", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("preact-resnet-{depth}-imagenet",
                         where=lambda a: a["depth"] in IMAGENET_DEPTHS)],
    models=["preact-resnet-200-imagenet"],
    aliases={"pre-resnet-200": "preact-resnet-200-imagenet"},
    smallest="preact-resnet-18-imagenet")
def PreActResNetImageNet(depth: int = 200, *, include_top: bool = True, weights=None,
                         input_tensor=None, input_shape=None, pooling=None,
                         classes: int = 1000, classifier_activation="softmax",
                         name: str | None = None) -> keras.Model:
    """Pre-activation ResNet-``depth`` for ImageNet (He et al. 2016b; ``fb.resnet.torch``).

    Args:
        depth: 18, 34 (basic units), 50, 101, 152 or 200 (bottleneck units).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input (224,
            224, 3); any size of at least 32x32 works (global average pooling).
    """
    check_depth("Pre-activation ResNet (ImageNet)", depth, "one of 18, 34, 50, 101, 152, 200",
                lambda d: d in IMAGENET_DEPTHS)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    counts, bottleneck = IMAGENET_DEPTHS[depth]
    stages = tuple(StageSpec(f"conv{index}", n, width, 1 if index == 2 else 2,
                             options={"first": index == 2})
                   for index, (n, width) in enumerate(zip(counts, IMAGENET_WIDTHS), start=2))
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name="Pre-activation ResNet")
    x = torch_stem(x)
    x = run_stages(x, stages, imagenet_unit, bottleneck=bottleneck)
    x = norm_act(x, name="post", preset=PRESET)
    return head.model(inputs, head.classifier(x), f"preact_resnet{depth}_imagenet")
