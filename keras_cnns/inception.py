"""BN-Inception and Inception-v3: the batch-normalised Inception networks after GoogLeNet.

**BN-Inception** (Ioffe & Szegedy, "Batch Normalization: Accelerating Deep Network Training
by Reducing Internal Covariate Shift", ICML 2015, arXiv:1502.03167), the network of the
appendix "Variant of the Inception Model Used" and its Figure 5 table (TF-slim calls it
``inception_v2``): GoogLeNet's layout with batch norm after every convolution, each 5x5
replaced by two 3x3 ("double #3x3"), three 28x28 modules, average or max pooling inside the
modules as the table says, and stride-2 modules 3c and 4e ("max + pass through") instead of
pooling layers between the stages. "Our model employed separable convolution with depth
multiplier 8 on the first convolutional layer": ``separable_stem=True`` (the default) builds
conv1 as a 7x7/2 depthwise convolution with 8 filters per input channel followed by the 1x1
pointwise convolution to 64 (TF-slim ``inception_v2``'s ``Conv2d_1a_7x7``);
``separable_stem=False`` is a full 7x7 convolution, as in the released Caffe BN-Inception
that SENet builds on. No dropout (Sec. 4.2.1, "Remove Dropout").

**Inception-v3** (Szegedy, Vanhoucke, Ioffe, Shlens & Wojna, "Rethinking the Inception
Architecture for Computer Vision", CVPR 2016, arXiv:1512.00567): Table 1's outline on
299x299 inputs, three 35x35 modules (Fig. 5: the 5x5 factorised into 3x3s), a grid
reduction (Fig. 10), five 17x17 modules (Fig. 6, n = 7: 1x7 and 7x1 convolutions), a grid
reduction, two 8x8 modules (Fig. 7: the expanded filter banks), global average pooling,
dropout and the classifier; with ``aux_logits=True`` also the batch-normalised auxiliary
classifier of Sec. 4 / Fig. 8 on the last 17x17 module (average pool 5x5/3, 1x1 conv 128,
5x5 conv 768, fully connected), returned as ``[main, aux]``. The widths are those of the
authors' released model (TF-slim ``nets/inception_v3.py``, identical to
``keras.applications.InceptionV3``): the paper prints none inside the modules.

Departures, named:

* Inception-v3's stem is by default the released model's (conv 3x3/2 32, conv 3x3 32, conv
  3x3 64, max-pool, conv 1x1 80, conv 3x3 192, max-pool: 35x35x192 into the first module);
  Table 1 prints conv 3x3/1 (80), conv 3x3/2 (192), conv 3x3/1 (288) after the pool, i.e.
  35x35x288 into the first module, which ``stem="table1"`` builds. Every later table's numbers
  (Chollet 2017, Zoph et al. 2018, Tan & Le 2019) and keras.applications are the released
  model.
* BN-Inception: the Figure 5 widths are built as printed, although they do not add up to
  the printed output sizes of 4c and 4d (160+160+160+128 = 608 and 96+192+192+128 = 608
  channels, printed 576) and hence 4e (608+192+256 = 1056, printed 1024); the released Caffe
  model has the same 608/1056 channels. TF-slim's ``inception_v2`` instead narrows those two
  pool projections to 96 to keep 576.
* Convolutions have no bias (batch norm's beta takes its place, Ioffe & Szegedy Sec. 3.2).
  BN-Inception's batch norm has gamma and beta (Alg. 1); Inception-v3's has no gamma, as in
  TF-slim and keras.applications (preset ``tf-slim-inception``).
* "Same" padding where the papers do not mark a layer as valid ("V"): Keras/TF pad
  asymmetrically for stride 2, the Caffe model symmetrically; shapes agree.

keras.applications.InceptionV3 has no auxiliary classifier and no dropout (neither changes
inference); :func:`keras_cnns.pretrained.copy_from_twin` copies its weights into ours
(``tests/test_inception.py`` checks equal outputs).

The module description ``Conv``/``Pool``/``Fork`` and :func:`inception_module` are shared by
Inception-v4 and Inception-ResNet (:mod:`keras_cnns.inception_v4`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_bool, check_choice, check_rate, fail
from keras_cnns.blocks import conv_norm_act, get_attention
from keras_cnns.contract import Head

BN_PAPER = ("Ioffe & Szegedy, Batch Normalization: Accelerating Deep Network Training by "
            "Reducing Internal Covariate Shift, ICML 2015 (arXiv:1502.03167)")
V3_PAPER = ("Szegedy, Vanhoucke, Ioffe, Shlens & Wojna, Rethinking the Inception Architecture "
            "for Computer Vision, CVPR 2016 (arXiv:1512.00567)")
SE_PAPER = ("Hu, Shen, Albanie, Sun & Wu, Squeeze-and-Excitation Networks, CVPR 2018 / TPAMI "
            "2019 (arXiv:1709.01507)")
PRESET = "tf-slim-inception"
BN_PRESET = "bn-inception"


# --- the module description -----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Conv:
    """A convolution + BN + ReLU of a branch: ``filters``, ``kernel`` (k or (h, w)),
    ``strides``, ``padding`` ("same", or "valid" where a figure marks it "V")."""

    filters: int
    kernel: int | tuple[int, int] = 1
    strides: int = 1
    padding: str = "same"

    @property
    def size(self) -> tuple[int, int]:
        return (self.kernel, self.kernel) if isinstance(self.kernel, int) else self.kernel


@dataclasses.dataclass(frozen=True)
class Pool:
    """A pooling step of a branch: ``kind`` "avg" or "max"."""

    kind: str
    size: int = 3
    strides: int = 1
    padding: str = "same"


@dataclasses.dataclass(frozen=True)
class Fork:
    """Parallel convolutions on the same input, concatenated (Inception-v3 Fig. 7's 1x3 and
    3x1 pair)."""

    convs: tuple[Conv, ...]


Step = Conv | Pool | Fork
Branch = tuple[Step, ...]


def conv_bn(x, step: Conv, name: str, preset=PRESET):
    """``step`` as conv (no bias) -> BN -> ReLU, named ``<name>_conv/_bn/_relu``."""
    return conv_norm_act(x, step.filters, step.size, name=name, strides=step.strides,
                         padding=step.padding, preset=preset)


def pool(x, step: Pool, name: str):
    layer = keras.layers.AveragePooling2D if step.kind == "avg" else keras.layers.MaxPooling2D
    return layer(step.size, strides=step.strides, padding=step.padding,
                 name=f"{name}_{step.kind}pool")(x)


def run_branch(x, branch: Branch, name: str, preset=PRESET):
    """The steps of one branch; convolution ``j`` (from 1) is ``<name>_<j>``."""
    number = 0
    for step in branch:
        if isinstance(step, Pool):
            x = pool(x, step, name)
        elif isinstance(step, Fork):
            number += 1
            parts = [conv_bn(x, c, f"{name}_{number}{'abcdefgh'[i]}", preset)
                     for i, c in enumerate(step.convs)]
            x = keras.layers.Concatenate(name=f"{name}_{number}_concat")(parts)
        else:
            number += 1
            x = conv_bn(x, step, f"{name}_{number}", preset)
    return x


def branch_outputs(x, branches: Sequence[Branch], name: str, preset=PRESET) -> list:
    """Every branch of a module on ``x``; branch ``i`` (from 0) is ``<name>_branch<i>``."""
    return [run_branch(x, branch, f"{name}_branch{i}", preset)
            for i, branch in enumerate(branches)]


def inception_module(x, branches: Sequence[Branch], name: str, preset=PRESET):
    """Branches concatenated into the module output ``<name>`` (Szegedy et al. 2015 Fig. 2)."""
    return keras.layers.Concatenate(name=name)(branch_outputs(x, branches, name, preset))


def branch_widths(branches: Sequence[Branch], input_channels: int) -> int:
    """Output channels of a module: its branches' last widths (a pooling branch keeps the
    input's)."""
    total = 0
    for branch in branches:
        width = input_channels
        for step in branch:
            if isinstance(step, Conv):
                width = step.filters
            elif isinstance(step, Fork):
                width = sum(c.filters for c in step.convs)
        total += width
    return total


def output_size(size: int, steps: Sequence[Conv | Pool]) -> int:
    """Spatial size after ``steps`` (TF arithmetic: "same" is ceil(size / stride))."""
    for step in steps:
        k = step.size[0] if isinstance(step, Conv) else step.size
        size = (math.ceil(size / step.strides) if step.padding == "same"
                else (size - k) // step.strides + 1)
    return size


# --- BN-Inception ---------------------------------------------------------------------------

#: Ioffe & Szegedy 2015, Figure 5, per module: #1x1, #3x3 reduce, #3x3, double #3x3 reduce,
#: double #3x3, pool kind, pool projection (0: "pass through"), stride.
BN_INCEPTION = {
    "3a": (64, 64, 64, 64, 96, "avg", 32, 1),
    "3b": (64, 64, 96, 64, 96, "avg", 64, 1),
    "3c": (0, 128, 160, 64, 96, "max", 0, 2),
    "4a": (224, 64, 96, 96, 128, "avg", 128, 1),
    "4b": (192, 96, 128, 96, 128, "avg", 128, 1),
    "4c": (160, 128, 160, 128, 160, "avg", 128, 1),
    "4d": (96, 128, 192, 160, 192, "avg", 128, 1),
    "4e": (0, 128, 192, 192, 256, "max", 0, 2),
    "5a": (352, 192, 320, 160, 224, "avg", 128, 1),
    "5b": (352, 192, 320, 192, 224, "max", 128, 1),
}
#: "Our model employed separable convolution with depth multiplier 8 on the first
#: convolutional layer" (Ioffe & Szegedy 2015, appendix).
STEM_DEPTH_MULTIPLIER = 8


def bn_inception_branches(row) -> tuple[Branch, ...]:
    """The branches of a Figure 5 row: 1x1; 1x1 -> 3x3; 1x1 -> 3x3 -> 3x3; pool (-> 1x1).

    In a stride-2 module (3c, 4e) the 3x3 and the second double-3x3 carry the stride and
    the pooling branch is a 3x3/2 max-pool passed through (no projection), as in the
    released model.
    """
    n1x1, r3, n3, rd, nd, kind, proj, stride = row
    branches = [] if not n1x1 else [(Conv(n1x1, 1),)]
    branches += [(Conv(r3, 1), Conv(n3, 3, stride)),
                 (Conv(rd, 1), Conv(nd, 3), Conv(nd, 3, stride))]
    pooled: Branch = (Pool(kind, 3, stride),)
    branches.append(pooled + ((Conv(proj, 1),) if proj else ()))
    return tuple(branches)


def separable_stem_conv(x, filters: int = 64, kernel: int = 7, strides: int = 2, *,
                        depth_multiplier: int = STEM_DEPTH_MULTIPLIER, name: str = "conv1",
                        preset=BN_PRESET):
    """BN-Inception's first layer: a ``kernel``x``kernel`` depthwise convolution with
    ``depth_multiplier`` filters per input channel, the 1x1 pointwise convolution to
    ``filters``, then BN and ReLU (``<name>_conv``, a ``SeparableConv2D``; ``<name>_bn``,
    ``<name>_relu``), as TF-slim's ``inception_v2`` builds it."""
    from keras_cnns.blocks import batch_norm
    x = keras.layers.SeparableConv2D(filters, kernel, strides=strides, padding="same",
                                     depth_multiplier=depth_multiplier, use_bias=False,
                                     name=f"{name}_conv")(x)
    x = batch_norm(x, name=f"{name}_bn", preset=preset)
    return keras.layers.Activation("relu", name=f"{name}_relu")(x)


def _check_attention(attention) -> None:
    get_attention(attention)  # raises the factory's rule for a bad value


@registry.register(
    "bn-inception", paper=BN_PAPER, reproduction="inception", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=["bn-inception", registry.name("bn-inception-conv-stem", separable_stem=False)],
    models=["bn-inception", "bn-inception-conv-stem"],
    aliases={"inception-v2": "bn-inception", "bninception": "bn-inception"})
def BNInception(separable_stem: bool = True, attention=None, *, include_top: bool = True,
                weights=None, input_tensor=None, input_shape=None, pooling=None,
                classes: int = 1000, classifier_activation="softmax",
                name: str | None = None) -> keras.Model:
    """BN-Inception of Ioffe & Szegedy 2015, Figure 5.

    Args:
        separable_stem: conv1 as a depthwise separable 7x7/2 convolution with depth
            multiplier 8 (the paper's model, default), or a full 7x7 convolution (False; the
            released Caffe model).
        attention: ``None``, ``"se"`` (an SE block on every module's output, SE-BN-Inception
            of Hu et al. 2018, Fig. 2) or another registered attention module.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input
            (224, 224, 3); any size of at least 32x32.
    """
    check_bool("separable_stem", separable_stem)
    _check_attention(attention)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name="BN-Inception")
    if separable_stem:
        x = separable_stem_conv(x)
    else:
        x = conv_bn(x, Conv(64, 7, 2), "conv1", BN_PRESET)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = conv_bn(x, Conv(64, 1), "conv2_reduce", BN_PRESET)
    x = conv_bn(x, Conv(192, 3), "conv2", BN_PRESET)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    attend = get_attention(attention)
    for module, row in BN_INCEPTION.items():
        x = inception_module(x, bn_inception_branches(row), f"inception_{module}", BN_PRESET)
        if attend is not None:
            x = attend(x, f"inception_{module}")
    default = "bn_inception" if separable_stem else "bn_inception_conv_stem"
    if attend is not None:
        default = "se_" + default if attention == "se" else default + "_attention"
    return head.model(inputs, head.classifier(x), default)


registry.register(
    "se-bn-inception", paper=SE_PAPER, reproduction="inception", input_shape=(224, 224, 3),
    classes=1000, min_size=32,
    names=[registry.name("se-bn-inception", attention="se", separable_stem=False),
           registry.name("se-bn-inception-separable-stem", attention="se")],
    models=["se-bn-inception"])(BNInception)


# --- Inception-v3 ---------------------------------------------------------------------------

def _v3_35(pool_proj: int) -> tuple[Branch, ...]:
    """Fig. 5 (35x35): 1x1; 1x1 -> 5x5; 1x1 -> 3x3 -> 3x3; avg-pool -> 1x1."""
    return ((Conv(64),), (Conv(48), Conv(64, 5)), (Conv(64), Conv(96, 3), Conv(96, 3)),
            (Pool("avg"), Conv(pool_proj)))


def _v3_17(c: int) -> tuple[Branch, ...]:
    """Fig. 6 with n = 7 (17x17): 1x1; 1x1 -> 1x7 -> 7x1; 1x1 -> 7x1 -> 1x7 -> 7x1 -> 1x7;
    avg-pool -> 1x1 (``c``: the width of the factorised 7x7 convolutions)."""
    return ((Conv(192),), (Conv(c), Conv(c, (1, 7)), Conv(192, (7, 1))),
            (Conv(c), Conv(c, (7, 1)), Conv(c, (1, 7)), Conv(c, (7, 1)), Conv(192, (1, 7))),
            (Pool("avg"), Conv(192)))


_V3_8 = ((Conv(320),), (Conv(384), Fork((Conv(384, (1, 3)), Conv(384, (3, 1))))),
         (Conv(448), Conv(384, 3), Fork((Conv(384, (1, 3)), Conv(384, (3, 1))))),
         (Pool("avg"), Conv(192)))

#: Inception-v3's modules in order (TF-slim end points Mixed_5b .. Mixed_7c): Table 1's
#: 3 x Inception (Fig. 5), the grid reductions (Fig. 10), 5 x Inception (Fig. 6; the first
#: is 6a, the reduction), 2 x Inception (Fig. 7).
INCEPTION_V3: dict[str, tuple[Branch, ...]] = {
    "mixed_5b": _v3_35(32), "mixed_5c": _v3_35(64), "mixed_5d": _v3_35(64),
    "mixed_6a": ((Conv(384, 3, 2, "valid"),),
                 (Conv(64), Conv(96, 3), Conv(96, 3, 2, "valid")),
                 (Pool("max", 3, 2, "valid"),)),
    "mixed_6b": _v3_17(128), "mixed_6c": _v3_17(160), "mixed_6d": _v3_17(160),
    "mixed_6e": _v3_17(192),
    "mixed_7a": ((Conv(192), Conv(320, 3, 2, "valid")),
                 (Conv(192), Conv(192, (1, 7)), Conv(192, (7, 1)), Conv(192, 3, 2, "valid")),
                 (Pool("max", 3, 2, "valid"),)),
    "mixed_7b": _V3_8, "mixed_7c": _V3_8,
}
#: The stem of the released model (see the module docstring), 299 -> 35.
V3_STEM: tuple[Conv | Pool, ...] = (
    Conv(32, 3, 2, "valid"), Conv(32, 3, 1, "valid"), Conv(64, 3), Pool("max", 3, 2, "valid"),
    Conv(80, 1, 1, "valid"), Conv(192, 3, 1, "valid"), Pool("max", 3, 2, "valid"))
#: Table 1's stem as printed: conv 3x3/2, conv 3x3/1, conv padded 3x3/1, pool 3x3/2, conv
#: 3x3/1 (80), conv 3x3/2 (192), conv 3x3/1 (288): 299 -> 35x35x288 into the first module.
V3_TABLE1_STEM: tuple[Conv | Pool, ...] = (
    Conv(32, 3, 2, "valid"), Conv(32, 3, 1, "valid"), Conv(64, 3), Pool("max", 3, 2, "valid"),
    Conv(80, 3, 1, "valid"), Conv(192, 3, 2, "valid"), Conv(288, 3))
V3_STEMS = {"released": V3_STEM, "table1": V3_TABLE1_STEM}
#: Module whose output feeds the auxiliary classifier (the last 17x17 layer, Fig. 8).
V3_AUX_AFTER = "mixed_6e"


def run_stem(x, steps: Sequence[Conv | Pool], preset=PRESET, prefix: str = "stem"):
    """A plain stack of convolutions and poolings, named ``<prefix>_<i>`` (from 1)."""
    for index, step in enumerate(steps, start=1):
        x = (conv_bn(x, step, f"{prefix}_{index}", preset) if isinstance(step, Conv)
             else pool(x, step, f"{prefix}_{index}"))
    return x


def aux_classifier(x, classes: int, classifier_activation, preset=PRESET, name: str = "aux"):
    """Inception-v3's auxiliary classifier (Sec. 4, Fig. 8), batch-normalised as the paper
    finds best: average pool 5x5/3 ("valid"), 1x1 conv 128, conv 768 whose kernel covers the
    pooled map (5x5 for 299x299 inputs; TF-slim shrinks it for smaller inputs), flatten,
    fully connected ``classes`` (``aux_predictions``)."""
    x = keras.layers.AveragePooling2D(5, strides=3, name=f"{name}_avgpool")(x)
    x = conv_bn(x, Conv(128, 1), f"{name}_1", preset)
    size = min(5, x.shape[1], x.shape[2])
    x = conv_bn(x, Conv(768, size, 1, "valid"), f"{name}_2", preset)
    x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    return keras.layers.Dense(classes, activation=classifier_activation,
                              name=f"{name}_predictions")(x)


def _v3_grid(size: int, stem_steps=V3_STEM) -> int:
    """Spatial size of Inception-v3's 17x17 grid for an input of ``size``."""
    size = output_size(size, stem_steps)
    return output_size(size, (Conv(384, 3, 2, "valid"),))


@registry.register(
    "inception-v3", paper=V3_PAPER, reproduction="inception", input_shape=(299, 299, 3),
    classes=1000, min_size=75,
    names=["inception-v3", registry.name("inception-v3-table1-stem", stem="table1")],
    models=["inception-v3", "inception-v3-table1-stem"],
    aliases={"inceptionv3": "inception-v3"})
def InceptionV3(aux_logits: bool = False, dropout: float = 0.2, stem: str = "released", *,
                include_top: bool = True,
                weights=None, input_tensor=None, input_shape=None, pooling=None,
                classes: int = 1000, classifier_activation="softmax",
                name: str | None = None) -> keras.Model:
    """Inception-v3 (Szegedy et al. 2016, Table 1; the released model's widths).

    Args:
        aux_logits: also return the auxiliary classifier on the last 17x17 module (needs
            ``include_top=True`` and inputs of at least 107x107); the model then returns
            ``[main, aux]``.
        dropout: rate before the classifier, in [0, 1) (0.2: TF-slim's keep probability 0.8).
        stem: ``"released"`` (the authors' released model and keras.applications, default)
            or ``"table1"`` (Table 1 as printed: conv 3x3/1 80, conv 3x3/2 192, conv 3x3/1
            288 after the first pool, so 35x35x288 enters the first module).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input
            (299, 299, 3); any size of at least 75x75.
    """
    check_bool("aux_logits", aux_logits)
    check_rate("dropout", dropout)
    check_choice("stem", stem, V3_STEMS,
                 "Inception-v3's stem must be 'released' (the authors' model) or 'table1' "
                 "(Table 1 as printed).")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    if aux_logits:
        if not include_top:
            fail("Inception-v3's auxiliary classifier is part of the top: aux_logits=True "
                 "needs include_top=True.", "include_top", include_top)
        shape = head.shape((299, 299, 3))
        if any(d is None or _v3_grid(d, V3_STEMS[stem]) < 5 for d in shape[:2]):
            fail("Inception-v3's auxiliary classifier pools its 17x17 grid 5x5: it needs "
                 "fixed inputs of at least 107x107.", "input_shape", shape)
    inputs, x = head.inputs((299, 299, 3), min_size=75, model_name="Inception-v3")
    x = run_stem(x, V3_STEMS[stem])
    aux = None
    for module, branches in INCEPTION_V3.items():
        x = inception_module(x, branches, module)
        if aux_logits and module == V3_AUX_AFTER:
            aux = aux_classifier(x, classes, classifier_activation)
    outputs = head.classifier(x, dropout)
    default = "inception_v3" if stem == "released" else "inception_v3_table1_stem"
    return head.model(inputs, [outputs, aux] if aux_logits else outputs, default)


__all__ = ["BNInception", "BN_INCEPTION", "Conv", "Fork", "INCEPTION_V3", "InceptionV3", "Pool",
           "aux_classifier", "bn_inception_branches", "conv_bn",
           "inception_module", "run_branch", "run_stem", "separable_stem_conv"]
