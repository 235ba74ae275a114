"""Each paper's training recipe as data, with the sentence of the paper it comes from.

A :class:`Recipe` names its models by registry name (``keras_cnns.training.registry``), never
by importing a builder. Values a paper does not print are filled from the reference it
points to, and each such value is listed in ``Recipe.assumptions``.

Schedules are functions of the (fractional) epoch, or of the iteration where the paper counts
iterations; :meth:`Schedule.lr` is what the training loop applies at every step.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math

from keras_cnns.arguments import check_choice

SCHEDULE_KINDS = ("step", "exponential", "plateau", "constant")
OPTIMIZERS = ("sgd", "rmsprop")
DECAY_TARGETS = ("all", "kernels", "kernels-except-depthwise")
AUGMENTATIONS = ("none", "cifar", "cifar-reflect", "imagenet-scale", "inception-crop")


@dataclasses.dataclass(frozen=True)
class Optimizer:
    """Optimizer settings in the paper's terms (``momentum``, ``nesterov``; RMSprop ``rho``)."""

    kind: str = "sgd"
    momentum: float = 0.9
    nesterov: bool = False
    rho: float = 0.9  # RMSprop decay
    epsilon: float = 1.0  # RMSprop epsilon (Inception-v3 uses 1.0)

    def __post_init__(self):
        check_choice("kind", self.kind, OPTIMIZERS)


@dataclasses.dataclass(frozen=True)
class Schedule:
    """Learning rate as a function of training progress.

    ``step``: ``base_lr * factor**k`` after the k-th boundary (``boundaries`` in ``unit``);
    ``factors`` overrides ``factor`` per boundary. ``exponential``: multiplied by ``factor``
    every ``every`` epochs (staircase). ``plateau``: multiplied by ``factor`` each time the
    validation error stops improving for ``patience`` epochs (the loop counts the drops).
    ``warmup_lr`` is used before ``warmup_until`` (same unit).
    """

    kind: str
    base_lr: float
    boundaries: tuple[float, ...] = ()
    factor: float = 0.1
    unit: str = "epoch"  # or "iteration"
    every: float = 0.0
    patience: int = 0
    max_drops: int | None = None
    warmup_lr: float | None = None
    warmup_until: float = 0.0

    def __post_init__(self):
        check_choice("kind", self.kind, SCHEDULE_KINDS)
        check_choice("unit", self.unit, ("epoch", "iteration"))
        if list(self.boundaries) != sorted(self.boundaries):
            raise ValueError(f"Schedule boundaries must increase. Received: boundaries={self.boundaries}")
        if self.kind == "exponential" and self.every <= 0:
            raise ValueError(f"An exponential schedule needs every > 0. Received: every={self.every}")

    def lr(self, position: float, drops: int = 0) -> float:
        """Learning rate at ``position`` (epochs or iterations, per ``unit``) after ``drops`` plateau drops."""
        if self.warmup_lr is not None and position < self.warmup_until:
            return self.warmup_lr
        if self.kind == "constant":
            return self.base_lr
        if self.kind == "step":
            passed = sum(position >= b for b in self.boundaries)
            return self.base_lr * self.factor ** passed
        if self.kind == "exponential":
            return self.base_lr * self.factor ** math.floor(position / self.every + 1e-9)
        if self.max_drops is not None:
            drops = min(drops, self.max_drops)
        return self.base_lr * self.factor ** drops

    def lr_at_step(self, step: int, steps_per_epoch: int, drops: int = 0) -> float:
        position = step if self.unit == "iteration" else step / steps_per_epoch
        return self.lr(position, drops)

    def scaled(self, ratio: float) -> "Schedule":
        warm = None if self.warmup_lr is None else self.warmup_lr * ratio
        return dataclasses.replace(self, base_lr=self.base_lr * ratio, warmup_lr=warm)


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How a paper trained its models: every hyper-parameter with the sentence it comes from."""

    name: str
    paper: str  # reproduction key, e.g. "wrn"
    source: str  # citation and section the values come from
    models: tuple[str, ...]  # registry names or shell-style patterns ("wrn-*") it trains
    datasets: tuple[str, ...]
    optimizer: Optimizer
    schedule: Schedule
    weight_decay: float
    weight_decay_on: str
    batch_size: int
    epochs: float  # may be fractional when the paper counts iterations
    augment: str
    normalize: str = "channel"  # "channel" (per-channel mean/std) or "unit" (x/255)
    dropout: float | None = None  # passed to the builder when set
    label_smoothing: float = 0.0
    aux_loss_weights: tuple[float, ...] = ()
    lr_scaling: str = "linear"  # how the lr follows a batch size other than ``batch_size``
    train_splits: tuple[str, ...] = ("train",)
    scale_range: tuple[int, int] = (256, 480)  # "imagenet-scale": shorter side range
    polyak_decay: float | None = None
    gradient_clip_norm: float | None = None  # clip the global gradient norm to this value
    notes: str = ""
    assumptions: tuple[str, ...] = ()

    def __post_init__(self):
        check_choice("weight_decay_on", self.weight_decay_on, DECAY_TARGETS)
        check_choice("augment", self.augment, AUGMENTATIONS)
        check_choice("normalize", self.normalize, ("channel", "unit"))
        check_choice("lr_scaling", self.lr_scaling, ("linear", "none"))

    def schedule_for(self, batch_size: int) -> Schedule:
        """The schedule for a global ``batch_size``: linear lr scaling when the recipe says so."""
        if batch_size == self.batch_size or self.lr_scaling == "none":
            return self.schedule
        return self.schedule.scaled(batch_size / self.batch_size)

    def trains(self, model: str) -> bool:
        """Whether ``model`` (a canonical registry name) is one this recipe trains."""
        return any(fnmatch.fnmatchcase(model, pattern) for pattern in self.models)


_SGD = Optimizer("sgd", momentum=0.9)
_NESTEROV = Optimizer("sgd", momentum=0.9, nesterov=True)

RESNET_CIFAR = Recipe(
    name="resnet-cifar", paper="resnet",
    source=("He et al., Deep Residual Learning for Image Recognition, CVPR 2016 "
            "(arXiv:1512.03385), Sec. 4.2: 'weight decay of 0.0001 and momentum of 0.9 ... "
            "mini-batch size of 128 on two GPUs ... learning rate of 0.1, divide it by 10 at "
            "32k and 48k iterations, and terminate training at 64k iterations, which is "
            "determined on a 45k/5k train/val split ... 4 pixels are padded on each side, and "
            "a 32x32 crop is randomly sampled from the padded image or its horizontal flip'; "
            "for ResNet-110 'we use 0.01 to warm up the training until the training error is "
            "below 80% (about 400 iterations), and then go back to 0.1'"),
    models=("resnet-20", "resnet-32", "resnet-44", "resnet-56", "resnet-110", "resnet-1202"),
    datasets=("cifar10",),
    optimizer=_SGD,
    schedule=Schedule("step", 0.1, boundaries=(32_000, 48_000), unit="iteration",
                      warmup_lr=0.01, warmup_until=400),
    weight_decay=1e-4, weight_decay_on="all", batch_size=128, epochs=64_000 * 128 / 50_000,
    augment="cifar",
    notes="64k iterations of 128 images; epochs = 64000*128/50000 on the full 50k training set.",
    assumptions=("warm-up applied to every depth (the paper needs it only for 110 layers; it "
                 "does not change the shallower nets' schedule after 400 iterations)",
                 "per-channel mean/std normalisation stands in for the paper's per-pixel mean "
                 "subtraction"),
)

PREACT_RESNET_CIFAR = dataclasses.replace(
    RESNET_CIFAR, name="preact-resnet-cifar", paper="wrn",
    source=("He et al., Identity Mappings in Deep Residual Networks, ECCV 2016 "
            "(arXiv:1603.05027), Appendix: same as [ResNet] on CIFAR: 'learning rate starts "
            "from 0.1, and is divided by 10 at 32k and 48k iterations', 'warm up the training "
            "by using a smaller learning rate of 0.01 at the beginning 400 iterations', "
            "mini-batch 128, weight decay 0.0001, momentum 0.9, translation and flipping "
            "augmentation"),
    models=("preact-resnet-*",), datasets=("cifar10", "cifar100"),
)

WRN_CIFAR = Recipe(
    name="wrn-cifar", paper="wrn",
    source=("Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016 (arXiv:1605.07146), "
            "Sec. 3: 'SGD with Nesterov momentum and cross-entropy loss. The initial learning "
            "rate is set to 0.1, weight decay to 0.0005, dampening to 0, momentum to 0.9 and "
            "minibatch size to 128. On CIFAR learning rate dropped by 0.2 at 60, 120 and 160 "
            "epochs and we train for total 200 epochs'; augmentation: 'horizontal flips and "
            "random crops from image padded by 4 pixels on each side, filling missing pixels "
            "with reflections of original image'; dropout 0.3 in the dropout variants"),
    models=("wrn-*",), datasets=("cifar10", "cifar100"),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(60, 120, 160), factor=0.2),
    weight_decay=5e-4, weight_decay_on="all", batch_size=128, epochs=200,
    augment="cifar-reflect",
)

WRN_SVHN = dataclasses.replace(
    WRN_CIFAR, name="wrn-svhn",
    source=("Zagoruyko & Komodakis 2016, Sec. 3: 'On SVHN initial learning rate is set to "
            "0.01 and we drop it at 80 and 120 epochs by 0.1, training for 160 epochs'; "
            "'we use both training and additional datasets'; no augmentation, inputs divided "
            "by 255 (arXiv:1605.07146)"),
    assumptions=("dropout 0.4 on SVHN as in the authors' repository "
                 "(github.com/szagoruyko/wide-residual-networks); the paper's tables mark "
                 "the SVHN nets as trained with dropout without repeating the ratio",),
    datasets=("svhn",), train_splits=("train", "extra"),
    schedule=Schedule("step", 0.01, boundaries=(80, 120), factor=0.1),
    epochs=160, augment="none", normalize="unit", dropout=0.4,
)

STOCHASTIC_DEPTH_CIFAR = Recipe(
    name="stochastic-depth-cifar", paper="stochastic-depth",
    source=("Huang et al., Deep Networks with Stochastic Depth, ECCV 2016 (arXiv:1603.09382), "
            "Sec. 4: 'trained with SGD ... momentum 0.9, weight decay 1e-4, mini-batch 128, "
            "500 epochs ... learning rate 0.1, divided by a factor of 10 after epochs 250 and "
            "375', linear decay of survival probability to p_L = 0.5, standard translation "
            "and flipping augmentation"),
    models=("stochastic-depth-resnet-*",), datasets=("cifar10", "cifar100"),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(250, 375)),
    weight_decay=1e-4, weight_decay_on="all", batch_size=128, epochs=500, augment="cifar",
    assumptions=("Nesterov momentum and dampening 0 as in the authors' Torch code "
                 "(fb.resnet.torch sgdState); the paper prints only 'momentum 0.9'",),
)

STOCHASTIC_DEPTH_SVHN = dataclasses.replace(
    STOCHASTIC_DEPTH_CIFAR, name="stochastic-depth-svhn", datasets=("svhn",),
    source=("Huang et al. 2016 (arXiv:1603.09382), Sec. 4 (SVHN): 'train for 50 epochs, beginning with a "
            "learning rate of 0.1, divided by 10 after epochs 30 and 35', 152-layer net, "
            "train and extra sets, no augmentation"),
    schedule=Schedule("step", 0.1, boundaries=(30, 35)), epochs=50, augment="none",
    normalize="unit", train_splits=("train", "extra"),
)

DENSENET_CIFAR = Recipe(
    name="densenet-cifar", paper="densenet",
    source=("Huang et al., Densely Connected Convolutional Networks, CVPR 2017 "
            "(arXiv:1608.06993), Sec. 4.2: 'trained using SGD ... batch size 64 for 300 and 40 "
            "epochs [CIFAR, SVHN] ... initial learning rate is set to 0.1, and is divided by "
            "10 at 50% and 75% of the total number of training epochs ... weight decay of "
            "1e-4 and a Nesterov momentum of 0.9 without dampening'; C10+/C100+: 'mirroring/"
            "shifting' (Sec. 4.1); normalisation 'using the channel means and standard "
            "deviations'"),
    models=("densenet-*-*",), datasets=("cifar10", "cifar100"),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(150, 225)),
    weight_decay=1e-4, weight_decay_on="all", batch_size=64, epochs=300, augment="cifar",
)

DENSENET_CIFAR_NOAUG = dataclasses.replace(
    DENSENET_CIFAR, name="densenet-cifar-noaug", augment="none", dropout=0.2,
    source=DENSENET_CIFAR.source + ("; without augmentation (C10, C100): 'we add a dropout "
                                    "layer after each convolutional layer (except the first "
                                    "one) and set the dropout rate to 0.2'"),
)

DENSENET_SVHN = dataclasses.replace(
    DENSENET_CIFAR, name="densenet-svhn", datasets=("svhn",), augment="none", dropout=0.2,
    normalize="unit", train_splits=("train", "extra"),
    schedule=Schedule("step", 0.1, boundaries=(20, 30)), epochs=40,
    source=("Huang et al. 2017 (arXiv:1608.06993), Sec. 4.1-4.2 (SVHN): 'all the training data without any data "
            "augmentation', 'divide the pixel values by 255', 40 epochs, lr 0.1 divided by 10 "
            "at 50% and 75% of the epochs, dropout 0.2, batch 64"),
)

RESNEXT_CIFAR = Recipe(
    name="resnext-cifar", paper="resnext",
    source=("Xie et al., Aggregated Residual Transformations for Deep Neural Networks, CVPR "
            "2017 (arXiv:1611.05431), Sec. 5.3 (CIFAR): 'batch size of 128 on 8 GPUs ... "
            "weight decay 0.0005 and momentum 0.9 ... learning rate of 0.1 and divide it by 10 "
            "at the 150-th and 225-th epoch ... 300 epochs', augmentation as [ResNet]"),
    models=("resnext-29-*",), datasets=("cifar10", "cifar100"),
    optimizer=_SGD,
    schedule=Schedule("step", 0.1, boundaries=(150, 225)),
    weight_decay=5e-4, weight_decay_on="all", batch_size=128, epochs=300, augment="cifar",
)

MOBILENET_IMAGENET = Recipe(
    name="mobilenet-imagenet", paper="mobilenet",
    source=("Howard et al., MobileNets, arXiv:1704.04861, Sec. 3.4: 'trained in TensorFlow "
            "using RMSprop with asynchronous gradient descent similar to Inception V3 ... less "
            "regularization and data augmentation ... very little or no weight decay (l2 "
            "regularization) on the depthwise filters'; the optimizer values are those of "
            "Szegedy et al., Rethinking the Inception Architecture, CVPR 2016 "
            "(arXiv:1512.00567), Sec. 8: 'RMSProp with decay of 0.9 and epsilon=1.0 ... "
            "learning rate of 0.045, decayed every two epoch using an exponential rate of 0.94' "
            "and label smoothing 0.1 (Sec. 7)"),
    models=("mobilenet-*", "shallow-mobilenet-*", "conv-mobilenet-*"), datasets=("imagenet2012",),
    optimizer=Optimizer("rmsprop", momentum=0.9, rho=0.9, epsilon=1.0),
    schedule=Schedule("exponential", 0.045, factor=0.94, every=2),
    weight_decay=4e-5, weight_decay_on="kernels-except-depthwise", batch_size=96, epochs=100,
    augment="inception-crop", label_smoothing=0.1,
    assumptions=("weight decay 4e-5, batch size 96 and 100 epochs are the TF-Slim "
                 "mobilenet_v1 training defaults; the paper prints no values",
                 "RMSprop momentum 0.9 as in TF-Slim train_image_classifier; Inception-v3 "
                 "does not state momentum",
                 "'less data augmentation': we keep Inception-style crops (the paper gives no "
                 "settings)"),
)

GOOGLENET_IMAGENET = Recipe(
    name="googlenet-imagenet", paper="googlenet",
    source=("Szegedy et al., Going Deeper with Convolutions, CVPR 2015 (arXiv:1409.4842), "
            "Sec. 6: 'asynchronous stochastic gradient descent with 0.9 momentum, fixed "
            "learning rate schedule (decreasing the learning rate by 4% every 8 epochs). "
            "Polyak averaging'; sampled patches 'whose size is distributed evenly between 8% "
            "and 100% of the image area and whose aspect ratio is chosen randomly between 3/4 "
            "and 4/3'; Sec. 5: auxiliary losses 'weighted by 0.3', dropout 70% ratio before "
            "the classifier"),
    models=("googlenet",), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("exponential", 0.01, factor=0.96, every=8),
    weight_decay=2e-4, weight_decay_on="kernels", batch_size=32, epochs=250,
    augment="inception-crop", dropout=0.4, aux_loss_weights=(0.3, 0.3), polyak_decay=0.9999,
    assumptions=("base learning rate 0.01, weight decay 2e-4, batch 32 and 250 epochs are "
                 "the BVLC reference GoogLeNet solver values (quick_solver uses 0.01 "
                 "polynomial); the paper prints none of them",),
)

VGG_IMAGENET = Recipe(
    name="vgg-imagenet", paper="vgg",
    source=("Simonyan & Zisserman 2015 (arXiv:1409.1556), Sec. 3.1: 'batch size was set to "
            "256, momentum to 0.9 ... weight decay (the L2 penalty multiplier set to 5e-4) and "
            "dropout regularisation for the first two fully-connected layers (dropout ratio "
            "set to 0.5). The learning rate was initially set to 1e-2, and then decreased by a "
            "factor of 10 when the validation set accuracy stopped improving. In total, the "
            "learning rate was decreased 3 times, and the learning was stopped after 370K "
            "iterations (74 epochs)'; scale jittering S in [256, 512], random 224 crops, "
            "horizontal flips (Sec. 3.1); lecture 003/004 'SGD Momentum 0.9, Learning rate "
            "1e-2, reduced by 10 manually when val accuracy plateaus, L2 weight decay 5e-4'"),
    models=("vgg-*",), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("plateau", 1e-2, factor=0.1, patience=2, max_drops=3),
    weight_decay=5e-4, weight_decay_on="all", batch_size=256, epochs=74,
    augment="imagenet-scale", scale_range=(256, 512), dropout=0.5,
    assumptions=("plateau patience of 2 epochs: the paper lowered the rate by hand",
                 "the RGB colour shift of Krizhevsky et al. is not applied"),
)

TINY = Recipe(
    name="tiny", paper="tiny",
    source="Not a paper: a short recipe for tests and for checking a machine end to end.",
    models=("tiny-*",), datasets=("synthetic",),
    optimizer=_SGD, schedule=Schedule("step", 0.02, boundaries=(5,)),
    weight_decay=1e-4, weight_decay_on="kernels", batch_size=32, epochs=6, augment="none",
)

_INCEPTION_RMSPROP = Optimizer("rmsprop", momentum=0.9, rho=0.9, epsilon=1.0)

INCEPTION_V3_IMAGENET = Recipe(
    name="inception-v3-imagenet", paper="inception",
    source=("Szegedy et al., Rethinking the Inception Architecture for Computer Vision, CVPR "
            "2016 (arXiv:1512.00567), Sec. 8: 'TensorFlow ... 50 replicas ... with batch size "
            "32 for 100 epochs ... our best models were achieved using RMSProp with decay of "
            "0.9 and epsilon=1.0. We used a learning rate of 0.045, decayed every two epoch "
            "using an exponential rate of 0.94. In addition, gradient clipping with threshold "
            "2.0 was found to be useful to stabilize the training. Model evaluations are "
            "performed using a running average of the parameters computed over time'; Sec. 7: "
            "label smoothing with u(k) = 1/1000 and epsilon = 0.1; Sec. 4 / Table 3: the "
            "batch-normalised auxiliary classifier"),
    models=("inception-v3", "inception-v3-table1-stem"), datasets=("imagenet2012",),
    optimizer=_INCEPTION_RMSPROP,
    schedule=Schedule("exponential", 0.045, factor=0.94, every=2),
    weight_decay=4e-5, weight_decay_on="kernels", batch_size=32, epochs=100,
    augment="inception-crop", label_smoothing=0.1, dropout=0.2, aux_loss_weights=(0.4,),
    gradient_clip_norm=2.0, polyak_decay=0.9999,
    notes=("the paper trains asynchronously on 50 replicas of batch 32; the engine trains "
           "synchronously on one global batch (linear lr scaling when --batch-size differs); "
           "the imagenet2012 pipeline crops 224x224, the paper 299x299"),
    assumptions=("weight decay 4e-5 on conv and fc kernels, dropout 0.2 (keep 0.8), "
                 "auxiliary loss weight 0.4 and moving-average decay 0.9999: TF-slim's "
                 "inception_v3 / train_image_classifier values (the paper prints none)",
                 "RMSprop momentum 0.9 as in TF-slim; the paper does not state momentum"),
)

INCEPTION_V4_IMAGENET = dataclasses.replace(
    INCEPTION_V3_IMAGENET, name="inception-v4-imagenet",
    source=("Szegedy et al., Inception-v4, Inception-ResNet and the Impact of Residual "
            "Connections on Learning, AAAI 2017 (arXiv:1602.07261), Sec. 4: 'TensorFlow "
            "distributed machine learning system using 20 replicas ... our best models were "
            "achieved using RMSProp with decay of 0.9 and epsilon=1.0. We used a learning rate "
            "of 0.045, decayed every two epochs using an exponential rate of 0.94. Model "
            "evaluations are performed using a running average of the parameters computed "
            "over time'; Figs. 9 and 15: dropout (keep 0.8)"),
    models=("inception-v4", "inception-resnet-v1", "inception-resnet-v2",
            "inception-resnet-v2-tf-slim"),
    aux_loss_weights=(), gradient_clip_norm=None, label_smoothing=0.0,
    notes=("the paper trains asynchronously on 20 replicas; the imagenet2012 pipeline crops "
           "224x224, the paper 299x299"),
    assumptions=("batch 32 and 100 epochs as Inception-v3 (the paper prints neither)",
                 "weight decay 4e-5 on conv and fc kernels and moving-average decay 0.9999: "
                 "TF-slim defaults (the paper prints neither)",
                 "RMSprop momentum 0.9 as in TF-slim; the paper does not state momentum",
                 "no label smoothing, gradient clipping or auxiliary loss: the paper does not "
                 "mention them for these networks"),
)

XCEPTION_IMAGENET = Recipe(
    name="xception-imagenet", paper="xception",
    source=("Chollet, Xception, CVPR 2017 (arXiv:1610.02357), Sec. 4.3: 'On ImageNet: "
            "Optimizer: SGD; Momentum: 0.9; Initial learning rate: 0.045; Learning rate decay: "
            "decay of rate 0.94 every 2 epochs'; Sec. 4.4: 'For Xception we use [a weight decay "
            "of] 1e-5', 'a dropout layer of rate 0.5 before the logistic regression layer', no "
            "auxiliary tower; Sec. 4.3: Polyak averaging at inference"),
    models=("xception",), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("exponential", 0.045, factor=0.94, every=2),
    weight_decay=1e-5, weight_decay_on="kernels", batch_size=32, epochs=100,
    augment="inception-crop", dropout=0.5, polyak_decay=0.9999,
    notes=("the paper trains synchronously on 60 K80 GPUs for about 3 days; the imagenet2012 "
           "pipeline crops 224x224, the paper 299x299"),
    assumptions=("batch size 32 and 100 epochs: the paper prints neither (Inception-v3's "
                 "values, the baseline it matches)",
                 "moving-average decay 0.9999 (TF-slim's); the paper names Polyak averaging "
                 "without its decay"),
)

#: Every recipe by name.
RECIPES: dict[str, Recipe] = {r.name: r for r in (
    RESNET_CIFAR, PREACT_RESNET_CIFAR, WRN_CIFAR, WRN_SVHN, STOCHASTIC_DEPTH_CIFAR,
    STOCHASTIC_DEPTH_SVHN, DENSENET_CIFAR, DENSENET_CIFAR_NOAUG, DENSENET_SVHN, RESNEXT_CIFAR,
    MOBILENET_IMAGENET, GOOGLENET_IMAGENET, VGG_IMAGENET, TINY,
    INCEPTION_V3_IMAGENET, INCEPTION_V4_IMAGENET, XCEPTION_IMAGENET)}


def get(name: str) -> Recipe:
    check_choice("recipe", name, RECIPES)
    return RECIPES[name]


def papers() -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.paper for r in RECIPES.values()))


def find(paper: str, model: str, dataset: str) -> Recipe:
    """The recipe of ``paper`` that trains ``model`` on ``dataset`` (the first listed)."""
    check_choice("paper", paper, papers(), f"No training recipe for that paper; "
                         f"recipes exist for {', '.join(papers())}.")
    candidates = [r for r in RECIPES.values() if r.paper == paper and dataset in r.datasets]
    if not candidates:
        datasets = sorted({d for r in RECIPES.values() if r.paper == paper for d in r.datasets})
        raise ValueError(f"The {paper} recipes train on {', '.join(datasets)}. "
                         f"Received: dataset={dataset!r}")
    fitting = [r for r in candidates if r.trains(model)]
    if not fitting:
        names = sorted({m for r in candidates for m in r.models})
        raise ValueError(f"The {paper} recipes for {dataset} train {', '.join(names)} "
                         f"(or name one with --recipe). Received: model={model!r}")
    return fitting[0]
