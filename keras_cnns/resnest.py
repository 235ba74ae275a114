"""ResNeSt (Zhang, Wu, Zhang, Zhu, Lin, Zhang, Sun, He, Mueller, Manmatha, Li & Smola,
"ResNeSt: Split-Attention Networks", 2020, arXiv:2004.08955), Sec. 3-4.

The ResNet template (He et al. 2016, Table 1 stages) with:

- the split-attention block (Sec. 3.2, Fig. 2): the bottleneck's 3x3 convolution is a
  split-attention convolution of ``radix`` (R) splits in ``cardinality`` (K) cardinal
  groups (:func:`keras_cnns.blocks.split_attention`), group width ``width * filters / 64 *
  K``; ``RsKxWd`` in the paper's notation (ResNeSt-50 is 2s1x64d);
- the ResNet-D stem (three 3x3 convolutions, Sec. 4 "Network Tweaks";
  :func:`keras_cnns.resnet_d.deep_stem`) of ``stem_width`` 32 (ResNeSt-50) or 64
  (ResNeSt-101/200/269, the authors' ``resnest.py``);
- average-pool downsampling: on the shortcut (ResNet-D, shortcut option ``"D"``) and in a
  downsampling block a 3x3/2 average pooling instead of the strided convolution (the
  authors' ``avd``), after the split-attention convolution, or before it in the "fast"
  variant (``avd_first``, the paper's ResNeSt-50-fast; the authors' ``ablation.py``
  ``resnest50_fast_*`` models).

Depths (blocks per stage): 50 (3, 4, 6, 3), 101 (3, 4, 23, 3), 200 (3, 24, 36, 3), 269 (3,
30, 48, 8); and the shallow 14 (1, 1, 1, 1) and 26 (2, 2, 2, 2), which are not in the paper
but in the authors' GluonCV model zoo (``resnest14``, ``resnest26``; timm's ``resnest14d`` and
``resnest26d``, with the 32-wide stem of ResNeSt-50). The fast models use the 32-wide stem
at every depth: ResNeSt-101-fast has 48.2M parameters against ResNeSt-101's 48.3M (Table 3),
the difference of the two stems.

Padding: ``padding="same"`` (the default) pads as TensorFlow does (nothing before and one
pixel after a strided window on an even size). ``"symmetric"`` pads as the authors' PyTorch
code (``zhanghang1989/ResNeSt``, ``resnet.py``/``splat.py``; timm's ``resnest*`` port too): one
pixel of zeros on each side of the deep stem's strided 3x3 convolution (``conv1_1_pad``) and
of the 3x3/2 max-pool (``pool1_pad``; after a ReLU, zeros never win a maximum), and the avd
pool as ``AvgPool2d(3, 2, padding=1)``: one pixel of zeros (``<block>_avd_pad``), then a
"valid" 3x3 average that divides by 9 (PyTorch's ``count_include_pad=True``). The
split-attention convolution never carries a stride (avd takes it), and the shortcut's 2x2/2
average (``ceil_mode=True, count_include_pad=False``) equals TensorFlow's ``"same"`` at every
size, so neither changes. The two paddings have the same parameters and multiply-adds;
outputs, and released weights' accuracy, differ (:mod:`keras_cnns.torch_weights` loads timm's
``resnest*`` checkpoints into ``"symmetric"``).

Departures, named: with the default ``padding="same"``, the 3x3/2 average pooling divides by
the number of input pixels in the window ("same" padding excludes the border), where the
authors' ``AvgPool2d(3, 2, padding=1)`` divides by 9 (only border outputs differ), and the
stem's strided convolution and max-pool pad one pixel after, not one on each side
(``padding="symmetric"`` is the authors'); convolutions have no bias except the
split-attention fcs (as in the authors' code); the classifier is a Dense layer.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_int, fail
from keras_cnns.blocks import (AVG_DOWN, STRIDE_PADDINGS, conv_norm_act, residual_merge,
                               shortcut, split_attention)
from keras_cnns.contract import Head, variant
from keras_cnns.resnet import EXPANSION, imagenet_resnet, stage_specs
from keras_cnns.resnet_d import deep_stem

PAPER = ("Zhang et al., ResNeSt: Split-Attention Networks, 2020 (arXiv:2004.08955)")

#: Blocks per stage conv2..conv5 (the authors' resnest.py).
DEPTHS = {14: (1, 1, 1, 1), 26: (2, 2, 2, 2), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3),
          200: (3, 24, 36, 3), 269: (3, 30, 48, 8)}


def default_stem_width(depth: int, fast: bool) -> int:
    """32 for ResNeSt-14/26/50 and the fast models, 64 for ResNeSt-101/200/269."""
    return 32 if depth <= 50 or fast else 64


def _avd_pool(y, strides: int, name: str, padding: str):
    """The 3x3 average pool of a downsampling block: ``"same"`` (divides by the pixels inside)
    or ``"symmetric"`` (one pixel of zeros each side, then "valid": divides by 9)."""
    if padding == "symmetric":
        y = keras.layers.ZeroPadding2D(1, name=f"{name}_avd_pad")(y)
        return keras.layers.AveragePooling2D(3, strides=strides, name=f"{name}_avd")(y)
    return keras.layers.AveragePooling2D(3, strides=strides, padding="same",
                                         name=f"{name}_avd")(y)


def resnest_block(x, filters: int, strides: int = 1, *, name: str, radix: int = 2,
                  cardinality: int = 1, width: int = 64, avd: bool = True,
                  avd_first: bool = False, padding: str = "same"):
    """One split-attention bottleneck (Fig. 1 right): 1x1 (group width), split-attention
    3x3, 1x1 (``4 * filters``), the ResNet-D shortcut; with ``avd`` a downsampling block
    averages 3x3/2 after (or, ``avd_first``, before) the split-attention convolution,
    padded as ``padding`` says (:data:`~keras_cnns.blocks.STRIDE_PADDINGS`)."""
    group_width = int(filters * width / 64) * cardinality
    out = EXPANSION * filters
    skip = shortcut(x, out, strides, name=name, option=AVG_DOWN)
    y = conv_norm_act(x, group_width, 1, name=f"{name}_1")
    pool = avd and strides > 1
    if pool and avd_first:
        y = _avd_pool(y, strides, name, padding)
    y = split_attention(y, group_width, 1 if pool else strides, name=f"{name}_2",
                        radix=radix, cardinality=cardinality)
    if pool and not avd_first:
        y = _avd_pool(y, strides, name, padding)
    y = conv_norm_act(y, out, 1, name=f"{name}_3", activation=None)
    return residual_merge(skip, y, name=name)


def _check(depth, radix, cardinality, width, fast, stem_width, padding) -> None:
    check_choice("depth", depth, DEPTHS, "ResNeSt depth must be one of 14, 26, 50, 101, 200, 269.")
    check_int("radix", radix, 1, "ResNeSt radix R must be an integer >= 1.")
    check_int("cardinality", cardinality, 1, "ResNeSt cardinality K must be an integer >= 1.")
    check_int("width", width, 1, "ResNeSt width (the d of RsKxWd) must be an integer >= 1.")
    check_bool("fast", fast)
    if stem_width is not None:
        check_int("stem_width", stem_width, 1, "ResNeSt stem_width must be None or an "
                  "integer >= 1.")
    check_choice("padding", padding, STRIDE_PADDINGS,
                 "ResNeSt padding must be 'same' (TensorFlow's) or 'symmetric' (one pixel on "
                 "each side of the strided stem convolution and the 3x3 pools, as the "
                 "authors' PyTorch code).")
    group = int(64 * width / 64) * cardinality
    if group % (cardinality * radix):
        fail(f"ResNeSt cardinality * radix must divide the first stage's group width {group}.",
             "radix", radix)


_SETTING = "{radix}s{cardinality}x{width}d"


@registry.register(
    "resnest", paper=PAPER, reproduction="resnest", input_shape=(224, 224, 3), classes=1000,
    min_size=32,
    names=[registry.name("resnest-{depth}", where=lambda a: a["depth"] in DEPTHS),
           registry.name("resnest-{depth}-fast", fast=True,
                         where=lambda a: a["depth"] in DEPTHS),
           registry.name("resnest-{depth}-fast-" + _SETTING, fast=True,
                         where=lambda a: a["depth"] in DEPTHS),
           registry.name("resnest-{depth}-" + _SETTING, where=lambda a: a["depth"] in DEPTHS)],
    models=["resnest-50", "resnest-101", "resnest-200", "resnest-269", "resnest-50-fast",
            "resnest-101-fast", "resnest-50-fast-1s1x64d", "resnest-50-fast-4s1x64d",
            "resnest-50-fast-1s2x40d", "resnest-50-fast-2s2x40d", "resnest-50-fast-4s2x40d",
            "resnest-50-fast-1s4x24d"],
    aliases={"resnest50": "resnest-50", "resnest101": "resnest-101",
             "resnest200": "resnest-200", "resnest269": "resnest-269",
             "resnest-50-fast-2s1x64d": "resnest-50-fast"},
    smallest="resnest-50-1s1x8d")
def ResNeSt(depth: int = 50, radix: int = 2, cardinality: int = 1, width: int = 64,
            fast: bool = False, stem_width: int | None = None, padding: str = "same", *,
            include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
            pooling=None, classes: int = 1000, classifier_activation="softmax",
            name: str | None = None) -> keras.Model:
    """ResNeSt-``depth`` (RsKxWd: ``radix`` s ``cardinality`` x ``width`` d).

    Args:
        depth: 50, 101, 200 or 269 (the paper); 14 or 26 (the authors' GluonCV zoo).
        radix: R, the splits per cardinal group (2 in the paper's models).
        cardinality: K, the cardinal groups (1).
        width: the group width d of the first stage per cardinal group (64), doubling per
            stage.
        fast: average-pool before the split-attention convolution of a downsampling block
            (ResNeSt-fast) instead of after it.
        stem_width: width of the deep stem's first convolutions; ``None``: 32 for
            ResNeSt-14/26/50 and the fast models, 64 otherwise.
        padding: ``"same"`` (default, TensorFlow's) or ``"symmetric"`` (the authors' PyTorch
            code: one pixel on each side of the stem's strided 3x3 convolution and max-pool
            and of the avd 3x3 average pool, which then divides by 9). No count changes.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input (224,
            224, 3) (the paper evaluates the deeper models at 256, 320 and 416).
    """
    _check(depth, radix, cardinality, width, fast, stem_width, padding)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    stem = stem_width or default_stem_width(depth, fast)
    suffix = "_fast" if fast else ""
    setting = "" if (radix, cardinality, width) == (2, 1, 64) else f"_{radix}s{cardinality}x{width}d"
    return imagenet_resnet(head, stage_specs(DEPTHS[depth]), resnest_block,
                           f"resnest{depth}{suffix}{setting}",
                           stem=lambda x: deep_stem(x, stem, stride_padding=padding),
                           radix=radix, cardinality=cardinality, width=width, avd=True,
                           avd_first=fast, padding=padding)


ResNeSt50 = variant(ResNeSt, "ResNeSt50", "ResNeSt-50 (2s1x64d).", depth=50)
ResNeSt101 = variant(ResNeSt, "ResNeSt101", "ResNeSt-101 (2s1x64d).", depth=101)

__all__ = ["DEPTHS", "ResNeSt", "ResNeSt101", "ResNeSt50", "resnest_block"]
