"""Evidence shared by several papers' tables: hand-derived counts (arithmetic on the papers'
layer tables, not our builders) and the deviations and conventions they support, written once.
"""

from reproductions.cells import Deviation
from reproductions.measure import Metric

# ResNet-1202 (He et al. 2016, Sec. 4.2: 6n+2 with n=200, 16/32/64 filters, option A).
RESNET1202_CONV = 3 * 3 * (3 * 16 + 16 * 16 * 400 + 16 * 32 + 32 * 32 * 399 + 32 * 64
                           + 64 * 64 * 399)
RESNET1202_BN = 2 * (16 + 16 * 400 + 32 * 400 + 64 * 400)
RESNET1202_FC = 64 * 10 + 10
RESNET1202 = RESNET1202_CONV + RESNET1202_BN + RESNET1202_FC

#: "10.2M" printed for the 1202-layer CIFAR ResNet (with or without stochastic depth) in the
#: WRN, DenseNet and lecture tables.
RESNET1202_PARAMS = Deviation(
    "the 1202-layer ResNet is given 10.2M, the parameter count of the 1001-layer ResNet with "
    "the original residual units in the row next to it in He et al. 2016b (Identity Mappings, "
    "arXiv:1603.05027) Table 4, where the WRN table also took its CIFAR-100 error (27.82)",
    "He et al. 2016b Table 4 prints 'ResNet-1202 [1] (19.4M) 7.93' and, for CIFAR-100, "
    "'ResNet-1001 [1] (10.2M) 27.82'; He et al. 2016 (arXiv:1512.03385) Table 6 prints 19.4M "
    "for the 1202-layer net; by hand: 3x3 convs 9*(3*16 + 16*16*400 + 16*32 + 32*32*399 + "
    f"32*64 + 64*64*399) = {RESNET1202_CONV:,}, batch-norm gamma/beta {RESNET1202_BN:,}, FC "
    f"{RESNET1202_FC:,}: {RESNET1202:,} = 19.4M", corrected="19.4", kind="copied-row")

# Pre-activation ResNet-1001 (He et al. 2016b: bottleneck units, n=111, 16/32/64 -> 64/128/256).
PREACT1001_CONV = (9 * 3 * 16 + (16 * 16 + 9 * 16 * 16 + 16 * 64)
                   + 110 * (64 * 16 + 9 * 16 * 16 + 16 * 64)
                   + (64 * 32 + 9 * 32 * 32 + 32 * 128) + 110 * (128 * 32 + 9 * 32 * 32 + 32 * 128)
                   + (128 * 64 + 9 * 64 * 64 + 64 * 256) + 110 * (256 * 64 + 9 * 64 * 64 + 64 * 256)
                   + 16 * 64 + 64 * 128 + 128 * 256)
PREACT1001_FC = 256 * 10 + 10

#: He et al. 2016b print 10.2M for ResNet-1001: its conv and fc weights and the fc bias,
#: without the batch-norm parameters (10,178,490; with them 10.33M).
CONV_FC_WEIGHTS = Metric(
    "conv and fc weights and the fc bias, batch-norm parameters not counted: the convention of "
    f"He et al. 2016b's 10.2M for ResNet-1001 (by hand {PREACT1001_CONV:,} + "
    f"{PREACT1001_FC:,} = {PREACT1001_CONV + PREACT1001_FC:,})",
    lambda m: m.profile.weights + m.profile.total("biases"))
