"""ResNet for ImageNet (He, Zhang, Ren & Sun, "Deep Residual Learning for Image
Recognition", CVPR 2016, arXiv:1512.03385), Table 1: depths 18, 34, 50, 101, 152; and 200,
the original-unit ResNet-200 of He et al., "Identity Mappings in Deep Residual Networks"
(ECCV 2016, arXiv:1603.05027), Table 5 (stages of 3, 24, 36 and 3 bottlenecks, TF-slim's
``resnet_v1_200``).

conv1 7x7/2 (64) -> 3x3/2 max-pool -> stages conv2_x..conv5_x of basic blocks (3x3, 3x3;
depths 18/34) or bottleneck blocks (1x1, 3x3, 1x1 with 4x expansion; depths 50/101/152)
-> global average pool -> 1000-d fc -> soft-max. Stages 3-5 halve the size in their first
block. Batch norm follows every convolution and precedes the ReLU; the last ReLU of a block
comes after the addition (Fig. 2, Fig. 5).

Shortcuts (Sec. 3.3): identities where the shape is kept; where it changes, ``shortcut="A"``
zero-pads the extra channels (no parameters), ``"B"`` projects with a 1x1 convolution and
batch norm, ``"C"`` projects on every shortcut (Table 3 compares the three on ResNet-34).
The default is the paper's: option A for the 18- and 34-layer nets ("In the first
comparison (Table 2 and Fig. 4 right), we use identity mapping for all shortcuts and
zero-padding for increasing dimensions (option A)", Sec. 4.1), option B for 50, 101 and
152 ("We use option B for increasing dimensions", Sec. 4.1, deeper bottleneck
architectures).

Stride placement: ``stride_at="1x1"`` (the default) puts a downsampling block's stride on
its first 1x1 convolution, as the paper's released models and ``keras.applications`` do;
it is the placement that reproduces Table 1's FLOPs (3.8/7.6/11.3 x10^9 for 50/101/152).
``stride_at="3x3"`` is the later "ResNet v1.5" (Facebook/torchvision) form, which moves the
stride to the 3x3 convolution: more multiply-adds (4.1/7.8/11.5 x10^9), no more parameters.
Basic blocks have no 1x1, so the switch does not change depths 18 and 34.

Layout: ``layout="tf-slim"`` builds TF-slim's ``resnet_v1`` (``nets/resnet_v1.py``, the
bottleneck depths): each of the first three stages downsamples in its *last* unit, on the
3x3 convolution padded one pixel on each side (``conv2d_same``), with a subsampling
shortcut where the channels stay the same; the last stage keeps its resolution. It has the
paper's parameters; the multiply-adds differ (the strided units run at the larger size),
and so do the receptive fields of the stages' ends, though not the final one.

Departures, named: convolutions have no bias (each is followed by batch norm, whose beta
plays that role; the paper's count and keras.applications' bias-carrying convs differ only
by these biases).

Extension point: :func:`imagenet_resnet` builds the template (stem, stages, classifier) with
any block of the signature of :func:`keras_cnns.blocks.bottleneck_block` and any stem;
ResNeXt and SE-ResNet use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_choice, fail
from keras_cnns.blocks import (SHORTCUTS, STRIDE_PLACEMENTS, StageSpec, basic_block,
                               bottleneck_block, check_padding, conv_norm_act, run_stages,
                               strided_max_pool)
from keras_cnns.contract import Head, variant

PAPER = ("He, Zhang, Ren & Sun, Deep Residual Learning for Image Recognition, CVPR 2016 "
         "(arXiv:1512.03385)")

#: Table 1: blocks per stage conv2_x..conv5_x, and whether the blocks are bottlenecks.
DEPTHS: dict[int, tuple[tuple[int, int, int, int], bool]] = {
    18: ((2, 2, 2, 2), False),
    34: ((3, 4, 6, 3), False),
    50: ((3, 4, 6, 3), True),
    101: ((3, 4, 23, 3), True),
    152: ((3, 8, 36, 3), True),
}
#: Table 1's depths and the original-unit ResNet-200 of He et al. 2016b (arXiv:1603.05027,
#: Table 5), with TF-slim's ``resnet_v1_200`` stages (3, 24, 36, 3).
ALL_DEPTHS = {**DEPTHS, 200: ((3, 24, 36, 3), True)}

#: Table 1: the base width of each stage (a bottleneck's output is 4x this).
STAGE_WIDTHS = (64, 128, 256, 512)
EXPANSION = 4


def default_shortcut(depth: int) -> str:
    """The paper's shortcut option for a depth: A for 18/34 (Table 2), B for 50/101/152."""
    return "B" if ALL_DEPTHS[depth][1] else "A"


def stage_specs(blocks: Sequence[int], widths: Sequence[int] = STAGE_WIDTHS) -> tuple[StageSpec, ...]:
    """Table 1's stages conv2..conv5 (stride 2 in the first block of conv3..conv5)."""
    return tuple(StageSpec(f"conv{index}", n, width, 1 if index == 2 else 2)
                 for index, (n, width) in enumerate(zip(blocks, widths), start=2))


def slim_stage_specs(blocks: Sequence[int],
                     widths: Sequence[int] = STAGE_WIDTHS) -> tuple[StageSpec, ...]:
    """TF-slim's ``resnet_v1`` blocks 1-4: stride 2 in the last unit of conv2..conv4."""
    return tuple(StageSpec(f"conv{index}", n, width, 1 if index == 5 else 2,
                           stride_block="last")
                 for index, (n, width) in enumerate(zip(blocks, widths), start=2))


#: ``ResNet(layout=...)``: the paper's stage layout, or TF-slim's ``resnet_v1``.
LAYOUTS = ("paper", "tf-slim")


def resnet_stem(x, pool_padding: str = "same"):
    """conv1 (7x7/2, 64, BN, ReLU) and the 3x3/2 max-pool of Table 1.

    conv1 pads 3 pixels on every side, as the authors' released model does (Caffe ``pad: 3``;
    keras.applications and TF-slim's ``conv2d_same`` too): TensorFlow's ``"same"`` would pad
    2 before and 3 after, the same output size with the grid shifted by one pixel. The
    max-pool pads ``pool_padding="same"``: nothing before (Caffe's ``pad: 0`` with its
    rounding up, as the authors' model; TensorFlow's ``"same"`` on an even size), or
    ``"symmetric"``: one pixel of zeros on each side (``pool1_pad``; keras.applications'
    ``ResNet50`` and torchvision's ``padding=1``; after a ReLU, zeros never win a maximum).
    """
    x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(x)
    x = conv_norm_act(x, 64, 7, name="conv1", strides=2, padding="valid")
    return strided_max_pool(x, stride_padding=pool_padding)


def imagenet_resnet(head: Head, stages: Sequence[StageSpec], block: Callable, model_name: str,
                    stem: Callable = resnet_stem, **block_options) -> keras.Model:
    """The ImageNet template: ``stem`` (default :func:`resnet_stem`), ``stages`` of ``block``
    (called as ``block(x, filters, strides, name=..., **block_options)``), classifier."""
    inputs, x = head.inputs((224, 224, 3), min_size=32, model_name=model_name)
    x = stem(x)
    x = run_stages(x, stages, block, **block_options)
    return head.model(inputs, head.classifier(x), model_name)


@registry.register(
    "resnet", paper=PAPER, reproduction="resnet", input_shape=(224, 224, 3), classes=1000,
    min_size=32,
    names=[registry.name("resnet-{depth}", where=lambda a: a["depth"] in ALL_DEPTHS),
           registry.name("resnet-{depth}-v1.5", stride_at="3x3",
                         where=lambda a: a["depth"] in DEPTHS),
           registry.name("resnet-{depth}-tf-slim", layout="tf-slim",
                         where=lambda a: ALL_DEPTHS.get(a["depth"], (0, False))[1]),
           registry.name("resnet-{depth}-{shortcut}", patterns={"shortcut": "a|b|c"},
                         convert={"shortcut": str.upper}, where=lambda a: a["depth"] in DEPTHS)],
    models=[f"resnet-{d}" for d in ALL_DEPTHS] + [f"resnet-{d}-v1.5" for d in (50, 101, 152)]
    + ["resnet-34-b", "resnet-34-c"] + [f"resnet-{d}-tf-slim" for d in (50, 101, 152, 200)],
    aliases={f"resnet{d}": f"resnet-{d}" for d in DEPTHS})
def ResNet(depth: int = 50, shortcut: str | None = None, stride_at: str = "1x1",
           layout: str = "paper", padding: str = "same", *,
           include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
           pooling=None, classes: int = 1000, classifier_activation="softmax",
           name: str | None = None) -> keras.Model:
    """Build the ``depth``-layer ResNet of Table 1 (18, 34, 50, 101 or 152) or ResNet-200.

    Args:
        depth: weight layers on the deepest path (Table 1's column; or 200).
        shortcut: ``"A"``, ``"B"`` or ``"C"``, the options of Sec. 3.3; ``None`` (default)
            is the paper's choice for the depth: A for 18/34, B for 50/101/152.
        stride_at: ``"1x1"`` (paper, default) or ``"3x3"`` (v1.5): which convolution of a
            downsampling bottleneck carries the stride 2.
        layout: ``"paper"`` (default) or ``"tf-slim"``: TF-slim's ``resnet_v1`` (bottleneck
            depths; the stride on the 3x3 of each stage's last unit, so ``stride_at`` must
            stay ``"1x1"``, and shortcut option B).
        padding: how the 3x3/2 max-pool and every strided 3x3 convolution pad: ``"same"``
            (default; TensorFlow's, which pads the pool as the authors' Caffe model does) or
            ``"symmetric"`` (one pixel on each side: keras.applications' ResNet pads its
            pool so, and torchvision / fb.resnet.torch pad both). No count changes;
            outputs, and released weights' accuracy, do. ``weights="imagenet"``
            (keras.applications' ResNet50/101/152) builds ``"symmetric"`` unless
            ``padding`` is given, and refuses ``"same"``.
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; default input (224, 224,
            3); any size of at least 32x32 works (global average pooling).
    """
    check_choice("depth", depth, ALL_DEPTHS,
                 "ResNet depth must be one of Table 1's 18, 34, 50, 101, 152 or 200 (He et "
                 "al. 2016b).")
    check_choice("shortcut", shortcut, (None, *SHORTCUTS),
                 "ResNet shortcut must be 'A' (zero-padding), 'B' (projections where the "
                 "dimensions increase) or 'C' (projections everywhere), Sec. 3.3.")
    check_choice("stride_at", stride_at, STRIDE_PLACEMENTS,
                 "ResNet stride_at must be '1x1' (paper) or '3x3' (v1.5).")
    check_choice("layout", layout, LAYOUTS,
                 "ResNet layout must be 'paper' or 'tf-slim' (TF-slim's resnet_v1).")
    check_padding(padding, "ResNet")
    blocks, bottleneck = ALL_DEPTHS[depth]
    if layout == "tf-slim" and not bottleneck:
        fail("TF-slim's resnet_v1 has bottleneck depths only (50, 101, 152, 200).",
             "depth", depth)
    if layout == "tf-slim" and (stride_at != "1x1" or shortcut not in (None, "B")):
        fail("layout='tf-slim' places the stride itself and uses option B: leave stride_at "
             "and shortcut at their defaults.", "stride_at" if stride_at != "1x1"
             else "shortcut", stride_at if stride_at != "1x1" else shortcut)
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    paper = default_shortcut(depth)
    shortcut = shortcut or paper
    options = {"shortcut_option": shortcut}
    stem = functools.partial(resnet_stem, pool_padding=padding)
    if layout == "tf-slim":
        return imagenet_resnet(head, slim_stage_specs(blocks), bottleneck_block,
                               f"resnet{depth}_tf_slim", stride_at="3x3",
                               stride_padding="symmetric", stem=stem, **options)
    if bottleneck:
        options["stride_at"] = stride_at
    suffix = "_v1_5" if bottleneck and stride_at == "3x3" else ""
    suffix += "" if shortcut == paper else f"_{shortcut.lower()}"
    return imagenet_resnet(head, stage_specs(blocks),
                           bottleneck_block if bottleneck else basic_block,
                           f"resnet{depth}{suffix}", stem=stem, stride_padding=padding,
                           **options)


ResNet18 = variant(ResNet, "ResNet18", "ResNet-18 of Table 1 (basic blocks).", depth=18)
ResNet34 = variant(ResNet, "ResNet34", "ResNet-34 of Table 1 (basic blocks).", depth=34)
ResNet50 = variant(ResNet, "ResNet50", "ResNet-50 of Table 1 (bottleneck blocks).", depth=50)
ResNet101 = variant(ResNet, "ResNet101", "ResNet-101 of Table 1 (bottleneck blocks).",
                    depth=101)
ResNet152 = variant(ResNet, "ResNet152", "ResNet-152 of Table 1 (bottleneck blocks).",
                    depth=152)
