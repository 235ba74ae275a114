"""Counting conventions and cell helpers shared by the attention papers' reproductions
(CBAM, ECA-Net, SKNet, ResNeSt, Residual Attention Network): each is a
:class:`~reproductions.measure.Metric`, so the text a cell prints as its convention and the
number it computes cannot diverge."""

from __future__ import annotations

from keras_cnns.complexity import ModelProfile
from reproductions import spreads
from reproductions.cells import Published
from reproductions.measure import MACS, TRAINABLE, Metric

__all__ = ["DEPTH", "MACS", "MACS_BN", "SELECT_OPS",
           "THOP", "TRAINABLE", "accuracy", "ops_of", "spread_of", "trunk_depth"]


def ops_of(profile: ModelProfile, *types: str) -> int:
    """Other ops of the leaf layers of ``types`` (e.g. ``"RadixSelect"``)."""
    return sum(layer.other_ops for layer in profile.layers if layer.type in types)


def _bn_outputs(profile: ModelProfile) -> int:
    return ops_of(profile, "BatchNormalization") // 2  # the engine counts 2 per output


MACS_BN = Metric("multiply-adds of conv and fc layers plus one op per batch-norm output (the "
                 "scale of an inference-time BN)",
                 lambda m: m.profile.macs + _bn_outputs(m.profile))
SELECT_OPS = Metric("multiply-adds of conv and fc layers plus the attention-weighted sum of "
                    "the SK/split-attention branches (RadixSelect: softmax and 2M-1 ops per "
                    "output element)",
                    lambda m: m.profile.macs + ops_of(m.profile, "RadixSelect"))


def _thop(m) -> float:
    p = m.profile
    dense = [layer for layer in p.layers if layer.type == "Dense"]
    conv = p.macs - sum(layer.macs for layer in dense)
    fc = sum(2 * layer.macs - layer.output_shape[-1] for layer in dense)
    pools = sum(layer.other_ops + layer.output_shape[-1] for layer in p.layers
                if layer.type == "GlobalAveragePooling2D")
    return conv + fc + 4 * _bn_outputs(p) + pools


THOP = Metric("the thop counter's rules of 2019 (pytorch-OpCounter count_hooks.py): conv "
              "multiply-adds, fc 2n-1 ops per output, 4 ops per batch-norm output, (k+1) per "
              "adaptive-average-pool output, ReLU and max pooling 0", _thop)

def trunk_depth(model) -> int:
    """Weight layers on the deepest path of ``model`` counting :func:`_trunk_layer` layers;
    a nested model (a stage or module) adds its own trunk depth."""
    import keras

    depth: dict[str, int] = {}
    for layer in model.layers:  # topological order
        parents = [t._keras_history.operation for node in layer._inbound_nodes
                   for t in node.input_tensors]
        before = max((depth.get(p.name, 0) for p in parents), default=0)
        own = trunk_depth(layer) if isinstance(layer, keras.Model) else int(_trunk_layer(layer))
        depth[layer.name] = before + own
    return max(depth.values())


DEPTH = Metric("weight layers (conv and fc) on the deepest path, the attention mask, the "
               "attention modules' own layers and projection shortcuts excluded (the trunk "
               "depth the papers name their models by)", lambda m: trunk_depth(m.model))


def _trunk_layer(layer) -> bool:
    import keras

    if not isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
        return False
    name = layer.name
    return "_mask" not in name and not name.endswith("_0_conv") and not any(
        part in name for part in ("_se_", "_cbam_", "_eca_", "_cmpe_", "_splat_fc", "_fc1",
                                  "_fc2"))


def spread_of(column: str) -> spreads.Spread:
    """The run-to-run spread for an error column: CIFAR-100, CIFAR-10, ImageNet top-5, else
    ImageNet top-1 (:mod:`reproductions.spreads`)."""
    text = column.lower()
    if "c100" in text or "cifar-100" in text:
        return spreads.CIFAR100
    if "c10" in text or "cifar-10" in text:
        return spreads.CIFAR10
    if "top-5" in text or "top5" in text:
        return spreads.IMAGENET_TOP5
    return spreads.IMAGENET_TOP1


def accuracy(source: str, row: str, column: str, printed: str, spread=None, *,
             model: str | None = None, **kwargs) -> Published:
    """An accuracy cell (not run until a training run is in the ledger), its tolerance two
    standard deviations of the run-to-run spread of its dataset (:func:`spread_of`)."""
    return spreads.accuracy(source, row, column, printed, spread or spread_of(column),
                            model=model, **kwargs)
