"""The block toolkit: what a new family builds with.

- :mod:`~keras_cnns.blocks.conv`: ``conv_norm_act`` and the papers' conv/BN presets;
- :mod:`~keras_cnns.blocks.residual`: shortcuts (options A/B/C), basic, bottleneck and
  pre-activation residual blocks;
- :mod:`~keras_cnns.blocks.attention`: the attention factory (``attention="se"``) and SE;
- :mod:`~keras_cnns.blocks.stages`: stage tables (``StageSpec``), ``run_stages`` and the
  nesting of deep stages;
- attention modules, each registered in the factory by name (their own modules):
  ``"cbam"`` and ``"channel"`` (:mod:`~keras_cnns.blocks.cbam`), ``"eca"``
  (:mod:`~keras_cnns.blocks.eca`), ``"cse"``, ``"sse"``, ``"scse"``
  (:mod:`~keras_cnns.blocks.scse`), ``"sk"`` and ``"split-attention"``
  (:mod:`~keras_cnns.blocks.selective_kernel`), ``"cmpe-se"``
  (:mod:`~keras_cnns.blocks.cmpe_se`), ``"residual-attention"``
  (:mod:`~keras_cnns.blocks.residual_attention`).
"""

from keras_cnns.blocks.attention import (ATTENTION, get_attention, register_attention,
                                         squeeze_excite)
from keras_cnns.blocks.conv import PRESETS, ConvPreset, batch_norm, conv, conv_norm_act, norm_act
from keras_cnns.blocks.residual import (AVG_DOWN, SHORTCUTS, STRIDE_PADDINGS, STRIDE_PLACEMENTS,
                                        basic_block, basic_branch, bottleneck_block,
                                        check_padding,
                                        preact_block, residual_merge, shortcut, strided_3x3,
                                        strided_max_pool)
from keras_cnns.blocks.stages import (MAX_BLOCKS_PER_GRAPH, MAX_FLAT_BLOCKS, StageSpec,
                                      find_layer, nested, run_stages, stage)
# Attention modules in their own files; importing them registers them in the factory.
from keras_cnns.blocks.cbam import cbam, channel_attention, spatial_attention  # noqa: I001
from keras_cnns.blocks.eca import eca, eca_kernel_size
from keras_cnns.blocks.scse import cse, scse, sse
from keras_cnns.blocks.selective_kernel import selective_kernel, split_attention
from keras_cnns.blocks.cmpe_se import cmpe_se
from keras_cnns.blocks.residual_attention import attention_module, preact_bottleneck, soft_mask

__all__ = [
    "ATTENTION", "MAX_BLOCKS_PER_GRAPH", "MAX_FLAT_BLOCKS", "PRESETS", "SHORTCUTS",
    "STRIDE_PADDINGS", "STRIDE_PLACEMENTS", "ConvPreset", "StageSpec", "basic_block", "basic_branch", "batch_norm",
    "check_padding",
    "bottleneck_block", "conv", "conv_norm_act", "find_layer", "get_attention", "nested", "norm_act",
    "preact_block", "register_attention", "residual_merge", "run_stages", "shortcut", "strided_3x3",
    "strided_max_pool",
    "squeeze_excite", "stage",
    "AVG_DOWN", "attention_module", "cbam", "channel_attention", "cmpe_se", "cse", "eca",
    "eca_kernel_size", "preact_bottleneck", "scse", "selective_kernel", "soft_mask",
    "spatial_attention", "split_attention", "sse",
]
