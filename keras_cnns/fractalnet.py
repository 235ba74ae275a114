"""FractalNet, Larsson, Maire & Shakhnarovich, FractalNet: Ultra-Deep Neural Networks without
Residuals, ICLR 2017 (arXiv:1605.07648), Sec. 2 (Fig. 1), Sec. 3.1 and Sec. 4.

A fractal block of ``C`` columns follows the expansion rule (Sec. 2)::

    f_1(z)     = conv(z)
    f_{C+1}(z) = join(f_C(f_C(z)), conv(z))

where ``conv`` is a 3x3 convolution with batch normalisation and ReLU and ``join`` is the
element-wise mean. Column ``c`` (1 = shallowest) holds ``2^(c-1)`` convolutions, the deepest
``2^(C-1)``; a block holds ``2^C - 1``. ``B`` blocks, each followed by 2x2 max pooling, make
a network of depth ``B * 2^(C-1)`` convolutions on its deepest path (Fig. 1: B = 5, C = 4,
depth 40). The CIFAR networks of Sec. 4 have B = 5 blocks of 64, 128, 256, 512, 512 filters
(five poolings take 32x32 to 1x1); the 20-layer net has C = 3, the 40-layer net C = 4.
Dropout (Sec. 4: "we fix drop rate per block at (0%, 10%, 20%, 30%, 40%)") and drop-path
(Sec. 3.1: local drop rate 0.15, half the mini-batches global) are training-time only
(:mod:`keras_cnns.layers.drop_path`).

From the authors' Caffe code (``gustavla/fractalnet``, ``generation/fractalnet.py`` and
``globals.crox``): the dropout of a block's convolutions sits right after each convolution,
before its batch norm; the last join of a block comes after the pooling (each column is
pooled, then joined); the classifier is one fully-connected layer on the 1x1x512 output of
the last block (here :meth:`Head.classifier`: its global average pooling of a 1x1 map is the
identity, then the ``predictions`` layer).

Departures, named: convolutions have no bias and the batch norms have a scale and shift
(gamma, beta); the authors' Caffe convolutions carry a bias and their ``BatchNorm`` layers
none (no ``Scale`` layer follows them). Dropped join inputs are still computed (masked), as
in the authors' join layer.
"""

from __future__ import annotations

import keras

from keras_cnns import registry
from keras_cnns.arguments import check_int, check_number, check_rate, fail
from keras_cnns.blocks import batch_norm, conv
from keras_cnns.contract import Head
from keras_cnns.layers.drop_path import DropPathSampler, FractalJoin

PAPER = ("Larsson, Maire & Shakhnarovich, FractalNet: Ultra-Deep Neural Networks without "
         "Residuals, ICLR 2017 (arXiv:1605.07648)")
PRESET = "keras"
#: Sec. 4: filters of the five CIFAR blocks, and the dropout rate of each block.
FILTERS = (64, 128, 256, 512, 512)
DROPOUT = (0.0, 0.1, 0.2, 0.3, 0.4)
#: Sec. 3.1 / Sec. 4: local drop-path rate and the share of global mini-batches.
DROP_PATH = 0.15
GLOBAL_RATE = 0.5
#: The registered CIFAR nets: depth -> columns C (B = 5).
DEPTHS = {20: 3, 40: 4}


def column_convs(columns: int) -> list[int]:
    """Convolutions of each column of ``f_C``, shallowest first: ``1, 2, ..., 2^(C-1)``."""
    return [2 ** c for c in range(columns)]


def _unit(x, filters, *, name, dropout):
    """conv (3x3) -> dropout -> BN -> ReLU, in the authors' order."""
    x = conv(x, filters, 3, name=f"{name}_conv", preset=PRESET)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"{name}_dropout")(x)
    x = batch_norm(x, name=f"{name}_bn", preset=PRESET)
    return keras.layers.Activation("relu", name=f"{name}_relu")(x)


class _Block:
    """Builds one fractal block: numbered convolutions and joins, all sharing ``sample``."""

    def __init__(self, name, filters, columns, dropout, drop_path, sample, seed):
        self.name, self.filters, self.columns = name, filters, columns
        self.dropout, self.drop_path, self.sample, self.seed = dropout, drop_path, sample, seed
        self.convs = [0] * columns  # convolutions built so far in each column
        self.joins = 0

    def conv(self, z, column):
        self.convs[column] += 1
        return _unit(z, self.filters, dropout=self.dropout,
                     name=f"{self.name}_col{column + 1}_{self.convs[column]}")

    def join(self, outputs, columns):
        """The mean of the columns' ``outputs`` (a single output passes through)."""
        if len(outputs) == 1:
            return outputs[0]
        self.joins += 1
        seed = None if self.seed is None else self.seed + self.joins
        return FractalJoin([c for c in columns], self.drop_path, seed=seed,
                           name=f"{self.name}_join{self.joins}")([*outputs, self.sample])

    def expand(self, z, level):
        """The unjoined outputs of ``f_level(z)`` (its columns ``C - level .. C - 1``,
        shallowest first)."""
        column = self.columns - level
        if level == 1:
            return [self.conv(z, column)], [column]
        inner, inner_columns = self.expand(z, level - 1)
        outer, outer_columns = self.expand(self.join(inner, inner_columns), level - 1)
        return [self.conv(z, column)] + outer, [column] + outer_columns


def fractal_block(x, filters: int, columns: int, *, name: str, sample, dropout: float = 0.0,
                  drop_path: float = DROP_PATH, seed: int | None = None):
    """``f_C`` (``columns``) of ``filters`` 3x3 units, each column 2x2 max-pooled, then the
    block's last join (the authors' order)."""
    block = _Block(name, filters, columns, dropout, drop_path, sample, seed)
    outputs, indices = block.expand(x, columns)
    pooled = [keras.layers.MaxPooling2D(2, name=f"{name}_col{c + 1}_pool")(y)
              for y, c in zip(outputs, indices)]
    return block.join(pooled, indices)


def _check_rates(name, value, blocks):
    if isinstance(value, (list, tuple)):
        if len(value) != blocks:
            fail(f"`{name}` must be a rate in [0, 1) or one rate per block ({blocks}).",
                 name, value)
        for rate in value:
            check_rate(name, rate)
        return tuple(float(r) for r in value)
    check_rate(name, value)
    return (float(value),) * blocks


@registry.register(
    "fractalnet", paper=PAPER, reproduction="densenet", input_shape=(32, 32, 3), classes=10,
    min_size=32,
    names=[registry.name("fractalnet-{depth}", where=lambda a: a["depth"] in DEPTHS),
           registry.name("fractalnet-c{columns}-b{blocks}")],
    models=["fractalnet-20", "fractalnet-40"],
    aliases={"fractalnet20": "fractalnet-20", "fractalnet40": "fractalnet-40"},
    smallest="fractalnet-c2-b1")
def FractalNet(depth: int | None = None, columns: int | None = None, blocks: int = 5,
               filters=None, dropout=DROPOUT, drop_path: float = DROP_PATH,
               global_rate: float = GLOBAL_RATE, seed: int | None = 0, *,
               include_top: bool = True, weights=None, input_tensor=None, input_shape=None,
               pooling=None, classes: int = 10, classifier_activation="softmax",
               name: str | None = None) -> keras.Model:
    """FractalNet of ``blocks`` (B) fractal blocks of ``columns`` (C) columns (Sec. 4).

    Args:
        depth: 20 (C = 3) or 40 (C = 4), the CIFAR nets of Sec. 4 (B = 5); give either
            ``depth`` or ``columns``.
        columns: C >= 1, the number of columns of every block.
        blocks: B, 1 to 5 (five 2x2 poolings take a 32x32 input to 1x1).
        filters: filters of each block; default the first ``blocks`` of Sec. 4's 64, 128,
            256, 512, 512.
        dropout: one rate, or one rate per block (default Sec. 4's 0, 0.1, 0.2, 0.3, 0.4 for
            the first ``blocks`` blocks).
        drop_path: local drop-path rate of every join input, in [0, 1) (0.15; 0 and
            ``global_rate=0`` turn drop-path off).
        global_rate: probability that a mini-batch uses global drop-path, in [0, 1] (0.5).
        seed: seed of the drop-path draws (``None``: unseeded).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name: as in ``keras.applications``; the default input is
            32x32x3.
    """
    if columns is not None:
        check_int("columns", columns, 1, "FractalNet `columns` (C) must be an integer >= 1.")
    if depth is not None:
        check_choice_depth(depth)
        if columns is not None and columns != DEPTHS[depth]:
            fail(f"FractalNet-{depth} has {DEPTHS[depth]} columns; give depth or columns.",
                 "columns", columns)
        columns = DEPTHS[depth]
    elif columns is None:
        columns = 3
    check_int("columns", columns, 1, "FractalNet `columns` (C) must be an integer >= 1.")
    check_int("blocks", blocks, 1, "FractalNet `blocks` (B) must be an integer >= 1.")
    if blocks > len(FILTERS):
        fail(f"FractalNet `blocks` (B) must be at most {len(FILTERS)} (each block halves the "
             "32x32 input).", "blocks", blocks)
    if filters is None:
        filters = FILTERS[:blocks]
    if (not isinstance(filters, (list, tuple)) or len(filters) != blocks
            or not all(isinstance(f, int) and not isinstance(f, bool) and f >= 1
                       for f in filters)):
        fail(f"FractalNet `filters` must list one integer >= 1 per block ({blocks}).",
             "filters", filters)
    if dropout is DROPOUT:
        dropout = DROPOUT[:blocks]
    dropout = _check_rates("dropout", dropout, blocks)
    check_rate("drop_path", drop_path)
    check_number("global_rate", global_rate, 0.0, 1.0,
                 rule="`global_rate` must be a probability in [0, 1].")
    if seed is not None:
        check_int("seed", seed, 0, "`seed` must be None or an integer >= 0.")
    head = Head(include_top, weights, input_tensor, input_shape, pooling, classes,
                classifier_activation, name)
    inputs, x = head.inputs((32, 32, 3), min_size=2 ** blocks, model_name="FractalNet")
    sample = DropPathSampler(columns, global_rate, seed=seed, name="drop_path")(x)
    for index, (width, rate) in enumerate(zip(filters, dropout), start=1):
        x = fractal_block(x, width, columns, name=f"block{index}", sample=sample,
                          dropout=rate, drop_path=drop_path,
                          seed=None if seed is None else seed + 1000 * index)
    default = (f"fractalnet{depth}" if depth is not None
               else f"fractalnet_c{columns}_b{blocks}")
    return head.model(inputs, head.classifier(x), default)


def check_choice_depth(depth) -> None:
    from keras_cnns.arguments import check_choice

    check_choice("depth", depth, DEPTHS,
                 "FractalNet depth must be 20 (C = 3) or 40 (C = 4), Sec. 4's CIFAR nets; "
                 "give `columns` for others.")
