"""PyTorch checkpoints (torchvision, timm) into this suite's Keras builders.

Optional: needs the extra ``pip install keras-cnns[torch]`` (torch, torchvision, timm) only
to read a checkpoint file; a state dict of NumPy arrays needs nothing. Torch is imported
lazily, so ``import keras_cnns`` never needs it.

:data:`TWINS` maps a torchvision or timm model name to the registry name of our builder and
the builder arguments that make ours the same function (the same layers, strides, padding
and order of operations), so that ``from_torch("torchvision/resnet50", state_dict)`` gives a
Keras model whose logits equal torch's in eval mode (up to float32 summation order):

* torchvision ResNet-18/34 (He et al. 2016, arXiv:1512.03385): projection shortcuts where the
  shape changes (option B: ``resnet-18-b``), and PyTorch's padding: one pixel on each side
  of the 3x3/2 max-pool and the strided 3x3 convolutions (``padding="symmetric"``; TensorFlow's
  ``"same"`` pads nothing before and one pixel after on an even size, which shifts the
  sampling grid by one pixel);
* torchvision ResNet-50/101/152: the stride on the 3x3 ("v1.5", ``stride_at="3x3"``) and the
  symmetric padding;
* torchvision ResNeXt-50 32x4d, ResNeXt-101 32x8d and 64x4d (Xie et al. 2017,
  arXiv:1611.05431): the ResNeXt template, form (c), symmetric padding;
* torchvision Wide ResNet-50-2 / 101-2 (Zagoruyko & Komodakis 2016, arXiv:1605.07146):
  ``wrn-50-2-bottleneck`` with symmetric padding;
* torchvision VGG-11/13/16/19 and their ``_bn`` variants (Simonyan & Zisserman 2015,
  arXiv:1409.1556; ``vgg-d-bn`` is the later batch-norm variant, see :mod:`keras_cnns.vgg`):
  configurations A, B, D, E; torchvision's adaptive 7x7 average pool is the identity at the
  224x224 input the fully-connected head needs;
* torchvision DenseNet-121/161/169/201 (Huang et al. 2017, arXiv:1608.06993, Table 1):
  ``densenet-<depth>`` with ``padding="symmetric"`` (the stem's 7x7/2 padded 3 and the 3x3/2
  max-pool 1 on each side); torchvision concatenates a layer's input before its new
  features, as ours. Keys ``features.denseblock<i>.denselayer<j>.norm1/conv1/norm2/conv2``
  -> ``conv<i+1>_block<j>_0_bn/_0_conv/_1_bn/_1_conv``, ``features.transition<i>.norm/conv``
  -> ``pool<i+1>_bn/_conv``, ``features.norm5`` -> ``post_bn``;
* timm ``legacy_seresnet50/101/152`` and ``legacy_seresnext50/101_32x4d`` (the Caffe
  SE-ResNets and SE-ResNeXts of Hu et al. 2018, arXiv:1709.01507, ported by Cadene's
  ``pretrainedmodels``): SE fcs as 1x1 convolutions with biases, a 3x3/2 max-pool with
  ``ceil_mode=True`` and no padding, and (SE-ResNeXt, whose stride is on the grouped 3x3)
  strided 3x3s padded one pixel on each side: ``se-resnet-<depth>`` (stride on the first
  1x1) and ``se-resnext-<depth>-32x4d``, both with ``padding="caffe"``;
* timm ``seresnet50/101/152`` (timm's ResNet with ``attn_layer="se"``; ``seresnet50.a1_in1k``
  etc. are trained by timm, not by Hu et al.): the stride on the 3x3 and PyTorch's padding,
  ``se-resnet-<depth>`` with ``stride_at="3x3", padding="symmetric"``; the SE module after
  the block's last batch norm, fcs as 1x1 convolutions with biases, ``C / 16`` channels
  (timm rounds to multiples of 8: 16..128, the same); and ``seresnext50_32x4d``,
  ``seresnext101_32x4d/32x8d/64x4d``: ``se-resnext-<depth>-<C>x<d>d`` with
  ``padding="symmetric"``. Keys ``layer<i>.<j>.se.fc1/fc2`` -> ``<block>_se_reduce/_expand``;
* timm ``resnest14d``, ``resnest26d``, ``resnest50d``, ``resnest101e``, ``resnest200e`` and
  ``resnest269e`` (Zhang et al. 2020, arXiv:2004.08955; the authors' ``zhanghang1989/ResNeSt``
  ported): ``resnest-14/26/50/101/200/269`` (deep stem 32 wide up to 50 layers, 64 beyond;
  radix 2, one cardinal group, avd after the split-attention convolution), and the ablation
  models ``resnest50d_4s2x40d`` and ``resnest50d_1s4x24d`` (avd first): ``resnest-50-fast-4s2x40d``
  and ``resnest-50-fast-1s4x24d``; all with ``padding="symmetric"`` (the stem's strided 3x3 and
  max-pool padded one pixel each side, the avd ``AvgPool2d(3, 2, padding=1)`` dividing by 9).
  timm's ``SplitAttn`` orders its channels as ours (:func:`keras_cnns.blocks.split_attention`):
  the grouped convolution's ``cardinality * radix`` groups radix-major (split ``r`` is channels
  ``r*C..(r+1)*C``, cardinal groups inside), fc1/fc2 grouped by cardinality, and r-Softmax
  over ``view(B, cardinality, radix, -1)`` transposed back radix-major, as
  :class:`~keras_cnns.layers.RadixSelect`; so every tensor maps as it is, with no permutation.
  Keys: ``conv1.0/.3/.6`` and ``conv1.1/.4``, ``bn1`` -> ``conv1_1..3``; ``conv2.conv``,
  ``conv2.bn0``, ``conv2.fc1``, ``conv2.bn1``, ``conv2.fc2`` -> ``<block>_2_conv``, ``_2_bn``,
  ``_2_fc1``, ``_2_fc1_bn``, ``_2_fc2``; ``downsample.1/.2`` (after the parameter-free pool)
  -> ``<block>_0_conv``/``_0_bn``.
* timm ``skresnext50_32x4d`` (SKNet-50 of Li et al. 2019, arXiv:1903.06586: SK[2, 32, 16]
  units, ``L = 32``; timm's attention width ``make_divisible(C / 16, 32)`` is Eq. 4's
  ``max(C / 16, 32)`` for every C of the net; the 5x5 path a 3x3 of dilation 2):
  ``sknet-50`` with ``padding="symmetric"``. Keys ``conv2.paths.<m>.conv/bn`` ->
  ``<block>_2_branch<m+1>_conv/_bn``, ``conv2.attn.fc_reduce``, ``.bn``, ``.fc_select`` ->
  ``<block>_2_fc1_conv``, ``_2_fc1_bn``, ``_2_fc2`` (select logits path-major, as ours);
  ``conv<k>.conv/bn`` -> ``<block>_<k>_conv/_bn``.
* timm ``resnet18d/34d/50d/101d/152d`` (ResNet-D of He et al. 2019, arXiv:1812.01187: deep
  stem 32-32-64, average-pool shortcuts, the stride on the 3x3) and ``ecaresnet50d``,
  ``ecaresnet101d`` (the same with timm's ``EcaModule`` after each block's last batch norm:
  the adaptive kernel size of Wang et al. 2020, Eq. 12): ``resnet-<depth>-d`` and
  ``eca-resnet-<depth>-d`` with ``padding="symmetric"``. Keys as ResNeSt's stem and
  shortcuts, ``layer<i>.<j>.conv<k>/bn<k>`` -> ``<block>_<k>_conv/_bn``, ``se.conv`` (a
  ``Conv1d(1, 1, k)``) -> ``<block>_eca_conv``.

Not twins, named (no entry): torchvision's AlexNet (64-192-384-256-256 channels, conv1
padded 2, no LRN, an adaptive 6x6 average pool) is not the two-tower net of Krizhevsky et al.
2012 that :mod:`keras_cnns.alexnet` builds, nor a net of any paper: its docstring cites the
"one weird trick" paper (Krizhevsky 2014, arXiv:1404.5997), whose footnote gives
64-192-384-384-256, and its channels are those of Krizhevsky's one-GPU cuda-convnet2 model
(``layers/layers-imagenet-1gpu.cfg``: conv1 unpadded, LRN after conv1 and conv2);
torchvision's GoogLeNet has batch norm after every convolution, 3x3 convolutions where the
paper's 5x5 branch has 5x5, and ``ceil_mode`` pools (its own comment names the 3x3 as a known
bug kept for its weights), so it is not :mod:`keras_cnns.googlenet`, which stays the
paper's; timm's ``skresnet18/34/50`` and ``skresnet50d`` split the input channels
between the SK paths (``split_input=True``: each path convolves its own share), a layout of
timm's that the SKNet of Li et al. 2019 (:mod:`keras_cnns.sknet`) does not have: not mapped.

Mapping: convolution kernels OIHW -> HWIO (grouped kernels keep their (kh, kw, in/groups,
out) layout; depthwise (C*m, 1, kh, kw) -> (kh, kw, C, m)); linear weights transposed (the
first fully-connected layer after a flatten also has its inputs reordered from torch's
C, H, W to Keras' H, W, C); batch norm weight, bias, running_mean, running_var -> gamma,
beta, moving_mean, moving_variance; ``num_batches_tracked`` ignored. A shape or kind that
does not fit, a torch tensor without a layer or a layer without a tensor raises
``ValueError`` naming both sides.

Batch norm epsilon: PyTorch's is 1e-5; some presets here use another (``"keras"``:
1.001e-5, keras.applications'). Inference computes ``(x - mean) / sqrt(var + eps)``, so the
loader stores ``moving_variance = running_var + 1e-5 - eps_ours``: exactly torch's function
(in real arithmetic; float32 rounds the sum once), whatever the two epsilons.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

import keras
import numpy as np

from keras_cnns.arguments import check_choice, fail

__all__ = ["TORCH_BN_EPSILON", "TWINS", "TorchTwin", "from_torch", "load_torch_state_dict",
           "twin_model"]

#: ``torch.nn.BatchNorm2d``'s default epsilon (every mapped net uses it).
TORCH_BN_EPSILON = 1e-5
EXTRA = "pip install keras-cnns[torch]"


@dataclasses.dataclass(frozen=True)
class TorchTwin:
    """A torch model and the registry model (with ``arguments``) that computes the same."""

    source: str  # "torchvision/resnet50"
    model: str  # our registry name
    arguments: Mapping = dataclasses.field(default_factory=dict)
    scheme: str = "resnet"  # how the state dict's keys name the layers


def _twins() -> dict[str, TorchTwin]:
    sym = {"padding": "symmetric"}
    twins = [TorchTwin("torchvision/resnet18", "resnet-18-b", sym),
             TorchTwin("torchvision/resnet34", "resnet-34-b", sym)]
    twins += [TorchTwin(f"torchvision/resnet{d}", f"resnet-{d}-v1.5", sym) for d in (50, 101, 152)]
    twins += [TorchTwin(f"torchvision/resnext{d}_{s}", f"resnext-{d}-{s}", sym)
              for d, s in ((50, "32x4d"), (101, "32x8d"), (101, "64x4d"))]
    twins += [TorchTwin(f"torchvision/wide_resnet{d}_2", f"wrn-{d}-2-bottleneck", sym)
              for d in (50, 101)]
    for config, depth in (("a", 11), ("b", 13), ("d", 16), ("e", 19)):
        twins.append(TorchTwin(f"torchvision/vgg{depth}", f"vgg-{config}", {}, "vgg"))
        twins.append(TorchTwin(f"torchvision/vgg{depth}_bn", f"vgg-{config}-bn", {}, "vgg"))
    twins += [TorchTwin(f"torchvision/densenet{d}", f"densenet-{d}", sym, "densenet")
              for d in (121, 161, 169, 201)]
    caffe = {"padding": "caffe"}
    twins += [TorchTwin(f"timm/legacy_seresnet{d}", f"se-resnet-{d}", caffe, "legacy-senet")
              for d in (50, 101, 152)]
    twins += [TorchTwin(f"timm/legacy_seresnext{d}_32x4d", f"se-resnext-{d}-32x4d", caffe,
                        "legacy-senet") for d in (50, 101)]
    v15 = {"stride_at": "3x3", **sym}
    twins += [TorchTwin(f"timm/seresnet{d}", f"se-resnet-{d}", v15, "timm-se")
              for d in (50, 101, 152)]
    twins += [TorchTwin(f"timm/seresnext{d}_{s}", f"se-resnext-{d}-{s}", sym, "timm-se")
              for d, s in ((50, "32x4d"), (101, "32x4d"), (101, "32x8d"), (101, "64x4d"))]
    twins += [TorchTwin(f"timm/resnest{d}{'d' if d <= 50 else 'e'}", f"resnest-{d}", sym,
                        "resnest") for d in (14, 26, 50, 101, 200, 269)]
    twins += [TorchTwin(f"timm/resnest50d_{s}", f"resnest-50-fast-{s}", sym, "resnest")
              for s in ("4s2x40d", "1s4x24d")]
    twins += [TorchTwin(f"timm/resnet{d}d", f"resnet-{d}-d", sym, "timm-resnet-d")
              for d in (18, 34, 50, 101, 152)]
    twins += [TorchTwin(f"timm/ecaresnet{d}d", f"eca-resnet-{d}-d", sym, "timm-resnet-d")
              for d in (50, 101)]
    twins.append(TorchTwin("timm/skresnext50_32x4d", "sknet-50", sym, "timm-sk"))
    return {twin.source: twin for twin in twins}


#: torchvision / timm model (``"<library>/<name>"``) -> its twin among our builders.
TWINS: dict[str, TorchTwin] = _twins()


def _twin(source) -> TorchTwin:
    check_choice("source", source, TWINS,
                 "`source` must name a mapped torch model, '<torchvision|timm>/<name>' (see "
                 "keras_cnns.torch_weights.TWINS).")
    return TWINS[source]


def twin_model(source: str, **kwargs) -> keras.Model:
    """Our builder for torch model ``source`` (a :data:`TWINS` key), with the arguments that
    make it the same function; ``kwargs`` are head arguments (``classes``, ...)."""
    from keras_cnns.registry import create_model
    twin = _twin(source)
    return create_model(twin.model, **{**twin.arguments, **kwargs})


def from_torch(source: str, state_dict_or_path, **kwargs) -> keras.Model:
    """:func:`twin_model` loaded with ``state_dict_or_path`` (:func:`load_torch_state_dict`)."""
    model = twin_model(source, **kwargs)
    load_torch_state_dict(model, state_dict_or_path, source=source)
    return model


def _import_torch():
    try:
        import torch
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Reading a PyTorch checkpoint needs torch: install the extra with "
                          f"`{EXTRA}`.") from error
    return torch


def _to_numpy(state_dict_or_path) -> dict[str, np.ndarray]:
    if isinstance(state_dict_or_path, (str, bytes)) or hasattr(state_dict_or_path, "__fspath__"):
        torch = _import_torch()
        state = torch.load(state_dict_or_path, map_location="cpu", weights_only=True)
    elif isinstance(state_dict_or_path, Mapping):
        state = state_dict_or_path
    else:
        fail("`state_dict_or_path` must be a state dict (a mapping of names to tensors) or "
             "the path of a torch checkpoint.", "state_dict_or_path", state_dict_or_path)
    out = {}
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            continue
        if hasattr(value, "detach"):
            value = value.detach().cpu().numpy()
        out[key] = np.asarray(value, dtype=np.float32)
    return out


def _layers(model: keras.Model) -> dict[str, keras.layers.Layer]:
    """Every layer by name, nested stages included."""
    found = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.update(_layers(layer))
        else:
            found[layer.name] = layer
    return found


# --- key schemes: torch module path -> our layer name -------------------------------------

#: The residual stages' convolutions, batch norms and projection shortcuts, shared by both.
_RESIDUAL_BLOCKS = [
    (r"layer(\d)\.(\d+)\.conv(\d)", "conv{L}_block{b}_{2}_conv"),
    (r"layer(\d)\.(\d+)\.bn(\d)", "conv{L}_block{b}_{2}_bn"),
    (r"layer(\d)\.(\d+)\.downsample\.0", "conv{L}_block{b}_0_conv"),
    (r"layer(\d)\.(\d+)\.downsample\.1", "conv{L}_block{b}_0_bn"),
]
_RESNET = [
    (r"conv1", "conv1_conv"), (r"bn1", "conv1_bn"),
    *_RESIDUAL_BLOCKS,
    (r"fc", "predictions"),
]
_LEGACY_SENET = [
    (r"layer0\.conv1", "conv1_conv"), (r"layer0\.bn1", "conv1_bn"),
    *_RESIDUAL_BLOCKS,
    (r"layer(\d)\.(\d+)\.se_module\.fc1", "conv{L}_block{b}_se_reduce"),
    (r"layer(\d)\.(\d+)\.se_module\.fc2", "conv{L}_block{b}_se_expand"),
    (r"last_linear", "predictions"),
]
_DEEP_STEM = [  # timm's stem_type="deep": three 3x3 convs in conv1, the third's batch norm bn1
    (r"conv1\.0", "conv1_1_conv"), (r"conv1\.1", "conv1_1_bn"),
    (r"conv1\.3", "conv1_2_conv"), (r"conv1\.4", "conv1_2_bn"),
    (r"conv1\.6", "conv1_3_conv"), (r"bn1", "conv1_3_bn"),
]
_AVG_DOWN_SHORTCUTS = [  # timm's avg_down: downsample = (pool, conv, bn)
    (r"layer(\d)\.(\d+)\.downsample\.1", "conv{L}_block{b}_0_conv"),
    (r"layer(\d)\.(\d+)\.downsample\.2", "conv{L}_block{b}_0_bn"),
]
_RESNEST = [  # timm's ResNet with a deep stem, avg_down shortcuts and SplitAttn 3x3s
    *_DEEP_STEM,
    (r"layer(\d)\.(\d+)\.conv([13])", "conv{L}_block{b}_{2}_conv"),
    (r"layer(\d)\.(\d+)\.bn([13])", "conv{L}_block{b}_{2}_bn"),
    (r"layer(\d)\.(\d+)\.conv2\.conv", "conv{L}_block{b}_2_conv"),
    (r"layer(\d)\.(\d+)\.conv2\.bn0", "conv{L}_block{b}_2_bn"),
    (r"layer(\d)\.(\d+)\.conv2\.fc([12])", "conv{L}_block{b}_2_fc{2}"),
    (r"layer(\d)\.(\d+)\.conv2\.bn1", "conv{L}_block{b}_2_fc1_bn"),
    *_AVG_DOWN_SHORTCUTS,
    (r"fc", "predictions"),
]
_DENSENET = [  # torchvision: features.denseblock<i>.denselayer<j> counts both from 1
    (r"features\.conv0", "conv1_conv"), (r"features\.norm0", "conv1_bn"),
    (r"features\.denseblock(\d)\.denselayer(\d+)\.norm1", "conv{L}_block{1}_0_bn"),
    (r"features\.denseblock(\d)\.denselayer(\d+)\.conv1", "conv{L}_block{1}_0_conv"),
    (r"features\.denseblock(\d)\.denselayer(\d+)\.norm2", "conv{L}_block{1}_1_bn"),
    (r"features\.denseblock(\d)\.denselayer(\d+)\.conv2", "conv{L}_block{1}_1_conv"),
    (r"features\.transition(\d)\.norm", "pool{L}_bn"),
    (r"features\.transition(\d)\.conv", "pool{L}_conv"),
    (r"features\.norm5", "post_bn"), (r"classifier", "predictions"),
]
_TIMM_SE = [  # timm's ResNet with attn_layer="se": the SEModule after bn3, fcs as 1x1 convs
    *_RESNET,
    (r"layer(\d)\.(\d+)\.se\.fc1", "conv{L}_block{b}_se_reduce"),
    (r"layer(\d)\.(\d+)\.se\.fc2", "conv{L}_block{b}_se_expand"),
]
_TIMM_RESNET_D = [  # timm's ResNet with stem_type="deep", avg_down=True (and attn_layer)
    *_DEEP_STEM,
    *_RESIDUAL_BLOCKS[:2],  # layer<i>.<j>.conv<k>/bn<k>
    *_AVG_DOWN_SHORTCUTS,
    (r"layer(\d)\.(\d+)\.se\.conv", "conv{L}_block{b}_eca_conv"),  # timm's EcaModule
    (r"fc", "predictions"),
]
_TIMM_SK = [  # timm's SelectiveKernelBottleneck: ConvNormAct 1x1s around a SelectiveKernel
    (r"conv1", "conv1_conv"), (r"bn1", "conv1_bn"),
    (r"layer(\d)\.(\d+)\.conv([13])\.conv", "conv{L}_block{b}_{2}_conv"),
    (r"layer(\d)\.(\d+)\.conv([13])\.bn", "conv{L}_block{b}_{2}_bn"),
    (r"layer(\d)\.(\d+)\.conv2\.paths\.(\d)\.conv", "conv{L}_block{b}_2_branch{m}_conv"),
    (r"layer(\d)\.(\d+)\.conv2\.paths\.(\d)\.bn", "conv{L}_block{b}_2_branch{m}_bn"),
    (r"layer(\d)\.(\d+)\.conv2\.attn\.fc_reduce", "conv{L}_block{b}_2_fc1_conv"),
    (r"layer(\d)\.(\d+)\.conv2\.attn\.bn", "conv{L}_block{b}_2_fc1_bn"),
    (r"layer(\d)\.(\d+)\.conv2\.attn\.fc_select", "conv{L}_block{b}_2_fc2"),
    *_RESIDUAL_BLOCKS[2:],  # downsample.0/.1
    (r"fc", "predictions"),
]
_SCHEMES = {"resnet": _RESNET, "legacy-senet": _LEGACY_SENET, "resnest": _RESNEST,
            "timm-se": _TIMM_SE, "densenet": _DENSENET, "timm-resnet-d": _TIMM_RESNET_D,
            "timm-sk": _TIMM_SK}


def _rule_target(module: str, rules) -> str | None:
    for pattern, target in rules:
        match = re.fullmatch(pattern, module)
        if match:
            groups = match.groups()
            # layer<L>.<b> / denseblock<L>: torch counts stages from 1 (ours from conv2),
            # residual blocks from 0
            fields = {"L": int(groups[0]) + 1} if groups else {}
            if len(groups) > 1:
                fields["b"] = int(groups[1]) + 1
            if len(groups) > 2:  # timm's SK paths count from 0, our branches from 1
                fields["m"] = int(groups[2]) + 1
            return target.format(*groups, **fields)
    return None


def _vgg_targets(modules: list[str], layers: Mapping) -> dict[str, str]:
    """torchvision VGG: ``features.<i>`` convs and batch norms in order onto ours
    (``block<s>_conv<j>``, ``block<s>_bn<j>`` in model order), ``classifier.0/3/6`` onto
    ``fc1``, ``fc2``, ``predictions``."""
    ours_conv = [n for n, l in layers.items() if re.fullmatch(r"block\d+_conv\d+", n)]
    ours_bn = [n for n, l in layers.items() if re.fullmatch(r"block\d+_bn\d+", n)]
    features = sorted({int(m.split(".")[1]) for m in modules if m.startswith("features.")})
    targets, convs, bns = {}, iter(ours_conv), iter(ours_bn)
    for index in features:
        module = f"features.{index}"
        # a torch batch norm has running statistics, a convolution does not
        is_bn = any(k.startswith(module + ".running_mean") for k in modules)
        targets[module] = next(bns if is_bn else convs, f"<no {'bn' if is_bn else 'conv'} "
                               f"layer left for {module}>")
    targets.update({"classifier.0": "fc1", "classifier.3": "fc2", "classifier.6": "predictions"})
    return targets


# --- tensors -> weights ------------------------------------------------------------------

def _conv_kernel(weight: np.ndarray, layer) -> np.ndarray:
    if isinstance(layer, keras.layers.Conv1D):  # (out, in, k) -> (k, in, out)
        return weight.transpose(2, 1, 0)
    if isinstance(layer, keras.layers.DepthwiseConv2D):
        channels = layer.kernel.shape[2]
        return weight.reshape(channels, -1, *weight.shape[2:]).transpose(2, 3, 0, 1)
    return weight.transpose(2, 3, 1, 0)


def _dense_kernel(weight: np.ndarray, layer, flatten_shape) -> np.ndarray:
    if weight.ndim == 4:  # a 1x1 convolution used as an fc (SE modules)
        weight = weight[:, :, 0, 0]
    if flatten_shape is not None and weight.shape[1] != layer.kernel.shape[0]:
        return weight  # let the shape check report it
    if flatten_shape is not None:  # torch flattens C, H, W; Keras H, W, C
        height, width, channels = flatten_shape
        weight = weight.reshape(-1, channels, height, width).transpose(0, 2, 3, 1)
        weight = weight.reshape(weight.shape[0], -1)
    return weight.T


def _assign(variable, value: np.ndarray, torch_key: str, layer) -> None:
    if tuple(variable.shape) != tuple(value.shape):
        raise ValueError(f"Torch tensor {torch_key!r} of shape {tuple(value.shape)} (converted) "
                         f"does not fit {variable.path!r} of layer {layer.name!r}, shape "
                         f"{tuple(variable.shape)}. Received: {torch_key}={tuple(value.shape)}")
    variable.assign(value.astype(variable.dtype))


def _flatten_shapes(model: keras.Model) -> dict[str, tuple]:
    """Dense layers that follow a ``Flatten`` directly: the (H, W, C) shape it flattened."""
    shapes = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            source = layer._inbound_nodes[0].parent_nodes if layer._inbound_nodes else []
            for node in source:
                if isinstance(node.operation, keras.layers.Flatten):
                    shapes[layer.name] = tuple(node.operation.input.shape[1:])
    return shapes


def _load_layer(layer, tensors: dict[str, np.ndarray], module: str, flatten_shape) -> None:
    def take(role):
        key = f"{module}.{role}"
        return key, tensors.get(key)

    if isinstance(layer, keras.layers.BatchNormalization):
        roles = {"weight": "gamma", "bias": "beta", "running_mean": "moving_mean",
                 "running_var": "moving_variance"}
        for role, attribute in roles.items():
            key, value = take(role)
            variable = getattr(layer, attribute, None)
            if value is None:
                raise ValueError(f"Torch module {module!r} has no {role!r} for Keras batch "
                                 f"norm layer {layer.name!r}. Received: {module}")
            if variable is None:  # a BN without gamma (scale=False) takes only unit gammas
                if not np.allclose(value, 1.0):
                    raise ValueError(f"Keras layer {layer.name!r} has no gamma (scale=False) "
                                     f"but torch {key!r} is not all ones. Received: {key}=...")
                continue
            if role == "running_var":  # absorb the epsilon difference exactly
                value = value + np.float32(TORCH_BN_EPSILON - layer.epsilon)
            _assign(variable, value, key, layer)
        return
    key, weight = take("weight")
    if weight is None:
        raise ValueError(f"Torch module {module!r} has no weight for Keras layer "
                         f"{layer.name!r}. Received: {module}")
    if isinstance(layer, keras.layers.Dense):
        _assign(layer.kernel, _dense_kernel(weight, layer, flatten_shape), key, layer)
    elif isinstance(layer, keras.layers.Conv1D):
        if weight.ndim != 3:
            raise ValueError(f"Torch tensor {key!r} of shape {weight.shape} is not a 1-D "
                             f"convolution kernel, but Keras layer {layer.name!r} is a "
                             f"Conv1D. Received: {key}={weight.shape}")
        _assign(layer.kernel, _conv_kernel(weight, layer), key, layer)
    elif isinstance(layer, keras.layers.Conv2D | keras.layers.DepthwiseConv2D):
        if weight.ndim != 4:
            raise ValueError(f"Torch tensor {key!r} of shape {weight.shape} is not a "
                             f"convolution kernel, but Keras layer {layer.name!r} is a "
                             f"{type(layer).__name__}. Received: {key}={weight.shape}")
        _assign(layer.kernel, _conv_kernel(weight, layer), key, layer)
    else:
        raise ValueError(f"Keras layer {layer.name!r} ({type(layer).__name__}) cannot take "
                         f"torch module {module!r}. Received: {module}")
    bias_key, bias = take("bias")
    has_bias = getattr(layer, "use_bias", False)
    if (bias is None) == has_bias:
        raise ValueError(f"Torch module {module!r} {'has' if bias is not None else 'lacks'} a "
                         f"bias where Keras layer {layer.name!r} "
                         f"{'has none' if bias is not None else 'has one'}. "
                         f"Received: {bias_key}={None if bias is None else bias.shape}")
    if bias is not None:
        _assign(layer.bias, bias, bias_key, layer)


_ROLES = ("weight", "bias", "running_mean", "running_var")
#: Our layers the loader leaves alone when the model has no top (include_top=False).
HEAD_LAYERS = ("fc1", "fc2", "predictions")


def load_torch_state_dict(model: keras.Model, state_dict_or_path, *, source: str) -> keras.Model:
    """Load a torchvision / timm state dict (or a checkpoint path) into ``model``, our twin of
    ``source`` (a :data:`TWINS` key, e.g. ``"torchvision/resnet50"``); returns ``model``.

    Every torch tensor must find its layer and every weighted layer of ours its tensors, in
    kind and shape; torch's classifier is skipped when ``model`` has no top. Raises
    ``ValueError`` naming the torch module and our layer of the first mismatch.
    """
    twin = _twin(source)
    if not isinstance(model, keras.Model):
        fail("`model` must be a keras.Model built by twin_model(source).", "model", model)
    tensors = _to_numpy(state_dict_or_path)
    layers = _layers(model)
    modules = sorted({key.rsplit(".", 1)[0] for key in tensors},
                     key=lambda m: [int(p) if p.isdigit() else p for p in m.split(".")])
    if twin.scheme == "vgg":
        vgg = _vgg_targets(list(tensors), layers)
        targets = {m: vgg.get(m) for m in modules}
    else:
        targets = {m: _rule_target(m, _SCHEMES[twin.scheme]) for m in modules}
    flatten = _flatten_shapes(model)
    used = set()
    for module in modules:
        target = targets[module]
        if target is None:
            raise ValueError(f"Torch module {module!r} has no rule for a Keras layer of "
                             f"{model.name!r} ({source}). Received: {module}")
        if target not in layers:
            if target in HEAD_LAYERS and "predictions" not in layers:
                continue
            raise ValueError(f"Torch module {module!r} maps to Keras layer {target!r}, which "
                             f"{model.name!r} does not have. Received: {module}")
        for key in tensors:
            if key.rsplit(".", 1)[0] == module and key.rsplit(".", 1)[1] not in _ROLES:
                raise ValueError(f"Torch tensor {key!r} is none of {', '.join(_ROLES)}, so "
                                 f"Keras layer {target!r} cannot take it. Received: {key}")
        _load_layer(layers[target], tensors, module, flatten.get(target))
        used.add(target)
    missing = [name for name, layer in layers.items() if layer.weights and name not in used]
    if missing:
        raise ValueError(f"Keras layers of {model.name!r} without a torch tensor ({source}): "
                         f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}. "
                         f"Received: {len(tensors)} tensors")
    return model
