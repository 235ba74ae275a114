"""Each paper's training recipe as data, every value with the sentence it comes from.

A :class:`Recipe` names its models by registry patterns (``keras_cnns.list_models``), never
by importing a builder. Each value is covered by a :class:`Quote` (the paper's sentence and
its section) or, where the paper prints none, an :class:`Assumption` naming where the value
comes from instead (the reference code the paper points to, or our choice, said as such).

Schedules are functions of the (fractional) epoch, or of the iteration where the paper counts
iterations; :meth:`Schedule.lr` is what the training loop applies at every step.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math

from keras_cnns.arguments import check_choice, check_number

SCHEDULE_KINDS = ("step", "exponential", "plateau", "constant")
OPTIMIZERS = ("sgd", "rmsprop")
DECAY_TARGETS = ("all", "kernels", "kernels-except-depthwise")
AUGMENTATIONS = ("none", "cifar", "cifar-reflect", "imagenet-scale", "inception-crop")


#: The values a recipe sets, which its quotes and assumptions must cover.
FIELDS = ("optimizer", "momentum", "nesterov", "learning_rate", "schedule", "weight_decay",
          "weight_decay_on", "batch_size", "epochs", "augment", "normalize", "dropout",
          "label_smoothing", "aux_loss_weights", "train_splits", "holdout", "polyak_decay",
          "gradient_clip_norm", "bn_momentum")


@dataclasses.dataclass(frozen=True)
class Quote:
    """A sentence of the paper (or of the reference code it points to) and where it is."""

    section: str  # e.g. "Sec. 4.2", "Appendix A", "Table 1", or a code path
    text: str
    fields: tuple[str, ...]

    def __post_init__(self):
        unknown = set(self.fields) - set(FIELDS)
        if unknown:
            raise ValueError(f"Unknown recipe fields {sorted(unknown)}. Received: fields={self.fields}")


@dataclasses.dataclass(frozen=True)
class Assumption:
    """A value the paper does not print, and where ours comes from."""

    text: str
    fields: tuple[str, ...]

    def __post_init__(self):
        unknown = set(self.fields) - set(FIELDS)
        if unknown:
            raise ValueError(f"Unknown recipe fields {sorted(unknown)}. Received: fields={self.fields}")


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
    source: str  # the paper (authors, year, arXiv id)
    models: tuple[str, ...]  # registry names or shell-style patterns ("wrn-*") it trains
    datasets: tuple[str, ...]
    optimizer: Optimizer
    schedule: Schedule
    weight_decay: float
    weight_decay_on: str
    batch_size: int
    epochs: float  # may be fractional when the paper counts iterations
    augment: str
    #: "channel" (per-channel mean/std), "unit" (x/255) or "zca" (global contrast
    #: normalisation and ZCA whitening fitted on the training examples; data.ZCAWhitening)
    normalize: str = "channel"
    dropout: float | None = None  # passed to the builder when set
    label_smoothing: float = 0.0
    aux_loss_weights: tuple[float, ...] = ()
    lr_scaling: str = "linear"  # how the lr follows a batch size other than ``batch_size``
    train_splits: tuple[str, ...] = ("train",)
    scale_range: tuple[int, int] = (256, 480)  # "imagenet-scale": shorter side range
    polyak_decay: float | None = None  # evaluate with exponential averages of the weights
    #: Training examples held out for validation, per training split: a count (the split's
    #: last examples) or ``{"per_class": k}``; the reported error is then the test error at
    #: the epoch of lowest validation error.
    holdout: dict | None = None
    gradient_clip_norm: float | None = None  # clip the global gradient norm to this value
    #: Batch norm's moving-average momentum for every BatchNormalization layer (None: the
    #: builder's, Keras' 0.99 unless a paper's preset says otherwise).
    bn_momentum: float | None = None
    notes: str = ""
    quotes: tuple[Quote, ...] = ()
    assumptions: tuple[Assumption, ...] = ()

    def __post_init__(self):
        check_choice("weight_decay_on", self.weight_decay_on, DECAY_TARGETS)
        check_choice("augment", self.augment, AUGMENTATIONS)
        check_choice("normalize", self.normalize, ("channel", "unit", "zca"))
        check_choice("lr_scaling", self.lr_scaling, ("linear", "none"))
        if self.bn_momentum is not None:
            check_number("bn_momentum", self.bn_momentum, 0, 1, high_open=True)

    def schedule_for(self, batch_size: int) -> Schedule:
        """The schedule for a global ``batch_size``: linear lr scaling when the recipe says so."""
        if batch_size == self.batch_size or self.lr_scaling == "none":
            return self.schedule
        return self.schedule.scaled(batch_size / self.batch_size)

    def covered(self) -> set[str]:
        """The fields the quotes and assumptions speak for."""
        return {f for q in (*self.quotes, *self.assumptions) for f in q.fields}

    def set_fields(self) -> set[str]:
        """The fields this recipe sets (always the core ones, others when not the default)."""
        fields = {"optimizer", "momentum", "learning_rate", "schedule", "weight_decay",
                  "batch_size", "epochs", "augment"}
        extra = {"nesterov": self.optimizer.nesterov, "dropout": self.dropout is not None,
                 "label_smoothing": self.label_smoothing > 0,
                 "aux_loss_weights": bool(self.aux_loss_weights),
                 "train_splits": self.train_splits != ("train",), "holdout": bool(self.holdout),
                 "polyak_decay": self.polyak_decay is not None,
                 "gradient_clip_norm": self.gradient_clip_norm is not None,
                 "bn_momentum": self.bn_momentum is not None,
                 "weight_decay_on": self.weight_decay_on != "all",
                 "normalize": self.normalize != "channel"}
        return fields | {name for name, used in extra.items() if used}

    def trains(self, model: str) -> bool:
        """Whether ``model`` (a canonical registry name) is one this recipe trains."""
        return any(fnmatch.fnmatchcase(model, pattern) for pattern in self.models)


_SGD = Optimizer("sgd", momentum=0.9)
_NESTEROV = Optimizer("sgd", momentum=0.9, nesterov=True)
Q, A = Quote, Assumption

HE2016 = "He, Zhang, Ren & Sun, Deep Residual Learning for Image Recognition, CVPR 2016 (arXiv:1512.03385)"
HE2016B = "He, Zhang, Ren & Sun, Identity Mappings in Deep Residual Networks, ECCV 2016 (arXiv:1603.05027)"
WRN = "Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016 (arXiv:1605.07146v4)"
SD = "Huang, Sun, Liu, Sedra & Weinberger, Deep Networks with Stochastic Depth, ECCV 2016 (arXiv:1603.09382)"
DENSENET = "Huang, Liu, van der Maaten & Weinberger, Densely Connected Convolutional Networks, CVPR 2017 (arXiv:1608.06993)"
RESNEXT = "Xie, Girshick, Dollár, Tu & He, Aggregated Residual Transformations for Deep Neural Networks, CVPR 2017 (arXiv:1611.05431)"
MOBILENET = "Howard et al., MobileNets, 2017 (arXiv:1704.04861)"
GOOGLENET = "Szegedy et al., Going Deeper with Convolutions, CVPR 2015 (arXiv:1409.4842)"
VGG = "Simonyan & Zisserman, Very Deep Convolutional Networks, ICLR 2015 (arXiv:1409.1556)"
ALEXNET = "Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep Convolutional Neural Networks, NIPS 2012"
SENET = "Hu, Shen, Albanie, Sun & Wu, Squeeze-and-Excitation Networks, TPAMI 2019 (arXiv:1709.01507v4)"
FB_RESNET = ("facebook/fb.resnet.torch train.lua (the code ResNeXt, DenseNet and stochastic depth "
             "point to): 'nesterov = true, dampening = 0.0'")

RESNET_CIFAR = Recipe(
    name="resnet-cifar", paper="resnet", source=HE2016,
    models=("resnet-20", "resnet-32", "resnet-44", "resnet-56", "resnet-110", "resnet-1202"),
    datasets=("cifar10",),
    optimizer=_SGD,
    schedule=Schedule("step", 0.1, boundaries=(32_000, 48_000), unit="iteration",
                      warmup_lr=0.01, warmup_until=400),
    weight_decay=1e-4, weight_decay_on="all", batch_size=128, epochs=64_000 * 128 / 50_000,
    augment="cifar",
    notes="64k iterations of 128 images; epochs = 64000*128/50000 on the full 50k training set.",
    quotes=(
        Q("Sec. 4.2", "We use a weight decay of 0.0001 and momentum of 0.9, and adopt the weight "
          "initialization in [13] and BN [16] but with no dropout. These models are trained with "
          "a minibatch size of 128 on two GPUs.", ("optimizer", "momentum", "weight_decay",
                                                  "batch_size")),
        Q("Sec. 4.2", "We start with a learning rate of 0.1, divide it by 10 at 32k and 48k "
          "iterations, and terminate training at 64k iterations, which is determined on a 45k/5k "
          "train/val split.", ("learning_rate", "schedule", "epochs")),
        Q("Sec. 4.2", "4 pixels are padded on each side, and a 32x32 crop is randomly sampled "
          "from the padded image or its horizontal flip.", ("augment",)),
        Q("Sec. 4.2", "we use 0.01 to warm up the training until the training error is below "
          "80% (about 400 iterations), and then go back to 0.1", ("schedule",)),
    ),
    assumptions=(
        A("the warm-up is applied to every depth (the paper needs it for 110 layers; it does "
          "not change the shallower nets' schedule after 400 iterations)", ("schedule",)),
        A("per-channel mean/std normalisation stands in for the paper's per-pixel mean "
          "subtraction ('with the per-pixel mean subtracted', Sec. 4.2)", ("normalize",)),
    ),
)

PREACT_RESNET_CIFAR = dataclasses.replace(
    RESNET_CIFAR, name="preact-resnet-cifar", paper="wrn", source=HE2016B,
    models=("preact-resnet-*", "resnet-*-bottleneck"), datasets=("cifar10", "cifar100"),
    quotes=(
        Q("Appendix", "The learning rate starts from 0.1, and is divided by 10 at 32k and 48k "
          "iterations. Following [1], for all CIFAR experiments we warm up the training by "
          "using a smaller learning rate of 0.01 at the beginning 400 iterations and go back to "
          "0.1 after that", ("learning_rate", "schedule", "epochs")),
        Q("Appendix", "The mini-batch size is 128 on 2 GPUs (64 each), the weight decay is "
          "0.0001, the momentum is 0.9", ("optimizer", "momentum", "weight_decay",
                                          "batch_size")),
        Q("Appendix", "On CIFAR we use only the translation and flipping augmentation in [1] "
          "for training.", ("augment",)),
    ),
    assumptions=(
        A("64k iterations as in He et al. 2016 ('divided by 10 at 32k and 48k iterations', "
          "the appendix gives no end)", ("epochs",)),
        A("per-channel mean/std normalisation (the appendix gives none)", ("normalize",)),
    ),
)

WRN_CIFAR = Recipe(
    name="wrn-cifar", paper="wrn", source=WRN,
    models=("wrn-*",), datasets=("cifar10", "cifar100"),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(60, 120, 160), factor=0.2),
    weight_decay=5e-4, weight_decay_on="all", batch_size=128, epochs=200,
    augment="cifar-reflect",
    quotes=(
        Q("Sec. 3", "In all our experiments we use SGD with Nesterov momentum and cross-entropy "
          "loss. The initial learning rate is set to 0.1, weight decay to 0.0005, dampening to "
          "0, momentum to 0.9 and minibatch size to 128. On CIFAR learning rate dropped by 0.2 "
          "at 60, 120 and 160 epochs and we train for total 200 epochs.",
          ("optimizer", "momentum", "nesterov", "learning_rate", "weight_decay", "batch_size",
           "schedule", "epochs")),
        Q("Sec. 3", "For data augmentation we do horizontal flips and take random crops from "
          "image padded by 4 pixels on each side, filling missing pixels with reflections of "
          "original image.", ("augment",)),
        Q("Sec. 3", "for some CIFAR experiments we instead use simple mean/std normalization",
          ("normalize",)),
    ),
    notes="The dropout rows use 0.3 ('0.3 on CIFAR and 0.4 on SVHN', Sec. 3): pass "
          "--model wrn-28-10 with the builder's dropout, or a recipe copy with dropout=0.3.",
)

WRN_CIFAR_ZCA = dataclasses.replace(
    WRN_CIFAR, name="wrn-cifar-zca", normalize="zca",
    quotes=WRN_CIFAR.quotes[:2] + (
        Q("Sec. 3", "Unless mentioned otherwise, for CIFAR we follow the image preprocessing "
          "of [8] with ZCA whitening.", ("normalize",)),
        Q("Table 4", "Test error (%) of various wide networks on CIFAR-10 and CIFAR-100 (ZCA "
          "preprocessing).", ("normalize",)),
    ),
    assumptions=(
        A("global contrast normalisation to norm 55 and ZCA with filter bias 0.1, fitted on the "
          "training images: pylearn2's make_cifar10_gcn_whitened.py (CIFAR10(gcn=55.), "
          "preprocessing.ZCA() with its defaults), the script the authors' repository "
          "(szagoruyko/wide-residual-networks, README) names for its whitened datasets",
          ("normalize",)),
        A("the crops pad the whitened image with its reflections, as the pre-whitened "
          "datasets were augmented", ("augment",)),
    ),
    notes="Table 4's error cells (ZCA preprocessing). " + WRN_CIFAR.notes,
)

WRN_SVHN = dataclasses.replace(
    WRN_CIFAR, name="wrn-svhn", datasets=("svhn",), train_splits=("train", "extra"),
    schedule=Schedule("step", 0.01, boundaries=(80, 120), factor=0.1),
    epochs=160, augment="none", normalize="unit", dropout=0.4,
    quotes=(
        Q("Sec. 3", "In all our experiments we use SGD with Nesterov momentum and cross-entropy "
          "loss. The initial learning rate is set to 0.1, weight decay to 0.0005, dampening to "
          "0, momentum to 0.9 and minibatch size to 128.",
          ("optimizer", "momentum", "nesterov", "weight_decay", "batch_size")),
        Q("Sec. 3", "On SVHN initial learning rate is set to 0.01 and we drop it at 80 and 120 "
          "epochs by 0.1, training for total 160 epochs.", ("learning_rate", "schedule",
                                                            "epochs")),
        Q("Sec. 3", "We used cross-validation to determine dropout probability values, 0.3 on "
          "CIFAR and 0.4 on SVHN.", ("dropout",)),
        Q("Sec. 3", "For experiments on SVHN we don't do any image preprocessing, except "
          "dividing images by 255 to provide them in [0,1] range as input.",
          ("normalize", "augment")),
        Q("Sec. 3", "SVHN is a dataset of Google's Street View House Numbers images and "
          "contains about 600,000 digit images", ("train_splits",)),
    ),
    notes="",
)

STOCHASTIC_DEPTH_CIFAR = Recipe(
    name="stochastic-depth-cifar", paper="stochastic-depth", source=SD,
    models=("stochastic-depth-resnet-*",), datasets=("cifar10", "cifar100"),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(250, 375)),
    weight_decay=1e-4, weight_decay_on="all", batch_size=128, epochs=500, augment="cifar",
    holdout={"train": 5000},
    quotes=(
        Q("Sec. 4", "The baseline ResNet is trained with SGD for 500 epochs, with a mini-batch "
          "size 128. The initial learning rate is 0.1, and is divided by a factor of 10 after "
          "epochs 250 and 375. We use a weight decay of 1e-4, momentum of 0.9, and Nesterov "
          "momentum [33] with 0 dampening, as suggested by [34].",
          ("optimizer", "momentum", "nesterov", "learning_rate", "schedule", "epochs",
           "batch_size", "weight_decay")),
        Q("Sec. 4", "We hold out 5,000 images as validation set, and use the remaining 45,000 "
          "as training samples. Horizontal flipping and translation by 4 pixels are the two "
          "standard data augmentation techniques", ("holdout", "augment")),
        Q("Sec. 4", "In all experiments we report the test error from the epoch with the "
          "lowest validation error.", ("holdout",)),
    ),
    assumptions=(
        A("per-channel mean/std normalisation; the authors' loader subtracts the per-pixel mean "
          "image and divides by one global standard deviation", ("normalize",)),
        A("the last 5,000 training images are held out, as the authors' loader takes the first "
          "45,000 for training (cifar-dataset.lua: trsize = 45000, vasize = 5000)",
          ("holdout",)),
    ),
)

STOCHASTIC_DEPTH_CIFAR_1202 = dataclasses.replace(
    STOCHASTIC_DEPTH_CIFAR, name="stochastic-depth-cifar-1202",
    models=("stochastic-depth-resnet-1202",), epochs=300,
    schedule=Schedule("step", 0.1, boundaries=(150, 225), warmup_lr=0.01, warmup_until=10),
    quotes=STOCHASTIC_DEPTH_CIFAR.quotes + (
        Q("Sec. 4", "We train for 300 epochs, and set the learning rate to 0.01 for the first "
          "10 epochs to \"warm-up\" the network and facilitate initial convergence, then restore "
          "it to 0.1, and divide it by 10 at epochs 150 and 225.",
          ("learning_rate", "schedule", "epochs")),
    ),
)

STOCHASTIC_DEPTH_SVHN = dataclasses.replace(
    STOCHASTIC_DEPTH_CIFAR, name="stochastic-depth-svhn", datasets=("svhn",),
    schedule=Schedule("step", 0.1, boundaries=(30, 35)), epochs=50, augment="none",
    train_splits=("train", "extra"),
    holdout={"train": {"per_class": 400}, "extra": {"per_class": 200}},
    quotes=(
        Q("Sec. 4", "We use a weight decay of 1e-4, momentum of 0.9, and Nesterov momentum [33] "
          "with 0 dampening", ("optimizer", "momentum", "nesterov", "weight_decay")),
        Q("Sec. 4", "we use all the training samples but do not perform data augmentation. For "
          "each of the ten classes, we randomly select 400 samples from the training set and "
          "200 from the additional set, forming a validation set with 6,000 samples in total.",
          ("augment", "train_splits", "holdout")),
        Q("Sec. 4", "We preprocess the data by subtracting the mean and dividing the standard "
          "deviation. Batch size is set to 128, and validation error is calculated every 200 "
          "iterations.", ("normalize", "batch_size")),
        Q("Sec. 4", "Our baseline network has 152 layers. It is trained for 50 epochs with a "
          "beginning learning rate of 0.1, divided by 10 after epochs 30 and 35.",
          ("learning_rate", "schedule", "epochs")),
        Q("Sec. 4", "In all experiments we report the test error from the epoch with the "
          "lowest validation error.", ("holdout",)),
    ),
    assumptions=(
        A("the validation error is computed once per epoch, not every 200 iterations",
          ("holdout",)),
        A("per-channel mean/std ('subtracting the mean and dividing the standard deviation'); "
          "the authors' loader uses the per-pixel mean image and one global deviation",
          ("normalize",)),
    ),
)

DENSENET_CIFAR = Recipe(
    name="densenet-cifar", paper="densenet", source=DENSENET,
    models=("densenet-*-*",), datasets=("cifar10", "cifar100"),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(150, 225)),
    weight_decay=1e-4, weight_decay_on="all", batch_size=64, epochs=300, augment="cifar",
    quotes=(
        Q("Sec. 4.2", "On CIFAR and SVHN we train using batch size 64 for 300 and 40 epochs, "
          "respectively. The initial learning rate is set to 0.1, and is divided by 10 at 50% "
          "and 75% of the total number of training epochs.",
          ("batch_size", "epochs", "learning_rate", "schedule")),
        Q("Sec. 4.2", "we use a weight decay of 10^-4 and a Nesterov momentum [35] of 0.9 "
          "without dampening.", ("optimizer", "momentum", "nesterov", "weight_decay")),
        Q("Sec. 4.1", "We adopt a standard data augmentation scheme (mirroring/shifting) that is "
          "widely used for these two datasets.", ("augment",)),
        Q("Sec. 4.1", "For preprocessing, we normalize the data using the channel means and "
          "standard deviations.", ("normalize",)),
    ),
)

DENSENET_CIFAR_NOAUG = dataclasses.replace(
    DENSENET_CIFAR, name="densenet-cifar-noaug", augment="none", dropout=0.2,
    quotes=DENSENET_CIFAR.quotes[:2] + DENSENET_CIFAR.quotes[3:] + (
        Q("Sec. 4.2", "For the three datasets without data augmentation, i.e., C10, C100 and "
          "SVHN, we add a dropout layer [33] after each convolutional layer (except the first "
          "one) and set the dropout rate to 0.2.", ("dropout", "augment")),
    ),
)

DENSENET_SVHN = dataclasses.replace(
    DENSENET_CIFAR, name="densenet-svhn", datasets=("svhn",), augment="none", dropout=0.2,
    normalize="unit", train_splits=("train", "extra"),
    holdout={"train": {"per_class": 400}, "extra": {"per_class": 200}},
    schedule=Schedule("step", 0.1, boundaries=(20, 30)), epochs=40,
    quotes=DENSENET_CIFAR.quotes[:2] + (
        Q("Sec. 4.2", "For the three datasets without data augmentation, i.e., C10, C100 and "
          "SVHN, we add a dropout layer [33] after each convolutional layer (except the first "
          "one) and set the dropout rate to 0.2.", ("dropout", "augment")),
        Q("Sec. 4.1", "Following common practice [7, 13, 20, 22, 29], we use all the training "
          "data without any data augmentation, and a validation set with 6,000 images is split "
          "from the training set. We select the model with the lowest validation error during "
          "training and report the test error.", ("train_splits", "holdout")),
        Q("Sec. 4.1", "We follow [42] and divide the pixel values by 255 so they are in the "
          "[0, 1] range.", ("normalize",)),
    ),
    assumptions=(
        A("the 6,000 validation images are drawn as Huang et al. 2016 (stochastic depth) "
          "drew them, 400 per class from train and 200 per class from extra: the DenseNet "
          "paper and code do not say how", ("holdout",)),
    ),
)

RESNEXT_CIFAR = Recipe(
    name="resnext-cifar", paper="resnext", source=RESNEXT,
    models=("resnext-29-*",), datasets=("cifar10", "cifar100"),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(150, 225)),
    weight_decay=5e-4, weight_decay_on="all", batch_size=128, epochs=300, augment="cifar",
    quotes=(
        Q("Appendix A", "The input image is 32x32 randomly cropped from a zero-padded 40x40 "
          "image or its flipping, following [14].", ("augment",)),
        Q("Appendix A", "The models are trained on 8 GPUs with a mini-batch size of 128, with a "
          "weight decay of 0.0005 and a momentum of 0.9. We start with a learning rate of 0.1 "
          "and train the models for 300 epochs, reducing the learning rate at the 150-th and "
          "225-th epoch. Other implementation details are as in [11].",
          ("optimizer", "momentum", "batch_size", "weight_decay", "learning_rate", "schedule",
           "epochs")),
        Q("code", FB_RESNET + "; its learning rate decays by 0.1 per step ([11] = "
          "fb.resnet.torch)", ("nesterov", "schedule")),
    ),
    assumptions=(
        A("per-channel mean/std normalisation, as fb.resnet.torch does", ("normalize",)),
    ),
    notes="The authors' README (facebookresearch/ResNeXt) says the arXiv CIFAR results used "
          "pre-activated bottleneck blocks and a batch size of 256, against the appendix's 128.",
)

MOBILENET_IMAGENET = Recipe(
    name="mobilenet-imagenet", paper="mobilenet", source=MOBILENET,
    models=("mobilenet-*", "shallow-mobilenet-*", "conv-mobilenet-*"), datasets=("imagenet2012",),
    optimizer=Optimizer("rmsprop", momentum=0.9, rho=0.9, epsilon=1.0),
    schedule=Schedule("exponential", 0.045, factor=0.94, every=2),
    weight_decay=4e-5, weight_decay_on="kernels-except-depthwise", batch_size=64, epochs=100,
    augment="inception-crop", label_smoothing=0.0,
    quotes=(
        Q("Sec. 3.2", "MobileNet models were trained in TensorFlow [1] using RMSprop [33] with "
          "asynchronous gradient descent similar to Inception V3 [31].", ("optimizer",)),
        Q("Sec. 3.2", "When training MobileNets we do not use side heads or label smoothing and "
          "additionally reduce the amount image of distortions by limiting the size of small "
          "crops that are used in large Inception training [31].",
          ("label_smoothing", "augment")),
        Q("Sec. 3.2", "we found that it was important to put very little or no weight decay "
          "(l2 regularization) on the depthwise filters since their are so few parameters in "
          "them.", ("weight_decay_on",)),
    ),
    assumptions=(
        A("RMSprop decay 0.9, epsilon 1.0, momentum 0.9 and the learning rate 0.045 decayed by "
          "0.94 every two epochs are Inception-v3's (Szegedy et al. 2016, arXiv:1512.00567, "
          "Sec. 8), which the paper says its training is 'similar to'",
          ("momentum", "learning_rate", "schedule")),
        A("weight decay 4e-5, none on the depthwise filters: the reference code's "
          "(tensorflow/models research/slim nets/mobilenet_v1.py: weight_decay=0.00004, "
          "regularize_depthwise=False)", ("weight_decay", "weight_decay_on")),
        A("batch size 64 is the reference training script's (nets/mobilenet_v1_train.py, which "
          "itself trains with plain SGD, not the paper's RMSprop); no source gives the number "
          "of epochs: 100 is our choice", ("batch_size", "epochs")),
        A("the paper limits 'the size of small crops' without a figure; the public reference "
          "preprocessing crops 5%-100% of the image for every model, and we keep our "
          "Inception crop of 8%-100%", ("augment",)),
    ),
)

GOOGLENET_IMAGENET = Recipe(
    name="googlenet-imagenet", paper="googlenet", source=GOOGLENET,
    models=("googlenet", "googlenet-separable"), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("exponential", 0.01, factor=0.96, every=8),
    weight_decay=2e-4, weight_decay_on="kernels", batch_size=32, epochs=250,
    augment="inception-crop", dropout=0.4, aux_loss_weights=(0.3, 0.3), polyak_decay=0.9999,
    quotes=(
        Q("Sec. 6", "Our training used asynchronous stochastic gradient descent with 0.9 "
          "momentum [17], fixed learning rate schedule (decreasing the learning rate by 4% "
          "every 8 epochs). Polyak averaging [13] was used to create the final model used at "
          "inference time.", ("optimizer", "momentum", "schedule", "polyak_decay")),
        Q("Sec. 6", "sampling of various sized patches of the image whose size is distributed "
          "evenly between 8% and 100% of the image area and whose aspect ratio is chosen "
          "randomly between 3/4 and 4/3.", ("augment",)),
        Q("Sec. 5", "During training, their loss gets added to the total loss of the network "
          "with a discount weight (the losses of the auxiliary classifiers were weighted by "
          "0.3).", ("aux_loss_weights",)),
        Q("Table 1", "dropout (40%), before the linear layer (the 70% dropout of Sec. 5 belongs "
          "to the auxiliary classifiers, which have it built in)", ("dropout",)),
    ),
    assumptions=(
        A("base learning rate 0.01, weight decay 2e-4 on the kernels, batch 32 and 250 epochs "
          "are the BVLC reference GoogLeNet solver's values; the paper prints none of them",
          ("learning_rate", "weight_decay", "weight_decay_on", "batch_size", "epochs")),
        A("Polyak averaging as an exponential moving average with decay 0.9999 (the paper "
          "gives no constant)", ("polyak_decay",)),
    ),
)

VGG_IMAGENET = Recipe(
    name="vgg-imagenet", paper="vgg", source=VGG,
    models=("vgg-*",), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("plateau", 1e-2, factor=0.1, patience=2, max_drops=3),
    weight_decay=5e-4, weight_decay_on="all", batch_size=256, epochs=74,
    augment="imagenet-scale", scale_range=(256, 512), dropout=0.5,
    quotes=(
        Q("Sec. 3.1", "The batch size was set to 256, momentum to 0.9. The training was "
          "regularised by weight decay (the L2 penalty multiplier set to 5e-4) and dropout "
          "regularisation for the first two fully-connected layers (dropout ratio set to 0.5).",
          ("optimizer", "batch_size", "momentum", "weight_decay", "dropout")),
        Q("Sec. 3.1", "The learning rate was initially set to 1e-2, and then decreased by a "
          "factor of 10 when the validation set accuracy stopped improving. In total, the "
          "learning rate was decreased 3 times, and the learning was stopped after 370K "
          "iterations (74 epochs).", ("learning_rate", "schedule", "epochs")),
        Q("Sec. 3.1", "the crops underwent random horizontal flipping and random RGB colour "
          "shift ... scale jittering, where each training image is individually rescaled by "
          "randomly sampling S from a certain range [Smin, Smax] (we used Smin = 256 and Smax = "
          "512)", ("augment",)),
    ),
    assumptions=(
        A("plateau patience of 2 epochs: the paper lowered the rate by hand", ("schedule",)),
        A("the RGB colour shift of Krizhevsky et al. is not applied", ("augment",)),
    ),
)

ALEXNET_IMAGENET = Recipe(
    name="alexnet-imagenet", paper="alexnet", source=ALEXNET,
    models=("alexnet", "alexnet-2gpu", "zfnet"), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("plateau", 0.01, factor=0.1, patience=2, max_drops=3),
    weight_decay=5e-4, weight_decay_on="all", batch_size=128, epochs=90,
    augment="imagenet-scale", scale_range=(256, 256), dropout=0.5,
    quotes=(
        Q("Sec. 5", "We trained our models using stochastic gradient descent with a batch size "
          "of 128 examples, momentum of 0.9, and weight decay of 0.0005.",
          ("optimizer", "batch_size", "momentum", "weight_decay")),
        Q("Sec. 5", "The heuristic which we followed was to divide the learning rate by 10 when "
          "the validation error rate stopped improving with the current learning rate. The "
          "learning rate was initialized at 0.01 and reduced three times prior to termination. "
          "We trained the network for roughly 90 cycles through the training set",
          ("learning_rate", "schedule", "epochs")),
        Q("Sec. 4.1", "extracting random 224x224 patches (and their horizontal reflections) "
          "from the 256x256 images", ("augment",)),
        Q("Sec. 4.2", "We use dropout in the first two fully-connected layers of Figure 2.",
          ("dropout",)),
    ),
    assumptions=(
        A("plateau patience of 2 epochs (the paper adjusted the rate by hand); the PCA colour "
          "noise of Sec. 4.1 is not applied; images are resized on the shorter side to 256, "
          "not cropped to 256x256 first", ("schedule", "augment")),
    ),
)

RESNET_IMAGENET = Recipe(
    name="resnet-imagenet", paper="resnet", source=HE2016,
    models=("resnet-18", "resnet-34", "resnet-34-*", "resnet-50", "resnet-101", "resnet-152",
            "resnet-*-v1.5"), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("plateau", 0.1, factor=0.1, patience=3, max_drops=3),
    weight_decay=1e-4, weight_decay_on="all", batch_size=256, epochs=120,
    augment="imagenet-scale", scale_range=(256, 480),
    quotes=(
        Q("Sec. 3.4", "We use SGD with a mini-batch size of 256. The learning rate starts from "
          "0.1 and is divided by 10 when the error plateaus, and the models are trained for up "
          "to 60x10^4 iterations. We use a weight decay of 0.0001 and a momentum of 0.9.",
          ("optimizer", "batch_size", "learning_rate", "schedule", "epochs", "weight_decay",
           "momentum")),
        Q("Sec. 3.4", "The image is resized with its shorter side randomly sampled in [256, "
          "480] for scale augmentation [41]. A 224x224 crop is randomly sampled from an image "
          "or its horizontal flip", ("augment",)),
    ),
    assumptions=(
        A("120 epochs = 60x10^4 iterations of 256 images over 1.28M images; plateau patience "
          "of 3 epochs and three drops (the paper gives neither); the colour augmentation of "
          "[21] is not applied", ("epochs", "schedule", "augment")),
    ),
)

DENSENET_IMAGENET = Recipe(
    name="densenet-imagenet", paper="densenet", source=DENSENET,
    models=("densenet-121", "densenet-161", "densenet-169", "densenet-201", "densenet-264"),
    datasets=("imagenet2012",),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(30, 60)),
    weight_decay=1e-4, weight_decay_on="all", batch_size=256, epochs=90,
    augment="inception-crop",
    quotes=(
        Q("Sec. 4.2", "On ImageNet, we train models for 90 epochs with a batch size of 256. The "
          "learning rate is set to 0.1 initially, and is lowered by 10 times at epoch 30 and "
          "60.", ("epochs", "batch_size", "learning_rate", "schedule")),
        Q("Sec. 4.2", "we use a weight decay of 10^-4 and a Nesterov momentum [35] of 0.9 "
          "without dampening.", ("optimizer", "momentum", "nesterov", "weight_decay")),
        Q("Sec. 4.1", "We adopt the same data augmentation scheme for training images as in "
          "[8, 11, 12]", ("augment",)),
    ),
    assumptions=(
        A("fb.resnet.torch's random-sized crop (8%-100% of the area) and flips; its colour "
          "jitter and lighting noise are not applied", ("augment",)),
    ),
)

RESNEXT_IMAGENET = Recipe(
    name="resnext-imagenet", paper="resnext", source=RESNEXT,
    models=("resnext-50-*", "resnext-101-*", "resnext-200-*"),
    datasets=("imagenet2012",),
    optimizer=_NESTEROV,
    schedule=Schedule("step", 0.1, boundaries=(30, 60, 90)),
    weight_decay=1e-4, weight_decay_on="all", batch_size=256, epochs=100,
    augment="inception-crop",
    quotes=(
        Q("Sec. 4", "the input image is 224x224 randomly cropped from a resized image using the "
          "scale and aspect ratio augmentation of [38] implemented by [11].", ("augment",)),
        Q("Sec. 4", "We use SGD with a mini-batch size of 256 on 8 GPUs (32 per GPU). The weight "
          "decay is 0.0001 and the momentum is 0.9. We start from a learning rate of 0.1, and "
          "divide it by 10 for three times using the schedule in [11].",
          ("optimizer", "batch_size", "weight_decay", "momentum", "learning_rate", "schedule")),
        Q("code", FB_RESNET, ("nesterov",)),
    ),
    assumptions=(
        A("the schedule of [11] divides by 10 every 30 epochs; 100 epochs is the default of the "
          "authors' code (facebookresearch/ResNeXt opts.lua), the paper gives none",
          ("schedule", "epochs")),
    ),
)

SENET_IMAGENET = Recipe(
    name="senet-imagenet", paper="senet", source=SENET,
    models=("se-resnet-*", "se-resnext-*"), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("step", 0.6, boundaries=(30, 60, 90)),
    weight_decay=1e-4, weight_decay_on="all", batch_size=1024, epochs=100,
    augment="inception-crop",
    quotes=(
        Q("Sec. 5.1", "Optimisation is performed using synchronous SGD with momentum 0.9 and a "
          "minibatch size of 1024. The initial learning rate is set to 0.6 and decreased by a "
          "factor of 10 every 30 epochs. Models are trained for 100 epochs from scratch",
          ("optimizer", "momentum", "batch_size", "learning_rate", "schedule", "epochs")),
        Q("Sec. 5.1", "We follow standard practices and perform data augmentation with random "
          "cropping using scale and aspect ratio [5] to a size of 224 x 224 pixels ... and "
          "perform random horizontal flipping.", ("augment",)),
    ),
    assumptions=(
        A("weight decay 1e-4, as the ResNets the paper builds on (Sec. 5.1 gives none)",
          ("weight_decay",)),
    ),
)

TINY = Recipe(
    name="tiny", paper="tiny",
    source="Not a paper: a short recipe for tests and for checking a machine end to end.",
    models=("tiny-*",), datasets=("synthetic",),
    optimizer=_SGD, schedule=Schedule("step", 0.02, boundaries=(5,)),
    weight_decay=1e-4, weight_decay_on="kernels", batch_size=32, epochs=6, augment="none",
    # Statistics that settle within about 10 steps (PyTorch's default, momentum 0.1 there):
    # at Keras' 0.99 a net of the learning tests fits its training batches in one or two
    # epochs of 32 steps, then waits three or more for its moving statistics before its
    # test error leaves chance.
    bn_momentum=0.9,
    assumptions=(A("our choice, for tests", ("optimizer", "momentum", "learning_rate", "schedule",
                                            "weight_decay", "weight_decay_on", "batch_size",
                                            "epochs", "augment", "bn_momentum")),),
)

EFFICIENTNET = ("Tan & Le, EfficientNet: Rethinking Model Scaling for Convolutional Neural "
                "Networks, ICML 2019 (arXiv:1905.11946v5)")
_EFFICIENTNET_RMSPROP = Optimizer("rmsprop", momentum=0.9, rho=0.9, epsilon=1e-3)
_EFFICIENTNET_OPTIMIZER = Q(
    "Sec. 5.2", "We train our EfficientNet models on ImageNet using similar settings as (Tan et "
    "al., 2019): RMSProp optimizer with decay 0.9 and momentum 0.9; batch norm momentum 0.99; "
    "weight decay 1e-5; initial learning rate 0.256 that decays by 0.97 every 2.4 epochs.",
    ("optimizer", "momentum", "weight_decay", "learning_rate", "schedule"))

EFFICIENTNET_IMAGENET = Recipe(
    name="efficientnet-imagenet", paper="efficientnet", source=EFFICIENTNET,
    models=("efficientnet-*",), datasets=("imagenet2012",),
    optimizer=_EFFICIENTNET_RMSPROP,
    schedule=Schedule("exponential", 0.256, factor=0.97, every=2.4),
    weight_decay=1e-5, weight_decay_on="kernels", batch_size=4096, epochs=350,
    augment="inception-crop", label_smoothing=0.1,
    notes=("BN momentum 0.99, swish, stochastic depth (drop rate rising linearly to 0.2 at "
           "the last block: survival 0.8) and each model's dropout (0.2 for B0 ... 0.5 for B7) "
           "are the builder's defaults and B0-B7's parameters, not recipe values. arXiv v1 "
           "prints 'swish activation, fixed AutoAugment policy, and stochastic depth with drop "
           "connect ratio 0.3'."),
    quotes=(
        _EFFICIENTNET_OPTIMIZER,
        Q("Sec. 5.2", "We also use SiLU (Swish-1) activation, AutoAugment, and stochastic depth "
          "with survival probability 0.8.", ("augment",)),
    ),
    assumptions=(
        A("batch size 4096: the paper prints none; the reference code (tensorflow/tpu "
          "models/official/efficientnet) scales a rate of 0.016 per 256 images linearly, and "
          "0.256 = 0.016 x 4096 / 256", ("batch_size",)),
        A("350 epochs, label smoothing 0.1 and RMSProp epsilon 1e-3 are the reference code's "
          "defaults; the paper prints none of them", ("epochs", "label_smoothing", "optimizer")),
        A("AutoAugment is not in the suite's input pipeline: Inception-style random crops and "
          "flips stand in for it", ("augment",)),
        A("weight decay on convolution and dense kernels; the reference code also decays "
          "biases (it excludes only batch-norm variables)", ("weight_decay_on",)),
        A("the reference code's 5-epoch linear learning-rate warm-up is not applied; each "
          "model trains at the dataset's 224x224, whatever its own resolution (B1-B7 are "
          "built for 240-600)", ("schedule", "augment")),
    ),
)

EFFICIENTNET_SEARCH_PROXY = Recipe(
    name="efficientnet-search-proxy", paper="efficientnet",
    source=(EFFICIENTNET + ", Sec. 4 step 1: 'we first fix phi = 1, assuming twice more "
            "resources available, and do a small grid search of alpha, beta, gamma'; a short "
            "proxy run scores each point of keras_cnns.search"),
    models=("efficientnet-*", "mobilenet-*", "wrn-*", "densenet-bc-*"),
    datasets=("cifar10", "cifar100", "svhn", "synthetic"),
    optimizer=_EFFICIENTNET_RMSPROP,
    schedule=Schedule("exponential", 0.008, factor=0.97, every=2.4),
    weight_decay=1e-5, weight_decay_on="kernels", batch_size=128, epochs=10, augment="cifar",
    quotes=(_EFFICIENTNET_OPTIMIZER,),
    assumptions=(
        A("a proxy, not a paper's recipe: the paper gives no settings for the runs that score "
          "the grid. Sec. 5.2's RMSProp and decay, on 10 epochs of 128 images, the reference "
          "code's 0.016 per 256 images scaled to 0.008, CIFAR-style crops and flips, weight "
          "decay on kernels; the same for every space of keras_cnns.search",
          ("learning_rate", "batch_size", "epochs", "augment", "weight_decay_on")),
    ),
)

INCEPTION_V3 = ("Szegedy, Vanhoucke, Ioffe, Shlens & Wojna, Rethinking the Inception Architecture "
                "for Computer Vision, CVPR 2016 (arXiv:1512.00567)")
INCEPTION_V4 = ("Szegedy, Ioffe, Vanhoucke & Alemi, Inception-v4, Inception-ResNet and the Impact of "
                "Residual Connections on Learning, AAAI 2017 (arXiv:1602.07261)")
XCEPTION = "Chollet, Xception: Deep Learning with Depthwise Separable Convolutions, CVPR 2017 (arXiv:1610.02357)"
_INCEPTION_RMSPROP = Optimizer("rmsprop", momentum=0.9, rho=0.9, epsilon=1.0)
_TF_SLIM = ("TF-slim (the authors' released code, tensorflow/models research/slim): "
            "inception_v3_arg_scope weight_decay=0.00004, dropout_keep_prob=0.8, auxiliary loss "
            "weight 0.4 in train_image_classifier.py, moving_average_decay 0.9999, RMSProp "
            "momentum 0.9")

INCEPTION_V3_IMAGENET = Recipe(
    name="inception-v3-imagenet", paper="inception", source=INCEPTION_V3,
    models=("inception-v3", "inception-v3-*"), datasets=("imagenet2012",),
    optimizer=_INCEPTION_RMSPROP,
    schedule=Schedule("exponential", 0.045, factor=0.94, every=2),
    weight_decay=4e-5, weight_decay_on="kernels", batch_size=32, epochs=100,
    augment="inception-crop", label_smoothing=0.1, dropout=0.2, aux_loss_weights=(0.4,),
    gradient_clip_norm=2.0, polyak_decay=0.9999,
    notes=("the paper trains asynchronously on 50 replicas of batch 32; the engine trains "
           "synchronously on one global batch (linear lr scaling when --batch-size differs); "
           "the imagenet2012 pipeline crops 224x224, the paper 299x299"),
    quotes=(
        Q("Sec. 8", "We have trained our networks with stochastic gradient utilizing the "
          "TensorFlow distributed machine learning system using 50 replicas running each on a "
          "NVidia Kepler GPU with batch size 32 for 100 epochs.", ("batch_size", "epochs")),
        Q("Sec. 8", "our best models were achieved using RMSProp with decay of 0.9 and "
          "epsilon=1.0. We used a learning rate of 0.045, decayed every two epoch using an "
          "exponential rate of 0.94.", ("optimizer", "learning_rate", "schedule")),
        Q("Sec. 8", "In addition, gradient clipping with threshold 2.0 was found to be useful "
          "to stabilize the training.", ("gradient_clip_norm",)),
        Q("Sec. 8", "Model evaluations are performed using a running average of the parameters "
          "computed over time.", ("polyak_decay",)),
        Q("Sec. 7", "In our ImageNet experiments with K = 1000 classes, we used u(k) = 1/1000 "
          "and epsilon = 0.1.", ("label_smoothing",)),
        Q("Sec. 4", "we argue that the auxiliary classifiers act as regularizer. This is "
          "supported by the fact that the main classifier of the network performs better if "
          "the side branch is batch-normalized", ("aux_loss_weights",)),
    ),
    assumptions=(
        A(_TF_SLIM + " (the paper prints none of these values)",
          ("momentum", "weight_decay", "weight_decay_on", "dropout", "aux_loss_weights",
           "polyak_decay")),
        A("the Inception-style random crop of GoogLeNet (Szegedy et al. 2015, Sec. 6), which "
          "TF-slim's inception_preprocessing implements; the paper gives no augmentation",
          ("augment",)),
        A("the threshold clips the global norm of all gradients together (Keras "
          "global_clipnorm); the paper says only 'threshold 2.0'", ("gradient_clip_norm",)),
    ),
)

INCEPTION_V4_IMAGENET = dataclasses.replace(
    INCEPTION_V3_IMAGENET, name="inception-v4-imagenet", source=INCEPTION_V4,
    models=("inception-v4", "inception-resnet-v1", "inception-resnet-v2", "inception-resnet-v2-*"),
    aux_loss_weights=(), gradient_clip_norm=None, label_smoothing=0.0,
    notes=("the paper trains asynchronously on 20 replicas; the imagenet2012 pipeline crops "
           "224x224, the paper 299x299"),
    quotes=(
        Q("Sec. 4", "We have trained our networks with stochastic gradient utilizing the "
          "TensorFlow distributed machine learning system using 20 replicas running each on a "
          "NVidia Kepler GPU.", ("optimizer",)),
        Q("Sec. 4", "our best models were achieved using RMSProp with decay of 0.9 and "
          "epsilon=1.0. We used a learning rate of 0.045, decayed every two epochs using an "
          "exponential rate of 0.94.", ("optimizer", "learning_rate", "schedule")),
        Q("Sec. 4", "Model evaluations are performed using a running average of the parameters "
          "computed over time.", ("polyak_decay",)),
        Q("Figure 9", "Dropout (keep 0.8)", ("dropout",)),
    ),
    assumptions=(
        A("batch 32 and 100 epochs as Inception-v3 (Szegedy et al. 2016, Sec. 8); the paper "
          "prints neither", ("batch_size", "epochs")),
        A(_TF_SLIM + " (the paper prints none of these values)",
          ("momentum", "weight_decay", "weight_decay_on", "polyak_decay")),
        A("no label smoothing, gradient clipping or auxiliary loss: the paper does not mention "
          "them for these networks; the Inception-style random crop as Inception-v3",
          ("augment", "label_smoothing", "gradient_clip_norm", "aux_loss_weights")),
    ),
)

XCEPTION_IMAGENET = Recipe(
    name="xception-imagenet", paper="xception", source=XCEPTION,
    models=("xception",), datasets=("imagenet2012",),
    optimizer=_SGD,
    schedule=Schedule("exponential", 0.045, factor=0.94, every=2),
    weight_decay=1e-5, weight_decay_on="kernels", batch_size=32, epochs=100,
    augment="inception-crop", dropout=0.5, polyak_decay=0.9999,
    notes=("the paper trains synchronously on 60 K80 GPUs; the imagenet2012 pipeline crops "
           "224x224, the paper 299x299"),
    quotes=(
        Q("Sec. 4.2", "On ImageNet: Optimizer: SGD; Momentum: 0.9; Initial learning rate: "
          "0.045; Learning rate decay: decay of rate 0.94 every 2 epochs",
          ("optimizer", "momentum", "learning_rate", "schedule")),
        Q("Sec. 4.2", "For both datasets, Polyak averaging [13] was used at inference time.",
          ("polyak_decay",)),
        Q("Sec. 4.3", "The Inception V3 model uses a weight decay (L2 regularization) rate of "
          "4e-5 ... We found this rate to be quite suboptimal for Xception and instead settled "
          "for 1e-5.", ("weight_decay",)),
        Q("Sec. 4.3", "For the ImageNet experiments, both models include a dropout layer of rate "
          "0.5 before the logistic regression layer.", ("dropout",)),
    ),
    assumptions=(
        A("batch 32 and 100 epochs: the paper prints neither (Inception-v3's values, Szegedy et "
          "al. 2016, Sec. 8, whose optimisation configuration Sec. 4.2 says it reuses)",
          ("batch_size", "epochs")),
        A("moving-average decay 0.9999 (TF-slim's); the paper names Polyak averaging without "
          "its decay; weight decay on kernels only (Keras kernel_regularizer, as TF-slim); "
          "the Inception-style random crop (the paper gives no augmentation)",
          ("polyak_decay", "weight_decay_on", "augment")),
    ),
)

#: Every recipe by name; a model with several fitting recipes trains with the first listed.
RECIPES: dict[str, Recipe] = {r.name: r for r in (
    RESNET_CIFAR, PREACT_RESNET_CIFAR, WRN_CIFAR, WRN_CIFAR_ZCA, WRN_SVHN,
    STOCHASTIC_DEPTH_CIFAR_1202,
    STOCHASTIC_DEPTH_CIFAR, STOCHASTIC_DEPTH_SVHN, DENSENET_CIFAR, DENSENET_CIFAR_NOAUG,
    DENSENET_SVHN, RESNEXT_CIFAR, MOBILENET_IMAGENET, GOOGLENET_IMAGENET, VGG_IMAGENET,
    ALEXNET_IMAGENET, RESNET_IMAGENET, DENSENET_IMAGENET, RESNEXT_IMAGENET, SENET_IMAGENET,
    TINY,
    EFFICIENTNET_IMAGENET, EFFICIENTNET_SEARCH_PROXY,
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
