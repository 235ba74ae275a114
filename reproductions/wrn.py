"""Wide Residual Networks (Zagoruyko & Komodakis 2016): the CIFAR comparison table (WRN
Table 5, as in lecture notes 004 "Wide Residual Network" and 002 "Wide ResNet"), every params
cell including the baseline rows, each error cell linked to the network that produced it, and
the lecture's shortcut-mapping study (He et al. 2016b, Table 1), and the ImageNet table of
bottleneck ResNets (WRN Table 8: WRN-50-2-bottleneck, pre-activation ResNet-200); WRN Table 4
(the depth/width grid, ZCA preprocessing: parameters and errors of ten WRN-d-k) and Table 1
(the structure of WRN-d-k: output size, kernels and widths of each group, read from the built
models of every k of Table 4). All WRN figures are those of arXiv:1605.07146v4."""

from __future__ import annotations

import math

from reproductions._graph import stage_blocks
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.evidence import CONV_FC_WEIGHTS, RESNET1202_PARAMS
from reproductions.measure import TRAINABLE, measure
from reproductions.spreads import CIFAR10, CIFAR100, IMAGENET_TOP1, IMAGENET_TOP5, accuracy

KEY = "wrn"
PAPER = ("Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016 (arXiv:1605.07146); "
         "He et al., Identity Mappings in Deep Residual Networks, ECCV 2016 (arXiv:1603.05027)")

WRN_SOURCE = ("Zagoruyko & Komodakis 2016 (arXiv:1605.07146v4), Table 5 ('Our results were "
              "obtained by computing median over 5 runs'), as in lecture 004 slide 'Wide "
              "Residual Network' (and 002 'Wide ResNet')")
STUDY_SOURCE = ("He et al. 2016b (arXiv:1603.05027), Table 1 (ResNet-110 on CIFAR-10, median of "
                "5 runs; 'fail' = error above 20%), as the lecture 004 slide 'what if shortcut "
                "mapping h != identity?' prints it")
PARAMS = ("trainable parameters: conv/FC weights, FC bias, batch-norm gamma/beta "
          "(moving statistics not counted), CIFAR-10 head")
PARAMS_METRIC = TRAINABLE.described(PARAMS)
MEDIAN = "median of 5 runs"

# The rows' CIFAR-100 figures of the "original-ResNet" rows are He et al. 2016b's
# original-unit ResNet-164 and ResNet-1001 (Table 3: 25.16, 27.82): the cells name the
# networks that produced them, so that a run compares like with like.
_ORIGINAL_164 = ("resnet-164-bottleneck", "He et al. 2016b Table 3's original-unit ResNet-164 "
                 "(1.7M), printed on the 110-layer row")
_ORIGINAL_1001 = ("resnet-1001-bottleneck", "He et al. 2016b Table 3's original-unit "
                  "ResNet-1001 (10.2M), printed on the 1202-layer row")
_EARLY_SD = ("the first arXiv version of Huang et al. 2016 (arXiv:1603.09382v1); the later "
             "versions print 5.25 and 24.98")
_OWN_110 = CIFAR10.own(0.16, "He et al. 2016 Table 6: ResNet-110 6.43 (6.61±0.16), best "
                             "(mean±std) of 5 runs")
_OWN_1001 = CIFAR10.own(0.14, "He et al. 2016b Table 4: ResNet-1001 4.92 (4.89±0.14), median "
                              "(mean±std) of 5 runs at batch 128")
_OWN_1001_100 = CIFAR100.own(0.22, "He et al. 2016b Table 4: ResNet-1001 22.71 (22.68±0.22), "
                                   "median (mean±std) of 5 runs")

# (row, registry name, printed params, deviation or params metric, CIFAR-10 (printed, spread,
# model, note), CIFAR-100 (...)); None = "-".
_ROWS = [
    ("original-ResNet 110", "resnet-110", "1.7M", None,
     ("6.43", _OWN_110, None, "He et al. 2016 Table 6: the best of 5 runs"),
     ("25.16", CIFAR100, *_ORIGINAL_164)),
    ("original-ResNet 1202", "resnet-1202", "10.2M", RESNET1202_PARAMS,
     ("7.93", CIFAR10, None, "He et al. 2016 Table 6"),
     ("27.82", CIFAR100, *_ORIGINAL_1001)),
    ("stoc-depth 110", "stochastic-depth-resnet-110", "1.7M", None,
     ("5.23", CIFAR10, None, _EARLY_SD), ("24.58", CIFAR100, None, _EARLY_SD)),
    ("stoc-depth 1202", "stochastic-depth-resnet-1202", "10.2M", RESNET1202_PARAMS,
     ("4.91", CIFAR10, None, "Huang et al. 2016, Sec. 4 (not in their Table 1)"), None),
    ("pre-act-ResNet 110", "preact-resnet-110", "1.7M", None,
     ("6.37", CIFAR10, None, "He et al. 2016b, " + MEDIAN), None),
    ("pre-act-ResNet 164", "preact-resnet-164", "1.7M", None,
     ("5.46", CIFAR10, None, "He et al. 2016b, " + MEDIAN),
     ("24.33", CIFAR100, None, "He et al. 2016b, " + MEDIAN)),
    ("pre-act-ResNet 1001", "preact-resnet-1001", "10.2M", CONV_FC_WEIGHTS,
     ("4.92(4.64)", _OWN_1001, None,
      "4.92 is the batch-128 median; the parenthesis is the batch-64 run, which He et al. "
      "2016b print as 4.62 (median; mean 4.69±0.20), not 4.64"),
     ("22.71", _OWN_1001_100, None, "He et al. 2016b, " + MEDIAN)),
    ("WRN-40-4", "wrn-40-4", "8.9M", None, ("4.53", CIFAR10, None, MEDIAN),
     ("21.18", CIFAR100, None, MEDIAN)),
    ("WRN-16-8", "wrn-16-8", "11.0M", None, ("4.27", CIFAR10, None, MEDIAN),
     ("20.43", CIFAR100, None, MEDIAN)),
    ("WRN-28-10", "wrn-28-10", "36.5M", None, ("4.00", CIFAR10, None, MEDIAN),
     ("19.25", CIFAR100, None, MEDIAN)),
]


def _wrn_cells():
    cells = []
    for row, model, params, special, c10, c100 in _ROWS:
        if isinstance(special, Deviation):
            metric, deviation = PARAMS_METRIC, special
        else:
            metric, deviation = special or PARAMS_METRIC, None
        cells.append(Published(WRN_SOURCE, row, "# params", params.rstrip("M"), "M",
                               deviation=deviation, model=model, metric=metric))
        for column, entry in (("CIFAR-10 error", c10), ("CIFAR-100 error", c100)):
            if entry is not None:
                printed, spread, network, note = entry
                cells.append(accuracy(WRN_SOURCE, row, column, printed, spread,
                                      model=network or model, convention=note))
    return cells


#: The study's variants: (lecture label, registry model, printed error, He et al.'s figure).
STUDY = [
    ("h(x) = x", "resnet-110", "6.6", "6.61"),
    ("h(x) = 0.5x", "resnet-110-scaled", "12.4", "12.35, both terms scaled by 0.5"),
    ("h(x) = gate * x (exclusive gating)", "resnet-110-gated", "8.7", "8.70, b_g = -6"),
    ("h(x) = conv(x)", "resnet-110-conv", "12.2", "12.22"),
    ("h(x) = gate * x (shortcut-only gating)", "resnet-110-shortcut-gated", "12.9",
     "12.86, b_g = 0"),
    ("h(x) = dropout(x)", "resnet-110-dropout", "> 20", "'fail': above 20%"),
]

STUDY_CELLS = [accuracy(STUDY_SOURCE, label, "CIFAR-10 error", printed, CIFAR10, model=model,
                        convention=f"He et al. 2016b print {figure}; {MEDIAN}")
               for label, model, printed, figure in STUDY]


def _nets() -> str:
    return "Nets counted:\n\n" + "\n".join(f"- {row}: `{measure(model).call}`"
                                           for row, model, *_ in _ROWS)


def _study_details() -> str:
    return ("Each variant is `keras_cnns.ResNetCIFAR(110, shortcut_mapping=...)`; "
            "the mapping replaces every identity shortcut, while the three "
            "downsampling shortcuts stay option A. '> 20' is a bound: a run fills it when its "
            "error is above 20%.")


IMAGENET_SOURCE = ("Zagoruyko & Komodakis 2016 (arXiv:1605.07146v4), Table 8 'ILSVRC-2012 "
                   "validation error (single crop) of bottleneck ResNets' (the same table in the "
                   "authors' pretrained/README.md)")
_FB_TORCH = ("trained with fb.resnet.torch (the paper: 'For ImageNet experiments we used "
             "fb.resnet.torch implementation'), whose bottleneck puts the stride on the 3x3 conv")
# (row, registry model of the params cell, model a run must train, params, top-1, top-5, note)
_IMAGENET_ROWS = [
    ("ResNet-50", "resnet-50", "resnet-50-v1.5", "25.6M", "24.01", "7.02", _FB_TORCH),
    ("ResNet-101", "resnet-101", "resnet-101-v1.5", "44.5M", "22.44", "6.21", _FB_TORCH),
    ("ResNet-152", "resnet-152", "resnet-152-v1.5", "60.2M", "22.16", "6.16", _FB_TORCH),
    ("WRN-50-2-bottleneck", "wrn-50-2-bottleneck", "wrn-50-2-bottleneck", "68.9M", "21.9",
     "6.03", "the authors' model; Table 9 of the same version prints 5.79 as its top-5, the "
             "pre-ResNet-200 figure of Table 8"),
    ("pre-ResNet-200", "preact-resnet-200-imagenet", "preact-resnet-200-imagenet", "64.7M",
     "21.66", "5.79", "fb.resnet.torch's pre-activation ResNet-200 (models/preresnet.lua)"),
]
#: The "time/batch 16" column: a timing on the authors' GPU, printed only (not a checked cell).
IMAGENET_TIMES = {"ResNet-50": "49", "ResNet-101": "82", "ResNet-152": "115",
                  "WRN-50-2-bottleneck": "93", "pre-ResNet-200": "154"}
IMAGENET_PARAMS = TRAINABLE.described(
    "trainable parameters: conv/FC weights, FC bias, batch-norm gamma/beta (moving "
    "statistics not counted), 1000-class head")


def _imagenet_cells():
    cells = []
    for row, model, trained, params, top1, top5, note in _IMAGENET_ROWS:
        cells.append(Published(IMAGENET_SOURCE, row, "#params", params.rstrip("M"), "M",
                               model=model, metric=IMAGENET_PARAMS))
        for column, printed, spread in (("top-1 err", top1, IMAGENET_TOP1),
                                        ("top-5 err", top5, IMAGENET_TOP5)):
            cells.append(accuracy(IMAGENET_SOURCE, row, column, printed, spread, model=trained,
                                  convention=f"single crop, ILSVRC-2012 validation; {note}"))
    return cells


def _imagenet_details() -> str:
    nets = "\n".join(f"- {row}: `{measure(model).call}`" for row, model, *_ in _IMAGENET_ROWS)
    times = ", ".join(f"{row} {ms}" for row, ms in IMAGENET_TIMES.items())
    return ("Nets counted:\n\n" + nets + "\n\nPublished only, not checked: the table's "
            f"'time/batch 16' column ({times}; the table prints no unit), a timing of the "
            "authors' GPU runs that no figure of ours reproduces. The error cells of "
            "ResNet-50/101/152 name the stride-on-3x3 ('v1.5') nets that fb.resnet.torch "
            "trains; their parameter counts are the same as the paper's ResNets'.")


TABLE4_SOURCE = ("Zagoruyko & Komodakis 2016 (arXiv:1605.07146v4), Table 4 'Test error (%) of "
                 "various wide networks on CIFAR-10 and CIFAR-100 (ZCA preprocessing)'")
#: Table 4 as printed (v4): depth, k, # params, CIFAR-10, CIFAR-100; None = "-" (WRN-40-8 has
#: no CIFAR-100 figure). The depth and k columns name the network (WRN-depth-k).
TABLE4_ROWS = [(40, 1, "0.6M", "6.85", "30.89"), (40, 2, "2.2M", "5.33", "26.04"),
               (40, 4, "8.9M", "4.97", "22.89"), (40, 8, "35.7M", "4.66", None),
               (28, 10, "36.5M", "4.17", "20.50"), (28, 12, "52.5M", "4.33", "20.43"),
               (22, 8, "17.2M", "4.38", "21.22"), (22, 10, "26.8M", "4.44", "20.75"),
               (16, 8, "11.0M", "4.81", "22.07"), (16, 10, "17.1M", "4.56", "21.59")]
ZCA = ("ZCA whitening (the caption; Sec. 3: 'Unless mentioned otherwise, for CIFAR we follow "
       "the image preprocessing of [8] with ZCA whitening'): train with --recipe wrn-cifar-zca "
       "(contrast normalisation and ZCA as the authors' pylearn2 script), not the default "
       "wrn-cifar (mean/std); the paper states neither the run count of this table (its "
       "Tables 2, 3, 5 and 6 are medians of 5 runs) nor whether dropout was used")


def _table4_cells():
    cells = []
    for depth, k, params, c10, c100 in TABLE4_ROWS:
        row, model = f"WRN-{depth}-{k}", f"wrn-{depth}-{k}"
        cells.append(Published(TABLE4_SOURCE, row, "# params", params.rstrip("M"), "M",
                               model=model, metric=PARAMS_METRIC))
        for column, printed, spread in (("CIFAR-10 error", c10, CIFAR10),
                                        ("CIFAR-100 error", c100, CIFAR100)):
            if printed is not None:
                cells.append(accuracy(TABLE4_SOURCE, row, column, printed, spread, model=model,
                                      convention=ZCA))
    return cells


def _table4_details() -> str:
    nets = "\n".join(f"- WRN-{d}-{k}: `{measure(f'wrn-{d}-{k}').call}`"
                     for d, k, *_ in TABLE4_ROWS)
    ten, hundred = (PARAMS_METRIC(measure("wrn-40-8", **extra)) / 1e6
                    for extra in ({}, {"classes": 100}))
    return ("Nets counted:\n\n" + nets + "\n\nThe printed counts fit the 10-class head: "
            f"WRN-40-8 has {ten:.3f}M with it and {hundred:.3f}M with a 100-class head, which "
            "would not round to the printed 35.7M. The '-' of WRN-40-8 under CIFAR-100 is not a "
            "cell. The same nets' mean/std errors (WRN-40-4, WRN-16-8, WRN-28-10) are Table 5's, "
            "above; the errors here are of ZCA-whitened inputs.")


TABLE1_SOURCE = ("Zagoruyko & Komodakis 2016 (arXiv:1605.07146v4), Table 1 'Structure of wide "
                 "residual networks. Network width is determined by factor k.' (block type "
                 "B(3, 3); N blocks per group, downsampling by the first layers of conv3 and "
                 "conv4)")
#: Table 1's groups, as printed: (group, output size, width of both 3x3 convs as "w×k").
GROUPS = [("conv2", "32×32", "16×k"), ("conv3", "16×16", "32×k"), ("conv4", "8×8", "64×k")]
_EVERY_K = ("the same for every network of Table 4 (k = 1, 2, 4, 8, 10, 12; depth 16 to 40) "
            "and every block of the group")
_PER_K = ("printed 'w×k': our figure is the conv's filters divided by k, " + _EVERY_K)


def _table1_cells() -> list[Published]:
    cells = [Published(TABLE1_SOURCE, "conv1", "output size", "32 × 32", convention=_EVERY_K),
             Published(TABLE1_SOURCE, "conv1", "kernel", "3×3",
                       convention="printed '[3×3, 16]'"),
             Published(TABLE1_SOURCE, "conv1", "filters", "16",
                       convention="printed '[3×3, 16]': fixed, not scaled by k")]
    for group, size, width in GROUPS:
        cells.append(Published(TABLE1_SOURCE, group, "output size", size, convention=_EVERY_K))
        for ordinal in ("1st", "2nd"):
            cells.append(Published(TABLE1_SOURCE, group, f"{ordinal} conv kernel", "3×3",
                                   convention=_EVERY_K))
            cells.append(Published(TABLE1_SOURCE, group, f"{ordinal} conv filters", width,
                                   convention=_PER_K))
    cells += [Published(TABLE1_SOURCE, "avg-pool", "output size", "1 × 1", convention=_EVERY_K),
              Published(TABLE1_SOURCE, "avg-pool", "window", "8 × 8",
                        convention="printed '[8 × 8]': ours is global average pooling of the "
                                   "8×8 map, " + _EVERY_K)]
    return cells


def _same(values) -> float:
    """The common value of ``values``, or NaN (a mismatch) when they differ."""
    values = set(values)
    return values.pop() if len(values) == 1 else math.nan


def _size(tensor) -> int:
    """Side of a square feature map (1 for a flat vector)."""
    shape = tuple(tensor.shape[1:])
    return 1 if len(shape) == 1 else _same(shape[:2])


def _table1() -> dict:
    seen: dict[tuple[str, str], set] = {}
    for depth, k, *_ in TABLE4_ROWS:
        model = measure(f"wrn-{depth}-{k}").model
        conv1 = model.get_layer("conv1_conv")
        found = {("conv1", "output size"): [_size(conv1.output)],
                 ("conv1", "kernel"): list(conv1.kernel_size),
                 ("conv1", "filters"): [conv1.filters]}
        for index, (group, *_) in enumerate(GROUPS, start=2):
            blocks = [f"conv{index}_{block}" for block in stage_blocks(model, index)]
            found[(group, "output size")] = [_size(model.get_layer(f"{b}_add").output)
                                             for b in blocks]
            for conv, ordinal in ((1, "1st"), (2, "2nd")):
                layers = [model.get_layer(f"{b}_{conv}_conv") for b in blocks]
                found[(group, f"{ordinal} conv kernel")] = [
                    size for layer in layers for size in layer.kernel_size]
                found[(group, f"{ordinal} conv filters")] = [layer.filters / k for layer in layers]
        pool = model.get_layer("avg_pool")
        found[("avg-pool", "output size")] = [_size(pool.output)]
        found[("avg-pool", "window")] = [_size(pool.input)]
        for key, values in found.items():
            seen.setdefault(key, set()).update(values)
    return {key: _same(values) for key, values in seen.items()}


def _table1_details() -> str:
    model, rows = measure("wrn-28-10").model, []
    conv1 = model.get_layer("conv1_conv")
    rows.append(f"| conv1 | {_size(conv1.output)}×{_size(conv1.output)} | "
                f"[{conv1.kernel_size[0]}×{conv1.kernel_size[1]}, {conv1.filters}] |")
    for index, (group, *_) in enumerate(GROUPS, start=2):
        blocks = [f"conv{index}_{block}" for block in stage_blocks(model, index)]
        size = _size(model.get_layer(f"{blocks[-1]}_add").output)
        convs = "; ".join(f"{layer.kernel_size[0]}×{layer.kernel_size[1]}, {layer.filters}"
                          for layer in (model.get_layer(f"{blocks[0]}_{c}_conv") for c in (1, 2)))
        rows.append(f"| {group} | {size}×{size} | [{convs}] × {len(blocks)} |")
    pool = model.get_layer("avg_pool")
    strided = [f"`{layer.name}`" for layer in model.layers
               if tuple(getattr(layer, "strides", (1, 1))) != (1, 1)]
    rows.append(f"| avg-pool | {_size(pool.output)}×{_size(pool.output)} | "
                f"[{_size(pool.input)}×{_size(pool.input)}] |")
    return ("Ours for WRN-28-10 (k = 10, N = 4), read from the built model (the paper's "
            "Table 1 prints 16×k, 32×k, 64×k and ×N):\n\n"
            "| group name | output size | block type = B(3, 3) |\n|---|---|---|\n"
            + "\n".join(rows) + "\n\nN, the blocks per group, is (depth - 4) / 6 as in the "
            "authors' code (models/wide-resnet.lua, 'depth should be 6n+4'). Our strided "
            f"layers ({', '.join(strided)}) are the caption's 'downsampling performed by the "
            "first layers in groups conv3 and conv4' (tests/test_wrn_tables.py checks both for "
            "every network of Table 4).")


TABLES = [
    TableSpec("wrn_table", "CIFAR-10/100 test error (%) with depth-k and parameters",
              WRN_SOURCE, _wrn_cells(), details=_nets),
    TableSpec("identity_mappings", "Shortcut mappings h(x) of ResNet-110 on CIFAR-10 (error %)",
              STUDY_SOURCE, STUDY_CELLS, details=_study_details),
    TableSpec("imagenet_table", "ImageNet (ILSVRC-2012 val, single crop): bottleneck ResNets, "
              "top-1/top-5 error (%) and parameters", IMAGENET_SOURCE, _imagenet_cells(),
              details=_imagenet_details),
    TableSpec("table4", "Table 4: CIFAR-10/100 test error (%) of wide networks (ZCA "
              "preprocessing) and parameters", TABLE4_SOURCE, _table4_cells(),
              details=_table4_details),
    TableSpec("table1_structure", "Table 1: structure of wide residual networks (every k)",
              TABLE1_SOURCE, _table1_cells(), _table1, _table1_details),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
