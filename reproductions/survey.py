"""The survey of Khan, Sohail, Zahoora & Qureshi (Artif. Intell. Rev. 53, 2020,
arXiv:1901.06032): its "Performance comparison of the recent architectures of different
categories", split by its category column into one table per category (spatial exploitation,
depth, multi-path, width, feature-map exploitation, channel boosting, attention), with the
parameters and depth of every row we build checked against the registry model the row names,
and every error as an accuracy cell.

Each printed number has one home here: the survey's Inception, Xception, PyramidalNet,
Residual Attention, CMPE-SE and CBAM cells, once in the papers' own reproductions, are checked
here with the same metrics and deviations. A row the survey prints in two categories (Highway
Networks and ResNet in depth and multi-path, the Inception rows in depth and width) is
checked in the first, and named in the second table's details.

Reading of the printed layout: where a row prints several figures in a column (ResNet
"25.6 M 1.7 M", DenseNet's four, PyramidalNet's three) they pair in order with the errors and
depths of the same row, as the papers the row cites give them (ResNet-152 on ImageNet,
ResNet-110 on CIFAR-10; DenseNet-BC L=190, k=40 on C10+/C100+ and L=250, k=24 on C10/C100);
ResNeXt's depth "29 - 101" is ResNeXt-29 (CIFAR) and ResNeXt-101 (ImageNet), its one
parameter figure the CIFAR net's. A "-" is no figure and is left out; so are the two figures
the papers' authors give no widths or table for (see the details).
"""

from __future__ import annotations

import keras

from reproductions._attention import DEPTH as TRUNK_DEPTH
from reproductions._attention import TRAINABLE as ATTENTION_TRAINABLE
from reproductions._attention import accuracy as attention_accuracy
from reproductions.alexnet import DEPTH as DEEPEST
from reproductions.cbam import PARAMS as CBAM_PARAMS
from reproductions.cells import Deviation, Published, TableSpec, check_tables, published
from reproductions.cifar_baselines import DEPTH as HIGHWAY_DEPTH
from reproductions.cifar_baselines import HIGHWAY_PARAMS
from reproductions.densenet import DEPTH_METRIC as DENSENET_DEPTH
from reproductions.densenet import PARAMS_METRIC as DENSENET_PARAMS
from reproductions.inception import KERAS_DEPTH, _error, keras_depth, weight_depth
from reproductions.inception import PARAMS as INCEPTION_PARAMS
from reproductions.measure import TRAINABLE, WEIGHTS_AND_BIASES, Metric, measure
from reproductions.pyramidnet import _BOTTLENECK270
from reproductions.pyramidnet import DEPTH as PYRAMIDNET_DEPTH
from reproductions.pyramidnet import PARAMS as PYRAMIDNET_PARAMS
from reproductions.residual_attention import MXNET_PARAMS
from reproductions.resnet import CIFAR_PARAMS as RESNET_CIFAR_PARAMS
from reproductions.resnext import PARAMS_METRIC as RESNEXT_PARAMS
from reproductions.senet import PARAMS_METRIC as SENET_PARAMS
from reproductions.spreads import (CIFAR10, CIFAR10_PLAIN, CIFAR100, CIFAR100_PLAIN,
                                   IMAGENET_TOP5, accuracy)
from reproductions.wrn import PARAMS_METRIC as WRN_PARAMS

KEY = "survey"
PAPER = ("Khan, Sohail, Zahoora & Qureshi, A Survey of the Recent Architectures of Deep "
         "Convolutional Neural Networks, Artif. Intell. Rev. 53, 2020 (arXiv:1901.06032)")

_TABLE = ("Khan et al. 2020 (arXiv:1901.06032), 'Performance comparison of the recent "
          "architectures of different categories', {} rows (one table per category, as "
          "lecture notes 002 print it)")
T_SPATIAL = _TABLE.format("'Spatial Exploitation'")
T_DEPTH = _TABLE.format("'Depth' ('Depth + Width', 'Depth + Multi-Path')")
T_MULTIPATH = _TABLE.format("'Multi-Path'")
T_WIDTH = _TABLE.format("'Width'")
T_FMAP = _TABLE.format("'Feature-Map Exploitation'")
T_ATTENTION = _TABLE.format("'Attention'")

# --- conventions ------------------------------------------------------------------------------

#: LeNet-5's C3 (LeCun et al. 1998, Table I): how many S2 maps each of the 16 C3 maps sees
#: (six see 3 contiguous maps, six 4 contiguous, three 4 discontinuous, one all six).
LENET_C3_INPUTS = (3,) * 6 + (4,) * 6 + (4,) * 3 + (6,)


def _lenet_paper_params(m) -> int:
    model = m.model
    c1, c3, c5, f6 = (model.get_layer(name) for name in ("c1", "c3", "c5", "f6"))
    height, width = c3.kernel_size
    subsampling = 2 * (c1.filters + c3.filters)  # a coefficient and a bias per S2/S4 map
    c3_params = height * width * sum(LENET_C3_INPUTS) + c3.filters
    return c1.count_params() + subsampling + c3_params + c5.count_params() + f6.count_params()


LENET_PARAMS = Metric(
    "trainable parameters of LeNet-5 as LeCun et al. 1998 (Sec. II.B) connect it, from our "
    "lenet-5's layer shapes: C3 through Table I (60 of the 6 x 16 map pairs; ours connects "
    "all 96), a trainable coefficient and bias per S2/S4 map (ours: plain average pooling), "
    "the output's RBF centres not counted (chosen by hand and fixed; ours is a dense layer)",
    _lenet_paper_params)
CLASSIC_PARAMS = WEIGHTS_AND_BIASES.described(
    "weights and biases (the networks have no batch norm; auxiliary classifiers not built)")
IMAGENET_PARAMS = TRAINABLE.described(
    "trainable parameters: conv/fc weights, fc bias, batch-norm gamma/beta (moving statistics "
    "not counted), 1000-class head")
LAYERS = DEEPEST.described("weight layers (conv and fc) on the deepest path")
SE_DEPTH = TRUNK_DEPTH.described("weight layers (conv and fc) on the deepest path, the SE "
                                 "blocks' fc layers and the projection shortcuts excluded")


def _wrn_depth(m) -> int:
    """d of WRN-d-k as Zagoruyko & Komodakis count it: the convolutions of the network,
    the three 1x1 projections included, the attention modules' own layers excluded."""
    return sum(1 for layer in m.model.layers if isinstance(layer, keras.layers.Conv2D)
               and "_cmpe_" not in layer.name and "_se_" not in layer.name)


WRN_DEPTH = Metric("depth d of WRN-d-k: convolutions including the three 1x1 projection "
                   "shortcuts (Zagoruyko & Komodakis 2016, Table 1), attention layers "
                   "excluded", _wrn_depth)

_NO_SPREAD_MNIST = ("no run-to-run spread of LeNet-5 on MNIST is printed (LeCun et al. 1998 "
                    "report single runs), so the tolerance is the printed rounding (half a unit)")


def _mnist(row: str, column: str, printed: str, tolerance: float, note: str) -> Published:
    return Published(T_SPATIAL, row, column, printed, "%", kind="accuracy",
                     rounding="tolerance", tolerance=tolerance, tolerance_reason=_NO_SPREAD_MNIST,
                     model="lenet-5", convention=note)


def _ensemble(source: str, row: str, column: str, printed: str, entry: str) -> Published:
    return Published(source, row, column, printed, "%", kind="accuracy", convention=entry,
                     ensemble=True)


# --- (1) spatial exploitation -----------------------------------------------------------------

_ALEXNET_PARAMS = Deviation(
    "the survey prints Krizhevsky et al.'s round '60 million parameters' (abstract, Sec. 4); "
    "the network has 60.97M, which rounds to 61M",
    "the two-GPU AlexNet of Fig. 2 (CONV2, CONV4, CONV5 in two groups): 60,965,224 weights and "
    "biases; the one-GPU reading has 62,378,344", corrected="61", kind="rounding")
_ZFNET_PARAMS = Deviation(
    "Zeiler & Fergus print no parameter count; '60 M' repeats the AlexNet row above it",
    "ZFNet as we build it (Zeiler & Fergus 2014, Table 2's net (b): layers 3, 4, 5 with 512, "
    "1024, 512 maps): 107,627,624 weights and biases; the Fig. 3 net (384, 384, 256 maps) "
    "has 62,357,608 by the same count (7x7x3x96, 5x5x96x256, 3x3x256x384, 3x3x384x384, "
    "3x3x384x256, 6x6x256x4096, 4096x4096, 4096x1000 and biases): neither is 60M",
    corrected="107.6", kind="copied-row")
_VGG_PARAMS = Deviation(
    "138M is VGG-16's (configuration D) count; the row's depth 19 is configuration E "
    "(VGG-19), which has 144M",
    "Simonyan & Zisserman 2015, Table 2: D 138, E 144 (millions); ours: vgg-d 138,357,544, "
    "vgg-e 143,667,240 weights and biases; no configuration has 138M and 19 weight layers "
    "(D has 16)", corrected="144", kind="other-network")
_GOOGLENET_PARAMS = Deviation(
    "no count of GoogLeNet gives 4M: the paper states '12 times fewer parameters than' "
    "AlexNet (60M / 12 = 5M), and the network has 7.0M, 6.0M without its classifier",
    "Szegedy et al. 2015 Table 1 (params column summed: 6.8M, the linear layer 1000K); ours: "
    "6,998,552 weights and biases, 5,966,272 conv weights (no auxiliary classifiers)",
    corrected="7.0", kind="unexplained")

SPATIAL = [
    Published(T_SPATIAL, "LeNet", "parameters", "0.060", "M", model="lenet-5",
              metric=LENET_PARAMS),
    Published(T_SPATIAL, "LeNet", "depth", "5", model="lenet-5", metric=LAYERS),
    _mnist("LeNet", "MNIST error (distorted training set)", "0.8", 0.05,
           "LeCun et al. 1998: LeNet-5 trained on the training set with artificial "
           "distortions"),
    _mnist("LeNet", "MNIST error", "0.95", 0.005, "LeCun et al. 1998: LeNet-5, undistorted "
                                                  "training set"),
    Published(T_SPATIAL, "AlexNet", "parameters", "60", "M", model="alexnet-2gpu",
              metric=CLASSIC_PARAMS.described("the paper's two-GPU network (groups=2), "
                                              "weights and biases"),
              deviation=_ALEXNET_PARAMS),
    Published(T_SPATIAL, "AlexNet", "depth", "8", model="alexnet-2gpu", metric=LAYERS),
    _ensemble(T_SPATIAL, "AlexNet", "ImageNet top-5 error", "16.4",
              "ILSVRC-2012 test set, an average of five CNNs (Krizhevsky et al. 2012, Table 2)"),
    Published(T_SPATIAL, "ZfNet", "parameters", "60", "M", model="zfnet",
              metric=CLASSIC_PARAMS, deviation=_ZFNET_PARAMS),
    Published(T_SPATIAL, "ZfNet", "depth", "8", model="zfnet", metric=LAYERS),
    _ensemble(T_SPATIAL, "ZfNet", "ImageNet top-5 error", "11.7",
              "the ILSVRC-2013 winning entry (Clarifai, an ensemble)"),
    Published(T_SPATIAL, "VGG", "parameters", "138", "M", model="vgg-e",
              metric=CLASSIC_PARAMS.described("weights and biases (Simonyan & Zisserman's "
                                              "Table 2 convention)"),
              deviation=_VGG_PARAMS),
    Published(T_SPATIAL, "VGG", "depth", "19", model="vgg-e", metric=LAYERS),
    _ensemble(T_SPATIAL, "VGG", "ImageNet top-5 error", "7.3",
              "the ILSVRC-2014 submission, 7 nets (Simonyan & Zisserman 2015, Table 7)"),
    Published(T_SPATIAL, "GoogLeNet", "parameters", "4", "M", model="googlenet",
              metric=CLASSIC_PARAMS, deviation=_GOOGLENET_PARAMS),
    Published(T_SPATIAL, "GoogLeNet", "depth", "22", model="googlenet", metric=LAYERS),
    _ensemble(T_SPATIAL, "GoogLeNet", "ImageNet top-5 error", "6.7",
              "the ILSVRC-2014 entry, 7 models and 144 crops (Szegedy et al. 2015, Table 3: "
              "6.67)"),
]

# --- (2) depth: Inception-V3/V4/ResNet (from reproductions.inception), Highway, ResNet ----------

_V3_PARAMS = Deviation(
    "the survey quotes Chollet 2017's Table 3 count of Inception V3 (23,626,728), which no "
    "counting of the released Inception-v3 gives",
    "released Inception-v3 (TF-slim, keras.applications, ours; copying its weights gives "
    "equal outputs): 23,817,352 trainable parameters, 23,799,136 weights, 23,851,784 with the "
    "batch-norm statistics; see results/xception.md", corrected="23.82", kind="other-network")
_V4_PARAMS = Deviation(
    "no Inception network of Szegedy et al. 2017 has 35M parameters",
    "Inception-v4 as in Figs. 3-9 and TF-slim inception_v4.py: 42,648,232 trainable "
    "parameters (the issue's 'about 43M'); Inception-ResNet-v1 22.74M, Inception-ResNet-v2 "
    "as in the figures 32.42M, as released 55.81M", corrected="42.65", kind="other-network")
_V4_DEPTH = Deviation(
    "the depth does not follow from Inception-v4 under the count that gives the survey's "
    "other rows (Keras' topological depth: 159 for Inception-V3, 572 for Inception-ResNet, "
    "126 for Xception), nor under weight layers",
    "Inception-v4 (Figs. 3-9): 250 layers on the longest path under that count, 76 weight "
    "layers on the longest path (stem 9, 4 x 3, 3, 7 x 5, 4, 3 x 4, fc)", corrected="250",
    kind="other-network")
_RESNET_PARAMS = Deviation(
    "25.6M is ResNet-50's count; the row's depth 152 and ImageNet error are ResNet-152's, "
    "which has 60.2M",
    "He et al. 2016 (Table 1's layouts, option B shortcuts): ours resnet-50 25,557,032 and "
    "resnet-152 60,192,808 trainable parameters under the same count",
    corrected="60.2", kind="other-network")
_RESNET110 = CIFAR10.own(0.16, "He et al. 2016 Table 6: ResNet-110 '6.43 (6.61±0.16)', best "
                               "(mean±std) of 5 runs")

DEPTH = [
    Published(T_DEPTH, "Inception-V3", "parameters", "23.6", "M", model="inception-v3",
              metric=INCEPTION_PARAMS, deviation=_V3_PARAMS),
    Published(T_DEPTH, "Inception-V3", "depth", "159", model="inception-v3",
              metric=KERAS_DEPTH),
    _error(T_DEPTH, "Inception-V3", "ImageNet top-5 error (ensemble)", "3.5", ensemble=True),
    _error(T_DEPTH, "Inception-V3", "top-5 error (multi-crop)", "3.58"),
    _error(T_DEPTH, "Inception-V3", "top-5 error (single-crop)", "5.6"),
    Published(T_DEPTH, "Highway Networks", "parameters", "2.3", "M", model="highway-19",
              metric=HIGHWAY_PARAMS),
    Published(T_DEPTH, "Highway Networks", "depth", "19", model="highway-19",
              metric=HIGHWAY_DEPTH),
    accuracy(T_DEPTH, "Highway Networks", "CIFAR-10 error", "7.76", CIFAR10,
             model="highway-19"),
    Published(T_DEPTH, "Inception-V4", "parameters", "35", "M", model="inception-v4",
              metric=INCEPTION_PARAMS, deviation=_V4_PARAMS),
    Published(T_DEPTH, "Inception-V4", "depth", "70", model="inception-v4",
              metric=KERAS_DEPTH, deviation=_V4_DEPTH),
    _error(T_DEPTH, "Inception-V4", "ImageNet top-5 error", "4.01"),
    Published(T_DEPTH, "Inception-ResNet (v2, released)", "parameters", "55.8", "M",
              model="inception-resnet-v2-tf-slim", metric=INCEPTION_PARAMS),
    Published(T_DEPTH, "Inception-ResNet (v2, released)", "depth", "572",
              model="inception-resnet-v2-tf-slim", metric=KERAS_DEPTH),
    _error(T_DEPTH, "Inception-ResNet (v2, released)", "ImageNet top-5 error", "3.52"),
    Published(T_DEPTH, "ResNet (ImageNet)", "parameters", "25.6", "M", model="resnet-152",
              metric=IMAGENET_PARAMS, deviation=_RESNET_PARAMS),
    Published(T_DEPTH, "ResNet (ImageNet)", "depth", "152", model="resnet-152", metric=LAYERS),
    _ensemble(T_DEPTH, "ResNet (ImageNet)", "ImageNet top-5 error", "3.6",
              "the ILSVRC-2015 entry, an ensemble (He et al. 2016, Table 5: 3.57)"),
    Published(T_DEPTH, "ResNet (CIFAR-10)", "parameters", "1.7", "M", model="resnet-110",
              metric=RESNET_CIFAR_PARAMS),
    Published(T_DEPTH, "ResNet (CIFAR-10)", "depth", "110", model="resnet-110", metric=LAYERS),
    accuracy(T_DEPTH, "ResNet (CIFAR-10)", "CIFAR-10 error", "6.43", _RESNET110,
             model="resnet-110", convention="He et al. 2016 Table 6: the best of 5 runs"),
]

# --- (3) multi-path: DenseNet -----------------------------------------------------------------

_ONE_COUNT = ("the survey prints one count per dataset; Huang et al. 2017's Table 2 prints one "
              "for both CIFAR datasets, the 10-class net's")
_DENSENET_ROWS = [  # (row, model, params, depth, error column, printed, spread)
    ("DenseNet-BC (L=190, k=40; C10+)", "densenet-bc-190-40", "25.6", "190",
     "CIFAR-10+ error", "3.46", CIFAR10),
    ("DenseNet-BC (L=190, k=40; C100+)", "densenet-bc-190-40", "25.6", "190",
     "CIFAR-100+ error", "17.18", CIFAR100),
    ("DenseNet-BC (L=250, k=24; C10)", "densenet-bc-250-24", "15.3", "250",
     "CIFAR-10 error", "5.19", CIFAR10_PLAIN),
    ("DenseNet-BC (L=250, k=24; C100)", "densenet-bc-250-24", "15.3", "250",
     "CIFAR-100 error", "19.64", CIFAR100_PLAIN),
]
MULTIPATH = []
for _row, _model, _params, _depth, _column, _error_printed, _spread in _DENSENET_ROWS:
    _c100 = "C100" in _row
    MULTIPATH += [
        Published(T_MULTIPATH, _row, "parameters", _params, "M", model=_model,
                  metric=DENSENET_PARAMS.described(DENSENET_PARAMS.text + "; " + _ONE_COUNT)
                  if _c100 else DENSENET_PARAMS),
        Published(T_MULTIPATH, _row, "depth", _depth, model=_model, metric=DENSENET_DEPTH),
        accuracy(T_MULTIPATH, _row, _column, _error_printed, _spread, model=_model,
                 convention="a run trains the 100-class head" if _c100 else ""),
    ]

# --- (4) width: WRN, PyramidalNet (from reproductions.pyramidnet), Xception (from
# reproductions.xception), ResNeXt ------------------------------------------------------------

_WRN_DROPOUT = "WRN-28-10 with dropout 0.3 in the residual blocks (Zagoruyko & Komodakis Table 6)"
_SURVEY_NOTE = ("the survey prints one parameter count per dataset; the paper's Table 4 "
                "prints one for both CIFAR datasets, the 10-class net's")
_XIE_T5 = ("Xie et al. 2017, Table 5: ResNeXt-101 (64x4d), single 320x320 crop (the 224x224 "
           "crop gives 5.3)")

WIDTH = [
    Published(T_WIDTH, "WideResNet", "parameters", "36.5", "M", model="wrn-28-10",
              metric=WRN_PARAMS),
    Published(T_WIDTH, "WideResNet", "depth", "28", model="wrn-28-10", metric=WRN_DEPTH),
    accuracy(T_WIDTH, "WideResNet", "CIFAR-10 error", "3.89", CIFAR10, model="wrn-28-10",
             convention=_WRN_DROPOUT),
    accuracy(T_WIDTH, "WideResNet", "CIFAR-100 error", "18.85", CIFAR100, model="wrn-28-10",
             convention=_WRN_DROPOUT + "; a run trains the 100-class head"),
    Published(T_WIDTH, "PyramidalNet (ImageNet)", "parameters", "116.4", "M",
              model="pyramidnet-200-450",
              metric=PYRAMIDNET_PARAMS.described("conv and fc weights and the fc bias "
                                                 "(batch-norm parameters not counted)")),
    Published(T_WIDTH, "PyramidalNet (CIFAR-10)", "parameters", "27.0", "M",
              deviation=_BOTTLENECK270, model="pyramidnet-bottleneck-164-270",
              metric=PYRAMIDNET_PARAMS),
    Published(T_WIDTH, "PyramidalNet (CIFAR-100)", "parameters", "27.0", "M",
              deviation=_BOTTLENECK270, model="pyramidnet-bottleneck-164-270",
              metric=PYRAMIDNET_PARAMS.described(PYRAMIDNET_PARAMS.text + "; " + _SURVEY_NOTE)),
    Published(T_WIDTH, "PyramidalNet (ImageNet)", "depth", "200", model="pyramidnet-200-450",
              metric=PYRAMIDNET_DEPTH),
    Published(T_WIDTH, "PyramidalNet (CIFAR-10)", "depth", "164",
              model="pyramidnet-bottleneck-164-270", metric=PYRAMIDNET_DEPTH),
    Published(T_WIDTH, "PyramidalNet (CIFAR-100)", "depth", "164",
              model="pyramidnet-bottleneck-164-270", metric=PYRAMIDNET_DEPTH),
    accuracy(T_WIDTH, "PyramidalNet (ImageNet)", "top-5 error", "4.7", IMAGENET_TOP5,
             model="pyramidnet-200-450",
             convention="the survey's figure; the authors' README prints 5.43 for this net "
                        "(single 224x224 crop), so 4.7 is of another test protocol"),
    accuracy(T_WIDTH, "PyramidalNet (CIFAR-10)", "error", "3.48", CIFAR10,
             model="pyramidnet-bottleneck-164-270"),
    accuracy(T_WIDTH, "PyramidalNet (CIFAR-100)", "error", "17.01", CIFAR100,
             model="pyramidnet-bottleneck-164-270",
             convention="a run trains the 100-class head"),
    Published(T_WIDTH, "Xception", "parameters", "22.8", "M", model="xception",
              metric=INCEPTION_PARAMS, deviation=Deviation(
                  "Table 3's 22,855,952 truncated, not rounded, to one decimal",
                  "Chollet 2017, Table 3: 22,855,952 (ours exactly); the same survey row's "
                  "source", corrected="22.86", kind="rounding")),
    Published(T_WIDTH, "Xception", "depth", "126", model="xception", metric=KERAS_DEPTH),
    _error(T_WIDTH, "Xception", "ImageNet top-5 error", "0.055", "", model="xception"),
    Published(T_WIDTH, "ResNeXt-29 (CIFAR)", "parameters", "68.1", "M",
              model="resnext-29-16x64d",
              metric=RESNEXT_PARAMS.described(RESNEXT_PARAMS.text + "; ResNeXt-29, 16x64d "
                                              "(Xie et al. 2017, Table 7), 10-class head")),
    Published(T_WIDTH, "ResNeXt-29 (CIFAR)", "depth", "29", model="resnext-29-16x64d",
              metric=LAYERS),
    accuracy(T_WIDTH, "ResNeXt-29 (CIFAR)", "CIFAR-10 error", "3.58", CIFAR10,
             model="resnext-29-16x64d", convention="Xie et al. 2017 Table 7: the average of "
                                                   "10 runs"),
    accuracy(T_WIDTH, "ResNeXt-29 (CIFAR)", "CIFAR-100 error", "17.31", CIFAR100,
             model="resnext-29-16x64d", convention="Xie et al. 2017 Table 7: the average of "
                                                   "10 runs; a run trains the 100-class head"),
    Published(T_WIDTH, "ResNeXt-101 (ImageNet)", "depth", "101", model="resnext-101-64x4d",
              metric=LAYERS),
    accuracy(T_WIDTH, "ResNeXt-101 (ImageNet)", "ImageNet top-5 error", "4.4", IMAGENET_TOP5,
             model="resnext-101-64x4d", convention=_XIE_T5),
]

# --- (5) feature-map exploitation: SENet, CMPE-SE (from reproductions.residual_attention) ------

_SENET_PARAMS = Deviation(
    "27.5M is a 50-layer SE network's count, not a 152-layer one's: Hu et al. give SE-ResNet-50 "
    "as ResNet-50's ~25 million parameters plus ~2.5 million for the SE blocks",
    "ours, the same count: se-resnet-50 28,088,024 (resnet-50 25,557,032 + 2,530,992 in the SE "
    "blocks), se-resnext-50-32x4d 27,559,896, se-resnet-152 66,821,848; the row's 2.3 is the "
    "ILSVRC-2017 entry (SENet-154, 2.251)", corrected="66.8", kind="other-network")
_SENET_DEPTH_CMPE = Deviation(
    "the depth column repeats the row above it (Squeeze & Excitation Networks, 152: SENet "
    "is SE-ResNeXt-152); a WRN-28-10 is 28 layers deep",
    "Hu et al. 2018 name the network CMPE-SE-WRN-28-10 (the authors' code: "
    "cmpe_se_1x1_wrn28_10, num_layers=28, width_factor=10); the lecture's own row label "
    "says WRN-28", corrected="28", kind="copied-row")

FEATURE_MAP = [
    Published(T_FMAP, "Squeeze & Excitation Networks", "parameters", "27.5", "M",
              model="se-resnet-152", metric=SENET_PARAMS, deviation=_SENET_PARAMS),
    Published(T_FMAP, "Squeeze & Excitation Networks", "depth", "152", model="se-resnet-152",
              metric=SE_DEPTH),
    _ensemble(T_FMAP, "Squeeze & Excitation Networks", "ImageNet top-5 error", "2.3",
              "the ILSVRC-2017 winning entry (SENet-154 ensemble, 2.251; Hu et al., abstract)"),
    Published(T_FMAP, "CMPE-SE-WRN-28", "Parameters (second figure)", "36.90", "M",
              model="cmpe-se-wrn-28-10", metric=MXNET_PARAMS),
    Published(T_FMAP, "CMPE-SE-WRN-28", "Depth (first figure)", "152",
              model="cmpe-se-wrn-28-10", metric=WRN_DEPTH, deviation=_SENET_DEPTH_CMPE),
    Published(T_FMAP, "CMPE-SE-WRN-28", "Depth (second figure)", "152",
              model="cmpe-se-wrn-28-10", metric=WRN_DEPTH, deviation=_SENET_DEPTH_CMPE),
    attention_accuracy(T_FMAP, "CMPE-SE-WRN-28", "CIFAR-10 error", "3.58"),
    attention_accuracy(T_FMAP, "CMPE-SE-WRN-28", "CIFAR-100 error", "18.47"),
]

# --- (7) attention: Residual Attention (from reproductions.residual_attention), CBAM (from
# reproductions.cbam) -------------------------------------------------------------------------

ATTENTION = [
    Published(T_ATTENTION, "Residual Attention Neural Network", "Depth", "452",
              model="attention-452", metric=TRUNK_DEPTH),
    attention_accuracy(T_ATTENTION, "Residual Attention Neural Network", "CIFAR-10 error",
                       "3.90"),
    attention_accuracy(T_ATTENTION, "Residual Attention Neural Network", "CIFAR-100 error",
                       "20.4"),
    attention_accuracy(T_ATTENTION, "Residual Attention Neural Network", "ImageNet error",
                       "4.8"),
    Published(T_ATTENTION, "ResNeXt101 (32x4d) + CBAM", "Parameters", "48.96", "M",
              model="cbam-resnext-101-32x4d-v1", metric=CBAM_PARAMS),
    Published(T_ATTENTION, "ResNeXt101 (32x4d) + CBAM", "Depth", "101",
              model="cbam-resnext-101-32x4d-v1", metric=TRUNK_DEPTH),
    attention_accuracy(T_ATTENTION, "ResNeXt101 (32x4d) + CBAM", "ImageNet error (top-5)",
                       "5.59"),
]

# --- details ----------------------------------------------------------------------------------


def _calls(cells) -> str:
    names = list(dict.fromkeys(cell.model for cell in cells if cell.model))
    return "Models (builder calls):\n\n" + "\n".join(f"- `{name}`: `{measure(name).call}`"
                                                     for name in names)


def _spatial_details() -> str:
    return ("LeNet's parameters are LeCun et al.'s 60,000 (Sec. II.B: C1 156, S2 12, C3 1,516, "
            "S4 32, C5 48,120, F6 10,164) counted from our layers with the paper's "
            f"connections; our lenet-5 as built (all-to-all C3, plain pooling, a dense output) "
            f"has {measure('lenet-5').profile.total('trainable'):,}. The error cells of the "
            "ImageNet rows are competition entries (ensembles).\n\n" + _calls(SPATIAL))


def _depth_details() -> str:
    rows = []
    for name in ("inception-v3", "inception-v4", "inception-resnet-v1", "inception-resnet-v2",
                 "inception-resnet-v2-tf-slim"):
        model = measure(name).model
        rows.append(f"| `{name}` | {keras_depth(model)} | {max(weight_depth(model).values())} |")
    return ("The Inception depths are Keras' 'topological depth' (keras.applications' documented "
            "Depth column: 159 InceptionV3, 572 InceptionResNetV2, 126 Xception, which the "
            "keras.applications models give under the same count; tests/test_inception.py "
            "checks it on InceptionV3 and Xception); the other rows' are weight layers. "
            "Ours:\n\n| model | Keras depth | weight layers on the longest path |\n|---|---|---|\n"
            + "\n".join(rows) + "\n\n" + _calls(DEPTH))


def _multipath_details() -> str:
    return ("The survey's multi-path table also prints the Highway Networks and ResNet rows; "
            "they are checked once, in the depth table above.\n\n" + _calls(MULTIPATH))


def _width_details() -> str:
    return ("The survey's width table also prints the Inception-V3, Inception-V4 and "
            "Inception-ResNet rows; they are checked once, in the depth table. WideResNet's "
            "second depth and ResNeXt's middle depth are printed '-'.\n\n" + _calls(WIDTH))


def _feature_map_details() -> str:
    rows = []
    for name in ("cmpe-se-wrn-28-10", "cmpe-se-wrn-28-10-2x1", "cmpe-se-wrn-28-10-double-fc",
                 "cmpe-se-wrn-28-10-3x3", "se-wrn-28-10"):
        m, m100 = measure(name), measure(name, classes=100)
        rows.append(f"| `{name}` | {ATTENTION_TRAINABLE(m) / 1e6:.3f} | "
                    f"{m.profile.params / 1e6:.3f} | {m100.profile.params / 1e6:.3f} |")
    return ("The Squeeze & Excitation row is SE-ResNet-152 by its depth (SENet-154, the "
            "ILSVRC-2017 network, is not built here). Every CMPE-SE-WRN-28-10 form in millions "
            "of parameters: CIFAR-10 head trainable and with the BN statistics (MXNet's count), "
            "and CIFAR-100 head with them. The row's first figure 36.92 is no CIFAR-10 form's "
            "count; it equals the 3x3 inner-imaging form with a CIFAR-100 head (36,924,780), "
            "which would pair it with the row's CIFAR-100 error, but the paper's own table "
            "could not be read to confirm it, so it stays unchecked:\n\n| model | C10 trainable "
            "| C10 all | C100 all |\n|---|---|---|---|\n" + "\n".join(rows) + "\n\nThe survey's "
            "next category, channel boosting, has one row, Channel Boosted CNN (Khan et al. "
            "2018a): its parameters, error and depth are all printed '-', and it is not built "
            "here.\n\n" + _calls(FEATURE_MAP))


def _attention_details() -> str:
    rows = []
    for name, printed in (("attention-cifar-92", "1.9"), ("attention-236", "5.1"),
                          ("attention-452", "8.6")):
        m = measure(name)
        rows.append(f"| `{name}` | {TRUNK_DEPTH(m)} | {printed} | "
                    f"{ATTENTION_TRAINABLE(m) / 1e6:.2f} | {m.profile.params / 1e6:.2f} | "
                    f"{m.profile.macs / 1e9:.3f} |")
    return ("The Residual Attention row's '8.6 M' (Wang et al. 2017, Table 5) is not checked: "
            "the paper names the CIFAR networks' depth and hyper-parameters but not their "
            "widths, and the authors released no CIFAR model; our reconstruction (the widths of "
            "pre-activation ResNet-164) has the right depths but other counts:\n\n| model | depth | printed params (M) | ours trainable (M) | "
            "ours all (M) | GMACs |\n|---|---|---|---|---|---|\n" + "\n".join(rows)
            + "\n\nThe third row, Concurrent Spatial & Channel Excitation (scSE, Roy et al. "
            "2018), prints no parameters or depth ('-') and segmentation figures (MALC 0.12, "
            "Visceral 0.09) for networks not built here.\n\n" + _calls(ATTENTION))


TABLES = [
    TableSpec("spatial", "(1) Spatial exploitation based CNNs", T_SPATIAL, SPATIAL,
              details=_spatial_details),
    TableSpec("depth", "(2) Depth based CNNs", T_DEPTH, DEPTH, details=_depth_details),
    TableSpec("multi_path", "(3) Multi-path based CNNs", T_MULTIPATH, MULTIPATH,
              details=_multipath_details),
    TableSpec("width", "Width based multi-connection CNNs", T_WIDTH, WIDTH,
              details=_width_details),
    TableSpec("feature_map", "(4) Feature-map exploitation based CNNs", T_FMAP, FEATURE_MAP,
              details=_feature_map_details),
    TableSpec("attention", "(7) Attention based CNNs", T_ATTENTION, ATTENTION,
              details=_attention_details),
]
#: Every published cell of this paper, by table id.
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
