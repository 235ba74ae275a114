"""CIFAR baselines of the residual-network era: Network in Network (Lin et al. 2014),
All-CNN-C (Springenberg et al. 2015) and convolutional highway networks (Srivastava et al.
2015). Their layer tables (the papers' and the authors' released models), the parameter
and layer counts the highway papers and He et al. 2016 (Table 6) print, and the errors the
ResNet, highway and DenseNet papers print for them, as accuracy cells.

The DenseNet Table 2 rows of these three nets are here, not in :mod:`reproductions.densenet`:
its rows all carry a depth and a parameter count, which these rows print as "-"."""

from __future__ import annotations

from keras_cnns.all_cnn import LAYERS as ALL_CNN_LAYERS
from reproductions.cells import Published, TableSpec, check_tables, published
from reproductions.densenet import COLUMNS as DENSENET_COLUMNS
from reproductions.densenet import SPREADS as DENSENET_SPREADS
from reproductions.densenet import T2 as DENSENET_T2
from reproductions.measure import TRAINABLE, Metric, measure
from reproductions.spreads import CIFAR10, CIFAR100, accuracy

KEY = "cifar-baselines"
PAPER = ("Lin et al., Network In Network, ICLR 2014 (arXiv:1312.4400); Springenberg et al., "
         "Striving for Simplicity: The All Convolutional Net, ICLR 2015 workshop "
         "(arXiv:1412.6806); Srivastava et al., Training Very Deep Networks, NeurIPS 2015 "
         "(arXiv:1507.06228)")

T_NIN = ("Lin et al. 2014 (arXiv:1312.4400) Sec. 4.2 'CIFAR-10'; kernels, widths and poolings "
         "of the authors' released Caffe model 'cifar10' (Caffe model zoo, gist "
         "mavenlin/e56253735ef32c3c296d, as ported in Lasagne Recipes modelzoo/cifar10_nin.py)")
T_ALLCNN = ("Springenberg et al. 2015 (arXiv:1412.6806), Table 2 'All-CNN-C' (model C of "
            "Table 1 with strided convolutions)")
T_HW_CONFIG = ("Srivastava et al.'s released 19-layer CIFAR-10 network: github.com/"
               "flukeskywalker/highway-networks, examples/highways/cifar10-19layers/"
               "cifar10_network.prototxt at commit 246c720")
T_HW2 = ("Srivastava et al. 2015 (NeurIPS 2015 version, arXiv:1507.06228), Table 2 'CIFAR-10 "
         "test set accuracy of convolutional highway networks'")
T_HW3 = ("Srivastava et al. 2015 (NeurIPS 2015 version, arXiv:1507.06228), Table 3 'Test set "
         "accuracy of convolutional highway networks on the CIFAR-10 and CIFAR-100 object "
         "recognition datasets with typical data augmentation'")
T_RESNET6 = ("He et al. 2016 (arXiv:1512.03385), Table 6 'Classification error on the CIFAR-10 "
             "test set' ('All methods are with data augmentation')")

LAYERS_TEXT = "weight layers: convolutions, highway layers and fully-connected layers"
DEPTH = Metric(LAYERS_TEXT, lambda m: len(m.profile.select(("Conv2D", "Dense",
                                                            "HighwayConv2D"))))
HIGHWAY_PARAMS = TRAINABLE.described(
    "trainable parameters: convolution and fully-connected weights and biases, both "
    "convolutions (H and T) of each highway layer with their biases, 10-class classifier")
NOT_BUILT = "not built here (published only)"

# --- layer tables ---------------------------------------------------------------------------

#: The released NIN model: (Caffe layer, our layer, kernel, maps).
NIN_CONVS = [("conv1", "conv1", "5", "192"), ("cccp1", "cccp1", "1", "160"),
             ("cccp2", "cccp2", "1", "96"), ("conv2", "conv2", "5", "192"),
             ("cccp3", "cccp3", "1", "192"), ("cccp4", "cccp4", "1", "192"),
             ("conv3", "conv3", "3", "192"), ("cccp5", "cccp5", "1", "192"),
             ("cccp6", "predictions", "1", "10")]
#: (row, column, printed, our layer, what): poolings and the sizes they leave.
NIN_POOLS = [("pool1 (max)", "window", "3", "pool1", "window"),
             ("pool1 (max)", "stride", "2", "pool1", "stride"),
             ("pool1 (max)", "output size", "16", "pool1", "H"),
             ("pool2 (average)", "window", "3", "pool2", "window"),
             ("pool2 (average)", "stride", "2", "pool2", "stride"),
             ("pool2 (average)", "output size", "8", "pool2", "H"),
             ("pool3 (global average)", "window", "8", "predictions", "H"),
             ("drop1, drop2", "dropout rate", "0.5", "drop1", "rate")]
NIN_CELLS = ([Published(T_NIN, caffe, column, printed, convention="32x32x3 input; cccp6 is "
                        "the per-position Dense layer 'predictions'")
              for caffe, _, kernel, maps in NIN_CONVS
              for column, printed in (("kernel", kernel), ("maps", maps))]
             + [Published(T_NIN, row, column, printed) for row, column, printed, *_ in NIN_POOLS])


def _kernel(layer) -> int:
    return layer.kernel_size[0] if hasattr(layer, "kernel_size") else 1  # Dense: a 1x1


def _maps(layer) -> int:
    return layer.filters if hasattr(layer, "filters") else layer.units


def _nin() -> tuple[dict, str]:
    built = measure("nin-cifar10")
    model = built.model
    ours = {}
    for caffe, name, _, _ in NIN_CONVS:
        layer = model.get_layer(name)
        ours[(caffe, "kernel")], ours[(caffe, "maps")] = _kernel(layer), _maps(layer)
    for row, column, _, name, what in NIN_POOLS:
        layer = model.get_layer(name)
        ours[(row, column)] = {"window": lambda: layer.pool_size[0],
                               "stride": lambda: layer.strides[0],
                               "H": lambda: layer.output.shape[1],
                               "rate": lambda: layer.rate}[what]()
    types = ", ".join(f"{n}: {type(model.get_layer(n)).__name__}" for n in ("pool1", "pool2"))
    details = (f"Our `{built.call}`: {built.profile.total('trainable'):,} parameters (weights "
               f"and biases; neither the paper nor the released model prints a count), "
               f"{built.profile.macs / 1e6:.1f} M multiply-adds at 32x32. Poolings: {types} "
               "(the released model's second pooling averages; the paper's text says max "
               "pooling after every mlpconv layer). Every convolution, cccp6 included, is "
               "followed by a ReLU.")
    return ours, details


#: Table 2's All-CNN-C convolutions: (row, our layer, kernel, maps, stride).
ALLCNN_CONVS = [(f"{r[1]}x{r[1]} conv. {r[2]}" + (" stride 2" if r[3] == 2 else "")
                 + f" ({r[0]})", r[0], str(r[1]), str(r[2]), str(r[3]))
                for r in ALL_CNN_LAYERS if len(r) > 1] + [
                ("1x1 conv. 10 (predictions)", "predictions", "1", "10", "1")]
ALLCNN_CELLS = ([Published(T_ALLCNN, row, column, printed)
                 for row, _, kernel, maps, stride in ALLCNN_CONVS
                 for column, printed in (("kernel", kernel), ("maps", maps), ("stride", stride))]
                + [Published(T_ALLCNN, "global averaging", "spatial size", "6",
                             convention="'global averaging over 6x6 spatial dimensions', at the "
                                        "32x32 input"),
                   Published(T_ALLCNN, "dropout (input)", "rate", "0.2",
                             convention="Sec. 3.2"),
                   Published(T_ALLCNN, "dropout (after each strided conv.)", "rate", "0.5",
                             convention="Sec. 3.2")])


def _all_cnn() -> tuple[dict, str]:
    built = measure("all-cnn-c")
    model = built.model
    ours = {}
    for row, name, _, _, _ in ALLCNN_CONVS:
        layer = model.get_layer(name)
        ours[(row, "kernel")], ours[(row, "maps")] = _kernel(layer), _maps(layer)
        ours[(row, "stride")] = layer.strides[0] if hasattr(layer, "strides") else 1
    ours[("global averaging", "spatial size")] = model.get_layer("predictions").output.shape[1]
    ours[("dropout (input)", "rate")] = model.get_layer("input_dropout").rate
    ours[("dropout (after each strided conv.)", "rate")] = model.get_layer("dropout1").rate
    details = (f"Our `{built.call}`: {built.profile.total('trainable'):,} parameters (weights "
               f"and biases), {built.profile.macs / 1e6:.1f} M multiply-adds at 32x32. conv7 is "
               "unpadded (8x8 -> 6x6), as the 6x6 averaging requires; the strided convolutions "
               "use Keras 'same' padding (the paper prints none).")
    return ours, details


#: The released 19-layer highway network: (row, column, printed, our layer, what).
HW_CONFIG = ([(f"conv{i}", "maps", str(w), f"conv{i}", "maps")
              for i, w in ((1, 32), (5, 32), (6, 80), (11, 80), (12, 128), (17, 128), (18, 100))]
             + [("highway layers, 32 maps", "count", "4", 32, "highway"),
                ("highway layers, 80 maps", "count", "5", 80, "highway"),
                ("highway layers, 128 maps", "count", "5", 128, "highway"),
                ("conv2", "transform_bias_filler", "-2.0", "conv2", "gate bias"),
                ("pool1", "kernel_size", "2", "pool1", "window"),
                ("drop1", "dropout_ratio", "0.2", "drop1", "rate"),
                ("ip2", "num_output", "10", "predictions", "units")])
HW_CONFIG_CELLS = [Published(T_HW_CONFIG, row, column, printed)
                   for row, column, printed, *_ in HW_CONFIG]


def _highway_config() -> tuple[dict, str]:
    built = measure("highway-19")
    model = built.model
    highway = [layer for layer in model.layers if type(layer).__name__ == "HighwayConv2D"]
    ours = {}
    for row, column, _, name, what in HW_CONFIG:
        if what == "highway":
            ours[(row, column)] = sum(layer.filters == name for layer in highway)
            continue
        layer = model.get_layer(name)
        ours[(row, column)] = {"maps": lambda: _maps(layer),
                               "gate bias": lambda: layer.transform_bias,
                               "window": lambda: layer.pool_size[0],
                               "rate": lambda: layer.rate,
                               "units": lambda: layer.units}[what]()
    details = (f"Our `{built.call}`: {len(highway)} highway layers "
               f"({', '.join(layer.name for layer in highway)}), each y = H(x) T(x) + "
               "x (1 - T(x)) with two 3x3 convolutions; plain convolutions conv1, conv6, conv12 "
               f"and the 1x1 conv18; {built.profile.total('trainable'):,} parameters, "
               f"{built.profile.macs / 1e6:.1f} M multiply-adds at 32x32.")
    return ours, details


# --- parameter and layer counts, errors ----------------------------------------------------

_B_SPREAD = CIFAR10.own(0.16, "Srivastava et al. 2015 Table 2: Highway B '92.46 (92.28±0.16)', "
                              "best (mean±std) of 5 runs")
_HW19 = ("highway-19 is the released 19-layer network, the Sec. 3.3.2 variant (1x1 "
         "convolution and global average pooling in place of Table 2's fully-connected top, "
         "whose size is not printed)")
_HW32 = ("highway-32 is our reading of 'Highway C' (the paper prints only '32 layers of "
         "alternating 3x3 and 1x1 receptive fields'): a run of it tests that reading")


def _highway_row(source, row, model, columns, printed, error, spread, note="") -> list:
    """A highway row's layer count, parameter count (``printed[1]``, None where it is not
    checked) and accuracy or error, under ``columns`` (layers, params, accuracy)."""
    layers, params = printed
    cells = [Published(source, row, columns[0], layers, model=model, metric=DEPTH)]
    if params is not None:
        cells.append(Published(source, row, columns[1], params, "M", model=model,
                               metric=HIGHWAY_PARAMS.described(
                                   f"{HIGHWAY_PARAMS.text}; printed '{params}M'; {_HW19}")))
    reading = _HW19 if model == "highway-19" else _HW32
    return cells + [accuracy(source, row, columns[2], error, spread, model=model,
                             convention="; ".join(n for n in (note, reading) if n))]


_HW2_COLUMNS = ("No. of Layers", "No. of Parameters", "Accuracy (in %)")
TABLE_HW2 = (_highway_row(T_HW2, "Highway B (Fitnet B)", "highway-19", _HW2_COLUMNS,
                          ("19", "~2.3"), "92.46", _B_SPREAD,
                          "the best of 5 runs (their mean 92.28)")
             + _highway_row(T_HW2, "Highway C", "highway-32", _HW2_COLUMNS, ("32", None),
                            "91.20", CIFAR10))

_T3_CIFAR10 = CIFAR10.own(0.12, "Srivastava et al. 2015 Table 3: '92.40 (92.31±0.12)', best "
                                "(mean±std) of 5 runs")
_T3_CIFAR100 = CIFAR100.own(0.15, "Srivastava et al. 2015 Table 3: '67.76 (67.61±0.15)', best "
                                  "(mean±std) of 5 runs")
_CIFAR100_NOTE = "a run trains the model with classes=100 (cifar100-19layers for highway-19)"
TABLE_HW3 = [
    accuracy(T_HW3, "NiN", "CIFAR-10 Accuracy (in %)", "91.19", CIFAR10, model="nin-cifar10"),
    accuracy(T_HW3, "NiN", "CIFAR-100 Accuracy (in %)", "64.32", CIFAR100, model="nin-cifar10",
             convention=_CIFAR100_NOTE),
    accuracy(T_HW3, "All-CNN", "CIFAR-10 Accuracy (in %)", "92.75", CIFAR10, model="all-cnn-c"),
    accuracy(T_HW3, "All-CNN", "CIFAR-100 Accuracy (in %)", "66.29", CIFAR100,
             model="all-cnn-c", convention=_CIFAR100_NOTE),
    accuracy(T_HW3, "Highway Network", "CIFAR-10 Accuracy (in %)", "92.40", _T3_CIFAR10,
             model="highway-19", convention="the best of 5 runs (their mean 92.31)"),
    accuracy(T_HW3, "Highway Network", "CIFAR-100 Accuracy (in %)", "67.76", _T3_CIFAR100,
             model="highway-19", convention="the best of 5 runs (their mean 67.61); "
                                            + _CIFAR100_NOTE),
]

_RESNET_B = CIFAR10.own(0.16, "He et al. 2016 Table 6 (from Srivastava et al. Table 2): "
                              "'7.54 (7.72±0.16)', best (mean±std) of 5 runs")
_RESNET6_COLUMNS = ("# layers", "# params", "error (%)")
TABLE_RESNET6 = (
    [accuracy(T_RESNET6, "Maxout [10]", "error (%)", "9.38", CIFAR10, convention=NOT_BUILT),
     accuracy(T_RESNET6, "NIN [25]", "error (%)", "8.81", CIFAR10, model="nin-cifar10"),
     accuracy(T_RESNET6, "DSN [24]", "error (%)", "8.22", CIFAR10, convention=NOT_BUILT),
     accuracy(T_RESNET6, "FitNet [35] (19 layers)", "error (%)", "8.39", CIFAR10,
              convention=NOT_BUILT)]
    + _highway_row(T_RESNET6, "Highway [42, 43] (19 layers)", "highway-19", _RESNET6_COLUMNS,
                   ("19", "2.3"), "7.54", _RESNET_B, "the best of 5 runs (their mean 7.72)")
    + _highway_row(T_RESNET6, "Highway [42, 43] (32 layers)", "highway-32", _RESNET6_COLUMNS,
                   ("32", None), "8.80", CIFAR10))


def _unchecked_counts() -> str:
    ours = measure("highway-32").profile.total("trainable")
    return ("Not checked: Highway C's '∼1.25M' parameters (Srivastava et al. Table 2; He et al. "
            "Table 6 prints '1.25M'): the widths of the 32-layer net are printed nowhere and "
            f"were not released; our reading `{measure('highway-32').call}` has {ours:,} "
            "(the released 19-layer net's widths), so it is not the paper's network and no "
            "width is fitted to the number.")


def _resnet6_details() -> str:
    return ("Rows not built here (their cells are published only): Maxout, DSN, FitNet (19 "
            "layers, 2.5M parameters, a maxout network of Romero et al. 2015). "
            + _unchecked_counts())


def _hw2_details() -> str:
    return ("Not built: the FitNet rows (Teacher 5 layers ∼9M 90.18, Fitnet A 11 ∼250K "
            "89.01, Fitnet B 19 ∼2.5M 91.61; maxout networks of Romero et al. 2015) and "
            "Highway A (Fitnet A), 11 layers, ∼236K, 89.18 (its layout is not released). "
            + _unchecked_counts())


def _hw3_details() -> str:
    return ("Not built: Maxout (90.62, 61.42), dasNet (90.78, 66.22), DSN (92.03, 65.43). The "
            "NiN and All-CNN accuracies are as Srivastava et al. print them (100 minus the "
            "errors their papers print).")


# --- DenseNet Table 2 rows ------------------------------------------------------------------

#: (row, registry model, five errors as printed: C10, C10+, C100, C100+, SVHN; note).
DENSENET_ROWS = [
    ("Network in Network", "nin-cifar10", ("10.41", "8.81", "35.68", "-", "2.35"),
     "Lin et al. 2014's own errors"),
    ("All-CNN", "all-cnn-c", ("9.08", "7.25", "-", "33.71", "-"),
     "Springenberg et al. 2015's own errors"),
    ("Highway Network", "highway-19", ("-", "7.72", "-", "32.39", "-"),
     "Srivastava et al. 2015's means: C10+ of Table 2's Highway B (92.28), C100+ of Table 3 "
     "(67.61); " + _HW19),
]
TABLE_DENSENET2 = [
    accuracy(DENSENET_T2, row, column, printed, DENSENET_SPREADS[column], model=model,
             convention=note)
    for row, model, errors, note in DENSENET_ROWS
    for column, printed in zip(DENSENET_COLUMNS, errors) if printed != "-"]


def _densenet_details() -> str:
    return ("The DenseNet paper prints '-' for the depth and parameters of these rows. Nets: "
            + "; ".join(f"{row}: `{measure(model).call}`" for row, model, *_ in DENSENET_ROWS)
            + ". Other rows of the table are in the densenet reproduction.")


TABLES = [
    TableSpec("nin_layers", "Network in Network: the CIFAR-10 model (mlpconv layers, poolings)",
              T_NIN, NIN_CELLS, _nin),
    TableSpec("allcnn_table2", "All-CNN-C: Table 2", T_ALLCNN, ALLCNN_CELLS, _all_cnn),
    TableSpec("highway_config", "Highway networks: the released 19-layer CIFAR-10 network",
              T_HW_CONFIG, HW_CONFIG_CELLS, _highway_config),
    TableSpec("highway_table2", "Highway networks, Table 2: layers, parameters, CIFAR-10 "
              "accuracy", T_HW2, TABLE_HW2, details=_hw2_details),
    TableSpec("highway_table3", "Highway networks, Table 3: CIFAR-10/100 accuracy", T_HW3,
              TABLE_HW3, details=_hw3_details),
    TableSpec("resnet_table6", "He et al. 2016, Table 6: the baselines (layers, parameters, "
              "CIFAR-10 error)", T_RESNET6, TABLE_RESNET6, details=_resnet6_details),
    TableSpec("densenet_table2", "Huang et al. 2017, Table 2: the NiN, All-CNN and Highway "
              "rows (error %)", DENSENET_T2, TABLE_DENSENET2, details=_densenet_details),
]
#: Every published cell of these papers, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
