"""Receptive fields (Araujo, Norris & Sim, Distill 2019): the article's table of the
receptive field size r, effective stride S and effective padding P of twelve ImageNet
networks at their final feature map, computed by :func:`keras_cnns.receptive_field` on our
builders, and a per-layer trace of three of them."""

from __future__ import annotations

import functools

from keras_cnns.receptive_fields import receptive_field
from reproductions.cells import Published, TableSpec, check_tables, published
from reproductions.measure import Metric, measure

KEY = "receptive-fields"
PAPER = ("Araujo, Norris & Sim, Computing Receptive Fields of Convolutional Neural Networks, "
         "Distill 2019 (doi:10.23915/distill.00021)")

SOURCE = ("Araujo, Norris & Sim 2019 (Distill, doi:10.23915/distill.00021), section "
          "'Discussion: receptive fields of modern networks', the table of r, S and P of the "
          "TF-slim ImageNet models at their final feature map, as in lecture 004 slide "
          "'Receptive field'")
COLUMNS = ("Receptive Field (r)", "Effective Stride (S)", "Effective Padding (P)")

_FINAL = ("at the final feature map (the input of the global pooling or flatten), "
          "by our receptive_field() on the built model, default input size")
_SAME_GEOMETRY = {
    "alexnet": "TF-slim alexnet_v2 (Krizhevsky 2014's 'one weird trick' widths 64-192-384-384-"
               "256) has the 2012 AlexNet's kernels, strides and paddings up to pool5; the "
               "field depends on those only",
    "mobilenet-0.75-224": "the width multiplier changes no kernel, stride or padding",
}

# (TF-slim model as printed, our registry model, r, S, P, year as printed)
ROWS = [
    ("alexnet_v2", "alexnet", "195", "32", "64", "2014"),
    ("vgg_16", "vgg-d", "212", "32", "90", "2014"),
    ("mobilenet_v1", "mobilenet-1.0-224", "315", "32", "126", "2017"),
    ("mobilenet_v1_075", "mobilenet-0.75-224", "315", "32", "126", "2017"),
    ("resnet_v1_50", "resnet-50-tf-slim", "483", "32", "239", "2015"),
    ("inception_v2", "bn-inception", "699", "32", "318", "2015"),
    ("resnet_v1_101", "resnet-101-tf-slim", "1027", "32", "511", "2015"),
    ("inception_v3", "inception-v3", "1311", "32", "618", "2015"),
    ("resnet_v1_152", "resnet-152-tf-slim", "1507", "32", "751", "2015"),
    ("resnet_v1_200", "resnet-200-tf-slim", "1763", "32", "879", "2015"),
    ("inception_v4", "inception-v4", "2071", "32", "998", "2016"),
    ("inception_resnet_v2", "inception-resnet-v2-tf-slim", "3039", "32", "1482", "2016"),
]


@functools.cache
def _report(model: str):
    """The receptive-field report of a registry model (once per process: the table and the
    per-layer traces read the same one)."""
    return receptive_field(measure(model).model)


def _field(model: str) -> tuple[int, int, int]:
    """(r, S, P) of a registry model's final feature map, equal on both axes."""
    return _report(model).output.square()


def _metric(index: int, text: str) -> Metric:
    return Metric(f"{text} {_FINAL}", lambda m, index=index: _field(m.name)[index])


METRICS = dict(zip(COLUMNS, (_metric(0, "receptive field size r (input pixels)"),
                             _metric(1, "effective stride S (input pixels)"),
                             _metric(2, "effective padding P (input pixels, top/left)"))))


def _cells() -> list[Published]:
    cells = []
    for slim, model, *figures, _year in ROWS:
        note = _SAME_GEOMETRY.get(model, "")
        for column, printed in zip(COLUMNS, figures):
            metric = METRICS[column]
            if note:
                metric = metric.described(f"{metric.text}; {note}")
            cells.append(Published(SOURCE, slim, column, printed, model=model, metric=metric))
    return cells


#: Nets traced layer by layer below the table (the article's single-path examples and one
#: multi-path net).
TRACED = ("vgg-d", "alexnet", "resnet-50-tf-slim")


def _trace(model: str) -> str:
    rows = [layer for layer in _report(model).layers
            if not layer.global_ and layer.type not in ("BatchNormalization", "Activation",
                                                          "ReLU", "Dropout")]
    if model.startswith("resnet"):  # the stage ends only: 170 layers otherwise
        rows = [layer for layer in rows if layer.name.endswith("_out")
                or layer.name.startswith(("conv1", "pool1"))]
    lines = ["| layer | type | output | r | S | P |", "|---|---|---|---|---|---|"]
    for layer in rows:
        r, s, p = layer.field.square()
        size = "x".join(str(n) for n in layer.output_size)
        lines.append(f"| {layer.name} | {layer.type} | {size} | {r} | {s} | {p} |")
    return "\n".join(lines)


def _details() -> str:
    nets = "\n".join(f"- {slim}: `{measure(model).call}`" for slim, model, *_ in ROWS)
    traces = "\n\n".join(f"Per layer, {model}:\n\n{_trace(model)}" for model in TRACED)
    return ("The article computes r, S and P of TF-slim's models with its library; ours walks "
            "the Keras graph of our builders (kernels, strides, dilations, 'same' padding on "
            "the actual input size, ZeroPadding2D), keeping the largest field where paths "
            "merge and checking that they are aligned (Araujo et al.'s rule). The year column "
            "is not checked. The paper's ResNets (stride on the first unit of conv3-conv5) "
            "give the same final r, S and P as TF-slim's layout (tests/"
            "test_receptive_fields.py), though not at the stages' ends. Nets:\n\n" + nets
            + "\n\n" + traces)


TABLES = [TableSpec("table", "Receptive field, effective stride and effective padding at the "
                             "final feature map", SOURCE, _cells(), details=_details)]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
