"""Released ImageNet weights through the ``keras.applications`` twins.

``weights="imagenet"`` works for every registered model whose twin in ``keras.applications``
ships ImageNet weights (:func:`pretrained_models`): VGG-16/19 (Simonyan & Zisserman 2015,
arXiv:1409.1556), ResNet-50/101/152 (He et al. 2016, arXiv:1512.03385), DenseNet-121/169/201
(Huang et al. 2017, arXiv:1608.06993), MobileNet at every width and resolution it ships
(Howard et al. 2017, arXiv:1704.04861), MobileNetV2 (Sandler et al. 2018, arXiv:1801.04381),
MobileNetV3 (Howard et al. 2019, arXiv:1905.02244), Inception-v3 (Szegedy et al. 2016,
arXiv:1512.00567), Inception-ResNet-v2 (Szegedy et al. 2017, arXiv:1602.07261; TF-slim's
layout), Xception (Chollet 2017, arXiv:1610.02357) and EfficientNet-B0..B7 (Tan & Le 2019,
arXiv:1905.11946). The twin is built with ``weights="imagenet"``, so the file comes through
Keras' own loader and cache (``~/.keras/models``); nothing here names a URL or a hash.

The weights are copied by structure (:func:`copy_from_twin`): the layers holding weights of
both models, in graph order, pair up one to one, each pair of the same kind and shapes, with
two exact conversions:

* a convolution whose twin carries a bias, where ours has none because a batch norm follows
  (keras.applications' ResNet): the bias ``b`` moves into that batch norm's moving mean,
  ``BN(conv(x) + b)`` with mean ``m`` being ``BN(conv(x))`` with mean ``m - b``;
* a 1x1 convolution and a Dense layer are the same map (MobileNet's ``conv_preds``): the
  kernel is reshaped.

Input: ``create_model(name, weights="imagenet")`` gives the twin's predictions on the twin's
expected input, which :attr:`Twin.preprocess` names: the family's ``preprocess_input`` of
``keras.applications`` (``"caffe"``: BGR with the ImageNet mean subtracted, VGG and ResNet;
``"torch"``: ``x / 255`` standardised per channel, DenseNet; ``"tf"``: ``x / 127.5 - 1``,
MobileNet, MobileNetV2, Inception-v3, Inception-ResNet-v2, Xception). Where the twin holds its
preprocessing in its graph (EfficientNet's ``Rescaling`` and ``Normalization``, MobileNetV3's
``Rescaling``; ``preprocess="in-graph"``), those layers, with the twin's values, are
prepended to our model, which then takes raw pixels in [0, 255] as the twin does; built with
``weights=None`` or a file, our builders never carry preprocessing.

Builder arguments a twin needs (:attr:`Twin.implies`): ``ResNet(padding="symmetric")``
(keras' ``pool1_pad``), ``DenseNetImageNet(padding="symmetric")`` (the stem's ``ZeroPadding2D``
of 3 and 1), ``MobileNet(activation="relu6")``. ``weights="imagenet"`` builds them when the
argument is not given and refuses an explicit other value.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType

import keras

from keras_cnns.arguments import fail

__all__ = ["TWINS", "Twin", "build_pretrained", "copy_from_twin", "load_imagenet",
           "pair_layers", "pretrained_models", "twin"]

#: Builder arguments that change no output at inference (and so no weight).
FREE = ("dropout", "drop_connect_rate")
#: The twins' input preprocessing layers (skipped by the copy, prepended to ours).
PREPROCESSING = (keras.layers.Rescaling, keras.layers.Normalization)

_FOLD = "conv biases folded into the following batch norm's moving mean"
_RESHAPE = "the 1x1-convolution classifier reshaped into a Dense kernel"


@dataclasses.dataclass(frozen=True)
class Twin:
    """One registry model and its ``keras.applications`` twin."""

    name: str  # our canonical registry name
    application: str  # the keras.applications builder, e.g. "ResNet50"
    kwargs: Mapping  # the twin's own arguments, e.g. {"alpha": 0.25}
    size: int  # the input size the twin is built at (its released resolution)
    implies: Mapping  # our builder's arguments the twin needs, e.g. {"padding": "symmetric"}
    preprocess: str  # "caffe", "torch", "tf" (keras' preprocess_input modes) or "in-graph"
    conversions: tuple[str, ...] = ()

    @property
    def preprocess_input(self) -> str:
        """The keras.applications function that prepares the twin's (and our) input."""
        module = {"ResNet": "resnet", "VGG16": "vgg16", "VGG19": "vgg19", "DenseNet": "densenet",
                  "MobileNetV2": "mobilenet_v2", "MobileNetV3": "mobilenet_v3",
                  "MobileNet": "mobilenet", "InceptionV3": "inception_v3",
                  "InceptionResNetV2": "inception_resnet_v2", "Xception": "xception",
                  "EfficientNet": "efficientnet"}
        key = next(k for k in module if self.application.startswith(k))
        return f"keras.applications.{module[key]}.preprocess_input"


def _twins() -> dict[str, Twin]:
    twins = []

    def add(name, application, size, preprocess, kwargs=None, implies=None, conversions=()):
        twins.append(Twin(name, application, MappingProxyType(dict(kwargs or {})), size,
                          MappingProxyType(dict(implies or {})), preprocess, conversions))

    add("vgg-d", "VGG16", 224, "caffe")
    add("vgg-e", "VGG19", 224, "caffe")
    for depth in (50, 101, 152):
        add(f"resnet-{depth}", f"ResNet{depth}", 224, "caffe",
            implies={"padding": "symmetric"}, conversions=(_FOLD,))
    for depth in (121, 169, 201):
        add(f"densenet-{depth}", f"DenseNet{depth}", 224, "torch",
            implies={"padding": "symmetric"})
    for alpha in ("1.0", "0.75", "0.5", "0.25"):  # keras ships every pair of these
        for size in (224, 192, 160, 128):
            add(f"mobilenet-{alpha}-{size}", "MobileNet", size, "tf", {"alpha": float(alpha)},
                implies={"activation": "relu6"}, conversions=(_RESHAPE,))
    for alpha, sizes in (("1.4", (224,)), ("1.3", (224,)),
                         *((a, (224, 192, 160, 128, 96)) for a in ("1.0", "0.75", "0.5", "0.35"))):
        for size in sizes:
            add(f"mobilenetv2-{alpha}-{size}", "MobileNetV2", size, "tf",
                {"alpha": float(alpha)})
    for size in ("large", "small"):
        app = f"MobileNetV3{size.title()}"
        for alpha in ("1.0", "0.75"):
            add(f"mobilenetv3-{size}-{alpha}", app, 224, "in-graph", {"alpha": float(alpha)})
        add(f"mobilenetv3-{size}-minimalistic-1.0", app, 224, "in-graph",
            {"minimalistic": True})
    for index, size in enumerate((224, 240, 260, 300, 380, 456, 528, 600)):
        add(f"efficientnet-b{index}", f"EfficientNetB{index}", size, "in-graph")
    add("inception-v3", "InceptionV3", 299, "tf")
    add("inception-resnet-v2-tf-slim", "InceptionResNetV2", 299, "tf")
    add("xception", "Xception", 299, "tf")
    return {t.name: t for t in twins}


#: Our canonical registry names -> their keras.applications twin.
TWINS: Mapping[str, Twin] = MappingProxyType(_twins())


def pretrained_models() -> list[str]:
    """The registry names ``weights="imagenet"`` works for (sorted as ``list_models``)."""
    from keras_cnns.registry import list_models

    listed = list_models()
    return [n for n in listed if n in TWINS] + sorted(set(TWINS) - set(listed))


def twin(model_name: str, include_top: bool = True, weights="imagenet") -> keras.Model:
    """The keras.applications twin of ``model_name``, built at its released resolution with
    ``weights`` (``"imagenet"``: through Keras' loader and cache) and its own preprocessing.
    Tests replace this function to run the ``"imagenet"`` path offline."""
    entry = _entry(model_name)
    builder = getattr(keras.applications, entry.application)
    return builder(include_top=include_top, weights=weights,
                   input_shape=(entry.size, entry.size, 3), **entry.kwargs)


def _entry(model_name: str) -> Twin:
    from keras_cnns.registry import model_info

    name = model_info(model_name).name
    if name not in TWINS:
        fail("No released ImageNet weights for this model; `weights='imagenet'` works for "
             f"{', '.join(pretrained_models())}.", "model_name", model_name)
    return TWINS[name]


# --------------------------------------------------------------------------- the mapping


def _leaves(model: keras.Model) -> list:
    """Leaf layers that hold weights, in graph order (nested models walked)."""
    layers = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            layers += _leaves(layer)
        elif layer.weights:
            layers.append(layer)
    return layers


def _kind(layer) -> str:
    if isinstance(layer, keras.layers.BatchNormalization):
        return "batch norm"
    if isinstance(layer, keras.layers.DepthwiseConv2D):
        return "depthwise"
    if isinstance(layer, keras.layers.SeparableConv2D):
        return "separable"
    if isinstance(layer, keras.layers.Dense) or (
            isinstance(layer, keras.layers.Conv2D) and tuple(layer.kernel_size) == (1, 1)
            and tuple(layer.strides) == (1, 1) and layer.groups == 1):
        return "dense"  # a 1x1 convolution and a Dense layer are the same map
    return type(layer).__name__


def _shapes(layer) -> list[tuple]:
    return [tuple(w.shape) for w in layer.weights]


def _producer(layer):
    """The layer whose output ``layer`` reads (its first input)."""
    node = layer._inbound_nodes[0]
    return node.input_tensors[0]._keras_history.operation


def pair_layers(source: keras.Model, target: keras.Model) -> list[tuple]:
    """The structural mapping of a ``keras.applications`` model (``source``) onto ours
    (``target``): ``(theirs, ours, folds_into)`` for every pair of layers with weights.

    The layers with weights of both, in graph order, pair up one to one (preprocessing
    layers and our auxiliary classifiers ``aux_*`` left out), of the same kind (a 1x1
    convolution and a Dense layer are one kind, their kernels reshaped) and the same
    shapes. Where the twin's convolution has a bias that ours lacks, ``folds_into`` is the
    batch norm that reads our convolution. Reads shapes only (models built
    :func:`~keras_cnns.uninitialised.uninitialised` will do); a ``ValueError`` names both
    layers of the first pair that does not fit.
    """
    def own(model, side):
        return [layer for layer in _leaves(model)
                if not isinstance(layer, PREPROCESSING)
                and not (side == "target" and layer.name.startswith("aux_"))]

    sources, targets = own(source, "source"), own(target, "target")
    if len(sources) != len(targets):
        raise ValueError(f"{source.name} has {len(sources)} layers with weights, {target.name} "
                         f"{len(targets)}: not the same structure. Received: "
                         f"target={target.name!r}")
    readers = {}  # id(our layer) -> our batch norm reading its output
    for layer in targets:
        if isinstance(layer, keras.layers.BatchNormalization):
            readers.setdefault(id(_producer(layer)), layer)
    pairs = []
    for theirs, ours in zip(sources, targets):
        mismatch = (f"Layer {theirs.name} ({type(theirs).__name__}, {_shapes(theirs)}) of "
                    f"{source.name} does not fit {ours.name} ({type(ours).__name__}, "
                    f"{_shapes(ours)}) of {target.name}. Received: target={target.name!r}")
        shapes, folds_into = _shapes(theirs), None
        if (len(shapes), len(ours.weights)) == (2, 1) and getattr(theirs, "use_bias", False) \
                and not getattr(ours, "use_bias", True):
            folds_into = readers.get(id(ours))  # ours has no bias: a batch norm follows
            if folds_into is None or tuple(folds_into.moving_mean.shape) != shapes[1]:
                raise ValueError(f"The bias of {theirs.name} in {source.name} has no batch "
                                 f"norm after {ours.name} in {target.name} to fold into. "
                                 f"Received: target={target.name!r}")
            shapes = shapes[:1]
        if _kind(theirs) != _kind(ours) or len(shapes) != len(ours.weights) or any(
                a != tuple(w.shape) and (_kind(ours) != "dense" or math.prod(a) != math.prod(
                    w.shape)) for a, w in zip(shapes, ours.weights)):
            raise ValueError(mismatch)
        pairs.append((theirs, ours, folds_into))
    return pairs


def copy_from_twin(source: keras.Model, target: keras.Model) -> int:
    """Copy the weights of a ``keras.applications`` model (``source``) into ours (``target``)
    along :func:`pair_layers`, exactly: a twin's convolution bias that ours lacks moves into
    the moving mean of the batch norm reading our convolution (``BN(conv(x) + b)`` with
    mean ``m`` is ``BN(conv(x))`` with mean ``m - b``); a 1x1 convolution's kernel is
    reshaped into a Dense kernel (or back). Returns the number of our layers set."""
    pairs = pair_layers(source, target)
    values = {id(ours): [keras.ops.convert_to_numpy(w) for w in theirs.weights]
              for theirs, ours, _ in pairs}
    for _, ours, folds_into in pairs:
        if folds_into is not None:
            bias = values[id(ours)].pop()
            index = next(i for i, w in enumerate(folds_into.weights)
                         if w is folds_into.moving_mean)
            values[id(folds_into)][index] = values[id(folds_into)][index] - bias
    for _, ours, _ in pairs:
        for value, variable in zip(values[id(ours)], ours.weights):
            variable.assign(value.reshape(tuple(variable.shape)))
    return len(pairs)


def load_imagenet(model_name: str, model: keras.Model, source: keras.Model | None = None) -> int:
    """Give ``model`` (ours, built as ``model_name``) the released ImageNet weights of its
    keras.applications twin (``source``, or :func:`twin` with ``weights="imagenet"``, the
    same ``include_top``); returns the number of layers set. With ``include_top`` the
    classifier must have 1000 classes."""
    entry = _entry(model_name)
    include_top = any(layer.name == "predictions" for layer in model.layers)
    if include_top and model.get_layer("predictions").units != 1000:
        fail("The released ImageNet weights have a 1000-class classifier: with "
             "include_top=True, classes must be 1000.", "classes",
             model.get_layer("predictions").units)
    if source is None:
        source = twin(entry.name, include_top=include_top)
    return copy_from_twin(source, model)


# --------------------------------------------------------------------------- weights="imagenet"


def _normalised(builder_name: str, call: dict, sizes: set) -> dict:
    """The call's arguments in the form the registry parses names to."""
    call = dict(call)
    if builder_name in ("MobileNet", "MobileNetV2") and call.get("resolution") is None:
        shape = (call["input_tensor"].shape[1:] if call.get("input_tensor") is not None
                 else call.get("input_shape"))
        height = shape[0] if shape is not None else None
        # keras.applications' choice: the weights of the input's size if released, else 224
        call["resolution"] = height if height in sizes else 224
    if builder_name == "EfficientNet":
        if call.get("phi") is not None:
            from keras_cnns.efficientnet import compound

            call["width"], call["depth"], call["resolution"] = compound(call["phi"])
            call["phi"] = None
        call["width"] = 1.0 if call.get("width") is None else call["width"]
        call["depth"] = 1.0 if call.get("depth") is None else call["depth"]
        call["resolution"] = 224 if call.get("resolution") is None else call["resolution"]
    return call


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _resolve(builder: Callable, explicit: Mapping) -> tuple[Twin, dict]:
    """The twin a builder call with ``weights="imagenet"`` stands for, and the arguments to
    build ours with."""
    from keras_cnns.contract import HEAD_ARGUMENTS
    from keras_cnns.registry import model_info

    signature = inspect.signature(builder)
    defaults = {k: p.default for k, p in signature.parameters.items()
                if p.default is not inspect.Parameter.empty}
    call = {**defaults, **explicit}
    own = [k for k in signature.parameters if k not in HEAD_ARGUMENTS and k not in FREE]
    entries = [TWINS[n] for n in TWINS
               if inspect.unwrap(model_info(n).builder) is inspect.unwrap(builder)]
    normal = _normalised(builder.__name__, call, {e.size for e in entries})
    for entry in entries:
        info = model_info(entry.name)
        target = _normalised(builder.__name__, {**defaults, **info.kwargs}, {entry.size})
        if all(_same(normal.get(k), target.get(k)) for k in own if k not in entry.implies):
            for key, value in entry.implies.items():
                if key in explicit and not _same(explicit[key], value):
                    fail(f"The released ImageNet weights of {entry.name} (keras.applications."
                         f"{entry.application}) need {key}={value!r}; leave `{key}` out or "
                         "pass that value with weights='imagenet'.", key, explicit[key])
            return entry, {**call, **entry.implies}
    fail("weights='imagenet' needs a model with released ImageNet weights (a "
         "keras.applications twin); this call builds none. Models with weights: "
         f"{', '.join(pretrained_models())}.", "weights", "imagenet")


def build_pretrained(builder: Callable, args: tuple, kwargs: Mapping) -> keras.Model:
    """``builder(*args, **kwargs)`` with ``weights="imagenet"``: the twin's weights in our
    model (see the module docstring). The registry's builders call this."""
    bound = inspect.signature(builder).bind(*args, **kwargs)
    explicit = dict(bound.arguments)
    entry, call = _resolve(builder, explicit)
    if call["include_top"] is True and call["classes"] != 1000:
        fail("The released ImageNet weights have a 1000-class classifier: with "
             "include_top=True and weights='imagenet', classes must be 1000.", "classes",
             call["classes"])
    call["weights"] = None
    if entry.preprocess != "in-graph":
        model = builder(**call)  # our arguments checked before the twin loads its file
        copy_from_twin(twin(entry.name, include_top=call["include_top"] is True), model)
        return model
    source = twin(entry.name, include_top=call["include_top"] is True)
    model = builder(**{**call, "input_tensor": _prepend(source, call), "input_shape": None})
    copy_from_twin(source, model)
    return model


def _prepend(source: keras.Model, call: dict):
    """The twin's preprocessing layers (with their values) applied to our input."""
    tensor = call.get("input_tensor")
    if tensor is None:
        shape = call.get("input_shape")
        tensor = keras.Input(shape=tuple(shape) if shape is not None
                             else tuple(source.input.shape[1:]), name="input")
    elif not keras.backend.is_keras_tensor(tensor):
        tensor = keras.Input(tensor=tensor, shape=tuple(tensor.shape[1:]), name="input")
    x = tensor
    for layer in source.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if not isinstance(layer, PREPROCESSING):
            break
        config = layer.get_config()
        config.pop("name", None)
        clone = type(layer).from_config({**config, "name": f"preprocess_{layer.name}"})
        x = clone(x)
        if layer.weights:
            clone.set_weights(layer.get_weights())
    return x
