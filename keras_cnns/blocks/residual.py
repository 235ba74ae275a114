"""Residual units: shortcuts, the basic and bottleneck blocks (He et al., CVPR 2016) and
the pre-activation unit (He et al., ECCV 2016), shared by every residual family.

Names follow keras.applications: a block ``<name>`` has ``<name>_0_*`` (the projection or
zero-padding shortcut), ``<name>_1_*`` .. ``<name>_3_*`` (its convolutions),
``<name>_add`` and ``<name>_out`` (the activation after the addition).
"""

from __future__ import annotations

from collections.abc import Callable

import keras

from keras_cnns.arguments import check_choice, check_int
from keras_cnns.blocks.attention import get_attention
from keras_cnns.blocks.conv import ConvPreset, conv, conv_norm_act, norm_act
from keras_cnns.layers import ZeroPadShortcut

__all__ = ["AVG_DOWN", "CAFFE_PADDING", "POOL_PADDINGS", "SHORTCUTS", "STRIDE_PLACEMENTS",
           "basic_block", "basic_branch", "bottleneck_block", "check_padding", "preact_block",
           "residual_merge", "shortcut"]

#: Shortcut options of He et al. 2016, Sec. 3.3: "A" zero-padding for increasing dimensions,
#: "B" projections for increasing dimensions, "C" projections everywhere.
SHORTCUTS = ("A", "B", "C")
#: Which convolution of a downsampling bottleneck carries the stride.
STRIDE_PLACEMENTS = ("1x1", "3x3")
#: ResNet-D's shortcut (He et al., "Bag of Tricks for Image Classification with Convolutional
#: Neural Networks", CVPR 2019, arXiv:1812.01187, Sec. 4.1 / Fig. 2c): where the resolution
#: halves, a 2x2/2 average pooling, then the 1x1 projection at stride 1 (no input is skipped);
#: elsewhere as option B. Accepted by :func:`shortcut`, not one of He et al. 2016's options.
AVG_DOWN = "D"


def shortcut(x, filters: int, strides: int, *, name: str, option: str = "B",
             preset: str | ConvPreset = "keras"):
    """The shortcut of a block whose output has ``filters`` channels at stride ``strides``.

    Identity where the shape is kept (except option C); otherwise option A's parameter-free
    subsample-and-zero-pad (:class:`ZeroPadShortcut`; option B too where only the resolution
    changes, as "projections for increasing dimensions" implies) or a 1x1 projection with BN
    (``<name>_0_conv``, ``<name>_0_bn``), preceded for option D (:data:`AVG_DOWN`) by a
    2x2/2 average pooling (``<name>_0_pool``) where the resolution halves.
    """
    check_choice("shortcut", option, (*SHORTCUTS, AVG_DOWN),
                 "`shortcut` must be 'A' (zero-padding), 'B' (projections where the "
                 "dimensions increase), 'C' (projections everywhere) or 'D' (average "
                 "pooling, then a projection: ResNet-D).")
    same = strides == 1 and x.shape[-1] == filters
    if same and option != "C":
        return x
    if option == "A" or (option == "B" and x.shape[-1] == filters):
        # A: subsample and zero-pad; B where only the resolution changes (TF-slim's units
        # that end a stage): subsample, no projection (the channels do not increase)
        return ZeroPadShortcut(filters, strides, name=f"{name}_0_pad")(x)
    if option == AVG_DOWN and strides > 1:
        x = keras.layers.AveragePooling2D(strides, strides=strides, padding="same",
                                          name=f"{name}_0_pool")(x)
        strides = 1
    return conv_norm_act(x, filters, 1, name=f"{name}_0", strides=strides, preset=preset,
                         activation=None)


def residual_merge(shortcut_tensor, y, *, name: str, activation: str | None = "relu"):
    """``activation(shortcut + y)`` (``<name>_add``, ``<name>_out``); no activation for
    pre-activation units."""
    x = keras.layers.Add(name=f"{name}_add")([shortcut_tensor, y])
    if activation is None:
        return x
    return keras.layers.Activation(activation, name=f"{name}_out")(x)


#: How a strided 3x3 convolution pads: ``"same"`` (TensorFlow's: nothing before, one pixel
#: after on an even size) or ``"symmetric"`` (one pixel on each side, as Caffe, Torch,
#: PyTorch and TF-slim's ``conv2d_same`` pad it: the same output size, the grid centred like
#: a 1x1/2 shortcut's).
STRIDE_PADDINGS = ("same", "symmetric")
#: The padding of the authors' Caffe models (the released SE-ResNet/SE-ResNeXt, ported to
#: timm's ``legacy_seresnet*``/``legacy_seresnext*``): convolutions ``pad: 1`` on each side
#: (a strided 3x3 as ``"symmetric"``), the stem's max-pool ``pad: 0`` with Caffe's rounding
#: up of the output size (``ceil_mode``; :func:`strided_max_pool` with ``"ceil"``).
CAFFE_PADDING = "caffe"
#: How the stems' 3x3/2 max-pool pads (:func:`strided_max_pool`).
POOL_PADDINGS = ("same", "symmetric", "ceil")


def check_padding(padding, family: str, caffe: bool = False) -> None:
    """A network's ``padding`` argument: ``"same"`` or ``"symmetric"`` (and ``"caffe"``
    where the network offers it, :data:`CAFFE_PADDING`)."""
    rule = (f"{family} padding must be 'same' (TensorFlow's){',' if caffe else ' or'} "
            "'symmetric' (one pixel on each side of the strided 3x3 pool and convolutions)")
    if caffe:
        rule += (" or 'caffe' (the released Caffe models': strided 3x3s symmetric, the pool "
                 "in ceil mode)")
    check_choice("padding", padding, (*STRIDE_PADDINGS, CAFFE_PADDING) if caffe
                 else STRIDE_PADDINGS, rule + ".")


def _check_stride_padding(stride_padding) -> None:
    check_choice("stride_padding", stride_padding, STRIDE_PADDINGS,
                 "`stride_padding` must be 'same' or 'symmetric'.")


def strided_3x3(x, filters: int, strides: int, *, name: str, preset, groups: int = 1,
                stride_padding: str = "same", activation: str | None = "relu"):
    """A 3x3 conv-BN(-activation) whose stride, when above 1, pads as ``stride_padding``
    says (``<name>_pad``, a ``ZeroPadding2D`` of one pixel, before the ``"symmetric"`` one)."""
    padding = "same"
    if stride_padding == "symmetric" and strides > 1:
        x = keras.layers.ZeroPadding2D(1, name=f"{name}_pad")(x)
        padding = "valid"
    return conv_norm_act(x, filters, 3, name=name, preset=preset, groups=groups,
                         strides=strides, padding=padding, activation=activation)


def strided_max_pool(x, *, stride_padding: str = "same", name: str = "pool1_pool",
                     pad_name: str = "pool1_pad"):
    """The stems' 3x3/2 max-pool: ``"same"`` (TensorFlow's: nothing before and one pixel
    after on an even size; Caffe's ``pad: 0`` with its rounding up), ``"symmetric"`` (a
    ``ZeroPadding2D`` of one pixel on each side, ``pad_name``, then "valid": PyTorch's and
    Torch's ``padding=1``; after a ReLU, the zeros never win a maximum) or ``"ceil"``
    (Caffe's ``pad: 0`` with its rounding up at every size: one pixel of zeros after,
    ``pad_name``, then "valid"; ``ceil((n - 3) / 2) + 1`` outputs, which is ``"same"``'s
    ``n / 2`` on an even size and one fewer on an odd one)."""
    check_choice("stride_padding", stride_padding, POOL_PADDINGS,
                 "The max-pool's `stride_padding` must be 'same', 'symmetric' or 'ceil'.")
    if stride_padding in ("symmetric", "ceil"):
        pad = 1 if stride_padding == "symmetric" else ((0, 1), (0, 1))
        x = keras.layers.ZeroPadding2D(pad, name=pad_name)(x)
        return keras.layers.MaxPooling2D(3, strides=2, name=name)(x)
    return keras.layers.MaxPooling2D(3, strides=2, padding="same", name=name)(x)


def basic_branch(x, filters: int, strides: int = 1, *, name: str,
                 preset: str | ConvPreset = "keras", stride_padding: str = "same"):
    """F(x) of the basic block (Fig. 2): 3x3 conv-BN-ReLU, 3x3 conv-BN; a strided first
    3x3 pads as ``stride_padding`` says (:data:`STRIDE_PADDINGS`)."""
    _check_stride_padding(stride_padding)
    y = strided_3x3(x, filters, strides, name=f"{name}_1", preset=preset,
                    stride_padding=stride_padding)
    return conv_norm_act(y, filters, 3, name=f"{name}_2", preset=preset, activation=None)


def basic_block(x, filters: int, strides: int = 1, *, name: str, shortcut_option: str = "B",
                preset: str | ConvPreset = "keras", attention=None,
                stride_padding: str = "same"):
    """Basic residual block ``relu(shortcut(x) + attention(F(x)))`` (He et al. 2016, Fig. 2)."""
    skip = shortcut(x, filters, strides, name=name, option=shortcut_option, preset=preset)
    y = basic_branch(x, filters, strides, name=name, preset=preset,
                     stride_padding=stride_padding)
    y = _attend(y, attention, name)
    return residual_merge(skip, y, name=name)


def bottleneck_block(x, filters: int, strides: int = 1, *, name: str, expansion: int = 4,
                     width: int | None = None, groups: int = 1, stride_at: str = "1x1",
                     shortcut_option: str = "B", preset: str | ConvPreset = "keras",
                     attention=None, stride_padding: str = "same"):
    """1x1 (``width``) -> 3x3 (``width``, ``groups``) -> 1x1 (``expansion * filters``) with BN
    after each and ReLU after the first two (He et al. 2016, Fig. 5); ``attention`` on the
    branch before the addition (the SE-ResNet module, Hu et al. 2018, Fig. 3).

    ``stride_at="1x1"`` puts a downsampling block's stride on the first 1x1 (the paper's
    models), ``"3x3"`` on the 3x3 ("ResNet v1.5"; ResNeXt's models). A strided 3x3 pads
    as ``stride_padding`` says (:data:`STRIDE_PADDINGS`).
    """
    _check_stride_padding(stride_padding)
    check_choice("stride_at", stride_at, STRIDE_PLACEMENTS,
                 "`stride_at` must be '1x1' (the paper's placement) or '3x3' (v1.5).")
    check_int("expansion", expansion)
    width = width or filters
    out = expansion * filters
    skip = shortcut(x, out, strides, name=name, option=shortcut_option, preset=preset)
    y = conv_norm_act(x, width, 1, name=f"{name}_1", preset=preset,
                      strides=strides if stride_at == "1x1" else 1)
    y = strided_3x3(y, width, strides if stride_at == "3x3" else 1, name=f"{name}_2",
                    preset=preset, groups=groups, stride_padding=stride_padding)
    y = conv_norm_act(y, out, 1, name=f"{name}_3", preset=preset, activation=None)
    y = _attend(y, attention, name)
    return residual_merge(skip, y, name=name)


def preact_block(x, convs, filters: int, strides: int = 1, *, name: str,
                 preset: str | ConvPreset = "torch", dropout: float = 0.0):
    """Full pre-activation unit ``x + F(x)`` (He et al., ECCV 2016, Fig. 1b / Fig. 4e).

    ``convs`` lists ``(kernel, width)`` per convolution of F; each is preceded by BN-ReLU
    (``<name>_<i>_bn``, ``<name>_<i>_relu``); the first carries the stride. Where the
    channels or the resolution change, the first BN-ReLU is shared by F and a 1x1
    projection shortcut (``<name>_0_conv``), as the authors' code does. ``dropout``
    (Zagoruyko & Komodakis 2016) sits after the BN-ReLU of every convolution but the first.
    """
    project = strides != 1 or x.shape[-1] != filters
    pre = norm_act(x, name=f"{name}_1", preset=preset)
    y = pre
    for index, (kernel, width) in enumerate(convs, start=1):
        if index > 1:
            y = norm_act(y, name=f"{name}_{index}", preset=preset)
            if dropout:
                y = keras.layers.Dropout(dropout, name=f"{name}_{index}_dropout")(y)
        y = conv(y, width, kernel, name=f"{name}_{index}_conv", preset=preset,
                 strides=strides if index == 1 else 1)
    skip = conv(pre, filters, 1, name=f"{name}_0_conv", strides=strides,
                preset=preset) if project else x
    return residual_merge(skip, y, name=name, activation=None)


def _attend(y, attention, name: str):
    attend: Callable | None = get_attention(attention)
    return y if attend is None else attend(y, name)
