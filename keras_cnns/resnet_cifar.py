"""CIFAR ResNets of He et al., Deep Residual Learning for Image Recognition, CVPR 2016
(arXiv:1512.03385), Sec. 4.2, and the shortcut-mapping study of He et al., Identity
Mappings in Deep Residual Networks, ECCV 2016 (arXiv:1603.05027), Table 1 / Fig. 2.

Depth ``6n+2``: a 3x3 conv with 16 filters, three stages of ``n`` basic blocks (two 3x3
convs) on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters (the first conv of stages 2
and 3 has stride 2), global average pooling and a ``classes``-way fully-connected layer.
Each conv is followed by batch normalisation and ReLU; the block adds its shortcut before
the last ReLU (the "original" post-activation unit). Convs have no biases (each is
followed by batch normalisation), as in the authors' code. Stages are named ``conv2``,
``conv3``, ``conv4`` as in Zagoruyko & Komodakis' Table 1 and are nested models (see
:func:`keras_cnns._common.stage`), so ResNet-1202 builds in seconds.

``shortcut`` chooses the shortcut where the dimensions increase: ``"A"`` zero-padding
(parameter-free, the paper's choice on CIFAR) or ``"B"`` a 1x1 projection with batch
normalisation. ``shortcut_mapping`` chooses ``h(x)`` on every other (identity) shortcut,
as in the ECCV 2016 study: ``"identity"`` (x), ``"scaled"`` (0.5x, and the residual also
scaled by 0.5 as in the 12.35% row of that Table 1), ``"gated"`` (exclusive gating
``(1-g(x)) x + g(x) F(x)``, ``g`` a sigmoid 1x1 conv with bias initialised to -6),
``"shortcut_gated"`` (shortcut-only gating ``(1-g(x)) x + F(x)``, gate bias 0),
``"conv"`` (1x1 conv) and ``"dropout"`` (dropout with rate 0.5 on the shortcut).
"""

from __future__ import annotations

import keras

from keras_cnns import _common
from keras_cnns.residual_layers import ZeroPadShortcut

#: Filters of the three stages (He et al. 2015, Sec. 4.2).
STAGE_FILTERS = (16, 32, 64)
STAGE_NAMES = ("conv2", "conv3", "conv4")
SHORTCUT_MAPPINGS = ("identity", "scaled", "gated", "shortcut_gated", "conv", "dropout")
#: Gate bias initialisation b_g of the ECCV 2016 Table 1 rows the lecture quotes.
GATE_BIAS = {"gated": -6.0, "shortcut_gated": 0.0}


def _conv(filters, kernel, strides, name):
    return keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False,
                               kernel_initializer="he_normal", name=name)


def _bn(name):
    return keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name=name)


def residual_branch(x, filters: int, strides: int, name: str):
    """F(x) of the original basic block: conv3x3-BN-ReLU-conv3x3-BN."""
    y = _conv(filters, 3, strides, f"{name}_1_conv")(x)
    y = _bn(f"{name}_1_bn")(y)
    y = keras.layers.ReLU(name=f"{name}_1_relu")(y)
    y = _conv(filters, 3, 1, f"{name}_2_conv")(y)
    return _bn(f"{name}_2_bn")(y)


def projection_shortcut(x, filters: int, strides: int, shortcut: str, name: str):
    """Shortcut where the dimensions increase: option A (zero-pad) or B (1x1 projection)."""
    if shortcut == "A":
        return ZeroPadShortcut(filters, strides, name=f"{name}_0_pad")(x)
    x = _conv(filters, 1, strides, f"{name}_0_conv")(x)
    return _bn(f"{name}_0_bn")(x)


def basic_block(x, filters: int, strides: int, shortcut: str, mapping: str, name: str):
    """Original residual unit ``relu(h(x) + F(x))`` (He et al. 2015, Fig. 2)."""
    residual = residual_branch(x, filters, strides, name)
    if strides != 1 or x.shape[-1] != filters:
        y = keras.layers.Add(name=f"{name}_add")(
            [projection_shortcut(x, filters, strides, shortcut, name), residual])
        return keras.layers.ReLU(name=f"{name}_out")(y)
    if mapping == "identity":
        terms = [x, residual]
    elif mapping == "scaled":
        terms = [keras.layers.Rescaling(0.5, name=f"{name}_0_scale")(x),
                 keras.layers.Rescaling(0.5, name=f"{name}_scale")(residual)]
    elif mapping in GATE_BIAS:
        gate = keras.layers.Conv2D(
            filters, 1, activation="sigmoid", name=f"{name}_gate",
            bias_initializer=keras.initializers.Constant(GATE_BIAS[mapping]))(x)
        carry = keras.layers.Rescaling(-1.0, offset=1.0, name=f"{name}_gate_carry")(gate)
        terms = [keras.layers.Multiply(name=f"{name}_0_gated")([carry, x])]
        if mapping == "gated":
            terms.append(keras.layers.Multiply(name=f"{name}_gated")([gate, residual]))
        else:
            terms.append(residual)
    elif mapping == "conv":
        terms = [_conv(filters, 1, 1, f"{name}_0_conv")(x), residual]
    else:  # dropout
        terms = [keras.layers.Dropout(0.5, name=f"{name}_0_dropout")(x), residual]
    y = keras.layers.Add(name=f"{name}_add")(terms)
    return keras.layers.ReLU(name=f"{name}_out")(y)


def stem(x):
    """conv1 of Sec. 4.2: 3x3 conv, 16 filters, BN, ReLU."""
    x = _conv(STAGE_FILTERS[0], 3, 1, "conv1_conv")(x)
    x = _bn("conv1_bn")(x)
    return keras.layers.ReLU(name="conv1_relu")(x)


def check_common(family: str, depth, rule: str, valid: bool, include_top, pooling, classes,
                 classifier_activation, input_shape, input_tensor):
    _common.check_depth(family, depth, rule, valid)
    _common.check_head(include_top, pooling, classes, classifier_activation)
    return _common.model_input(input_shape, input_tensor, (32, 32, 3), min_size=8,
                               model_name=family)


def ResNetCIFAR(depth: int = 110, shortcut: str = "A", shortcut_mapping: str = "identity",
                include_top: bool = True, input_tensor=None, input_shape=None, pooling=None,
                classes: int = 10, classifier_activation="softmax",
                name: str | None = None) -> keras.Model:
    """ResNet-``depth`` for CIFAR (He et al. 2015, Sec. 4.2): 20, 32, 44, 56, 110, 1202.

    Args:
        depth: ``6n+2`` weighted layers.
        shortcut: ``"A"`` (zero-padding, parameter-free) or ``"B"`` (projection) where the
            dimensions increase.
        shortcut_mapping: ``h(x)`` on the identity shortcuts (ECCV 2016 Table 1); see the
            module docstring.
        include_top, input_tensor, input_shape, pooling, classes, classifier_activation:
            as in ``keras.applications``; the default input is 32x32x3.
    """
    inputs, x = check_common("ResNet (CIFAR)", depth, "6n+2",
                             isinstance(depth, int) and depth >= 8 and (depth - 2) % 6 == 0,
                             include_top, pooling, classes, classifier_activation,
                             input_shape, input_tensor)
    _common.check_choice("shortcut", shortcut, ("A", "B"),
                         "ResNet shortcut must be 'A' (zero-padding) or 'B' (projection).")
    _common.check_choice("shortcut_mapping", shortcut_mapping, SHORTCUT_MAPPINGS)
    n = (depth - 2) // 6
    x = stem(x)
    for index, (stage_name, filters) in enumerate(zip(STAGE_NAMES, STAGE_FILTERS)):
        blocks = [
            (lambda t, b=b, s=(2 if index and b == 1 else 1), sn=stage_name, f=filters:
             basic_block(t, f, s, shortcut, shortcut_mapping, f"{sn}_block{b}"))
            for b in range(1, n + 1)]
        x = _common.stage(x, blocks, stage_name)
    x = _common.pooled_head(x, include_top, pooling, classes, classifier_activation)
    suffix = "" if shortcut_mapping == "identity" else f"_{shortcut_mapping}"
    return keras.Model(inputs, x, name=name or f"resnet{depth}_cifar{suffix}")
