"""Stage tables and the one place that decides how deep stages are built.

A paper's architecture table becomes a tuple of :class:`StageSpec` rows (as in the TF Model
Garden's ``official/vision`` backbones): a stage name, its number of blocks ``n``, their
output channels ``c``, the stride ``s`` of its first block, and block options; MobileNetV2's
``(t, c, n, s)`` rows, ResNet's stages, DenseNet's dense blocks and an Inception stage's
modules (``per_block`` options) all fit. :func:`run_stages` applies them.

Nesting: a network of more than :data:`MAX_FLAT_BLOCKS` blocks has each stage built as a
nested functional model named after the stage, and a stage of more than
:data:`MAX_BLOCKS_PER_GRAPH` blocks further split into nested parts ``<stage>_part<i>``.
Keras walks functional graphs recursively, and a flat graph of a thousand-layer network
overflows Python's recursion limit; nothing global is changed. Shallower networks are flat,
as keras.applications builds them (``model.get_layer("conv3_block1_out")``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import keras

from keras_cnns.arguments import check_choice, check_int

__all__ = ["MAX_BLOCKS_PER_GRAPH", "MAX_FLAT_BLOCKS", "StageSpec", "find_layer", "nested",
           "run_stages", "stage"]

#: Networks with more blocks than this nest their stages (DenseNet-201's 98 stay flat).
MAX_FLAT_BLOCKS = 100
#: Most blocks one nested graph holds before a stage is split into parts.
MAX_BLOCKS_PER_GRAPH = 24


@dataclasses.dataclass(frozen=True)
class StageSpec:
    """One row of a stage table: ``repeats`` blocks of ``filters`` output channels, the
    first (or, with ``stride_block="last"``, the last: TF-slim's ResNets) with stride
    ``strides``; ``options`` go to every block, ``per_block[i]`` to block ``i`` only."""

    name: str
    repeats: int
    filters: int
    strides: int = 1
    options: Mapping = dataclasses.field(default_factory=dict)
    per_block: Sequence[Mapping] = ()
    stride_block: str = "first"

    def __post_init__(self):
        check_int("repeats", self.repeats, 0)
        check_int("filters", self.filters)
        check_int("strides", self.strides)
        check_choice("stride_block", self.stride_block, ("first", "last"),
                     "A stage's stride goes to its 'first' or its 'last' block.")
        if self.per_block and len(self.per_block) != self.repeats:
            raise ValueError(f"Stage {self.name}: per_block has {len(self.per_block)} entries "
                             f"for {self.repeats} blocks. Received: per_block={self.per_block}")


def _block_name(spec: StageSpec, index: int, number: int) -> str:
    return f"{spec.name}_block{index}"


def run_stages(x, stages: Sequence[StageSpec], block: Callable, *,
               between: Callable | None = None,
               block_name: Callable[[StageSpec, int, int], str] = _block_name,
               numbered: Callable[[int], Mapping] | None = None,
               nest: bool | None = None, **common):
    """Apply every stage's blocks: ``block(x, spec.filters, strides, name=..., **options)``.

    The first block of a stage (its last, with ``spec.stride_block="last"``) gets
    ``spec.strides``, the others 1. ``block_name(spec,
    index, number)`` names block ``index`` (from 1) of the stage, ``number`` counting blocks
    across the network (from 1); the default is ``<stage>_block<index>``.
    ``numbered(number)`` gives options that depend on a block's number in the network
    (stochastic depth's survival probabilities, PyramidNet's widths). ``between(x,
    spec)`` runs after every stage but the last (DenseNet's transitions). ``nest`` forces or
    forbids nested stages; by default they nest above :data:`MAX_FLAT_BLOCKS` blocks.
    """
    stages = tuple(stages)
    if nest is None:
        nest = sum(spec.repeats for spec in stages) > MAX_FLAT_BLOCKS
    number = 0
    for position, spec in enumerate(stages):
        blocks = []
        for index in range(1, spec.repeats + 1):
            number += 1
            options = {**common, **spec.options,
                       **(spec.per_block[index - 1] if spec.per_block else {}),
                       **(numbered(number) if numbered else {})}
            strided = index == (1 if spec.stride_block == "first" else spec.repeats)
            blocks.append(_bind(block, spec.filters, spec.strides if strided else 1,
                                block_name(spec, index, number), options))
        x = stage(x, blocks, spec.name) if nest else _chain(x, blocks)
        if between is not None and position < len(stages) - 1:
            x = between(x, spec)
    return x


def _bind(block, filters, strides, name, options):
    return lambda t: block(t, filters, strides, name=name, **options)


def _chain(x, blocks):
    for block in blocks:
        x = block(x)
    return x


def nested(x, fn, name: str):
    """Run ``fn`` (tensor -> tensor) as a nested functional ``keras.Model`` called on ``x``."""
    inputs = keras.Input(shape=tuple(x.shape[1:]), name=f"{name}_input")
    return keras.Model(inputs, fn(inputs), name=name)(x)


def stage(x, blocks, name: str, max_blocks: int | None = None):
    """Apply ``blocks`` (tensor -> tensor functions) as one nested model named ``name``,
    split into nested parts ``<name>_part<i>`` of at most ``max_blocks`` blocks (default
    :data:`MAX_BLOCKS_PER_GRAPH`)."""
    blocks = list(blocks)
    max_blocks = MAX_BLOCKS_PER_GRAPH if max_blocks is None else max_blocks
    if len(blocks) <= max_blocks:
        return nested(x, lambda t: _chain(t, blocks), name)
    parts = [blocks[i:i + max_blocks] for i in range(0, len(blocks), max_blocks)]

    def run_parts(tensor):
        for index, chunk in enumerate(parts, start=1):
            tensor = nested(tensor, lambda t, chunk=chunk: _chain(t, chunk),
                            f"{name}_part{index}")
        return tensor

    return nested(x, run_parts, name)


def find_layer(model: keras.Model, name: str) -> keras.layers.Layer:
    """The layer called ``name`` anywhere in ``model``, inside nested stages too
    (``find_layer(resnet1202, "conv3_block1_1_conv")``)."""
    for layer in model.layers:
        if layer.name == name:
            return layer
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            try:
                return find_layer(layer, name)
            except ValueError:
                pass
    raise ValueError(f"{model.name} has no layer named {name!r}. Received: name={name!r}")
