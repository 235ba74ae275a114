"""The block toolkit: what a new family builds with.

- :mod:`~keras_cnns.blocks.conv`: ``conv_norm_act`` and the papers' conv/BN presets;
- :mod:`~keras_cnns.blocks.residual`: shortcuts (options A/B/C), basic, bottleneck and
  pre-activation residual blocks;
- :mod:`~keras_cnns.blocks.attention`: the attention factory (``attention="se"``) and SE;
- :mod:`~keras_cnns.blocks.stages`: stage tables (``StageSpec``), ``run_stages`` and the
  nesting of deep stages.
"""

from keras_cnns.blocks.attention import (ATTENTION, get_attention, register_attention,
                                         squeeze_excite)
from keras_cnns.blocks.conv import PRESETS, ConvPreset, batch_norm, conv, conv_norm_act, norm_act
from keras_cnns.blocks.residual import (SHORTCUTS, STRIDE_PLACEMENTS, basic_block, basic_branch,
                                        bottleneck_block, preact_block, residual_merge, shortcut)
from keras_cnns.blocks.stages import (MAX_BLOCKS_PER_GRAPH, MAX_FLAT_BLOCKS, StageSpec,
                                      find_layer, nested, run_stages, stage)

__all__ = [
    "ATTENTION", "MAX_BLOCKS_PER_GRAPH", "MAX_FLAT_BLOCKS", "PRESETS", "SHORTCUTS",
    "STRIDE_PLACEMENTS", "ConvPreset", "StageSpec", "basic_block", "basic_branch", "batch_norm",
    "bottleneck_block", "conv", "conv_norm_act", "find_layer", "get_attention", "nested", "norm_act",
    "preact_block", "register_attention", "residual_merge", "run_stages", "shortcut",
    "squeeze_excite", "stage",
]
