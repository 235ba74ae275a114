"""WRN Table 1 (Zagoruyko & Komodakis 2016, arXiv:1605.07146v4) beyond its printed numbers,
which reproductions/wrn.py checks as cells: the ``×N`` of each group and the caption's
"downsampling performed by the first layers in groups conv3 and conv4", for every network of
Table 4. N is ``(depth - 4) / 6`` and a block gets a 1x1 projection only where its width or
resolution changes, as in the authors' code (``models/wide-resnet.lua``)."""

import keras
import pytest

from reproductions._graph import stage_blocks
from reproductions.measure import measure
from reproductions.wrn import TABLE4_ROWS


@pytest.mark.parametrize("depth, k", [(depth, k) for depth, k, *_ in TABLE4_ROWS])
def test_blocks_per_group_and_downsampling(depth, k):
    model = measure(f"wrn-{depth}-{k}").model
    for group in (2, 3, 4):
        assert len(stage_blocks(model, group)) == (depth - 4) // 6, f"conv{group}"
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    strided = {layer.name for layer in convs if tuple(layer.strides) != (1, 1)}
    assert strided == {"conv3_block1_1_conv", "conv3_block1_0_conv",
                       "conv4_block1_1_conv", "conv4_block1_0_conv"}
    projections = {layer.name for layer in convs if layer.name.endswith("_0_conv")}
    # conv2's first block widens 16 -> 16k: a projection only when k > 1 (identity for k = 1).
    expected = {"conv3_block1_0_conv", "conv4_block1_0_conv"} | (
        {"conv2_block1_0_conv"} if k > 1 else set())
    assert projections == expected
