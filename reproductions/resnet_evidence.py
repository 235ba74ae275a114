"""Hand-derived parameter counts (arithmetic on the papers' layer tables, not our builders)
used as evidence by the deviations of the wrn, densenet and stochastic-depth tables."""

# ResNet-1202 (He et al. 2015, Sec. 4.2: 6n+2 with n=200, 16/32/64 filters, option A).
RESNET1202_CONV = 3 * 3 * (3 * 16 + 16 * 16 * 400 + 16 * 32 + 32 * 32 * 399 + 32 * 64 + 64 * 64 * 399)
RESNET1202_BN = 2 * (16 + 16 * 400 + 32 * 400 + 64 * 400)
RESNET1202_FC = 64 * 10 + 10
RESNET1202 = RESNET1202_CONV + RESNET1202_BN + RESNET1202_FC

RESNET1202_EVIDENCE = (
    "He et al. 2015 (arXiv:1512.03385) Table 6 prints 19.4M for the 1202-layer CIFAR net; by hand: "
    f"3x3 convs 9*(3*16 + 16*16*400 + 16*32 + 32*32*399 + 32*64 + 64*64*399) = {RESNET1202_CONV:,}, "
    f"BN gamma/beta {RESNET1202_BN:,}, FC {RESNET1202_FC:,}: {RESNET1202:,} = 19.4M. 10.2M is the "
    "figure of the 1001-layer pre-activation ResNet printed in the row below")

# Pre-activation ResNet-1001 (He et al. 2016: bottleneck, n=111, 16/32/64 -> 64/128/256).
PREACT1001_CONV = (9 * 3 * 16 + (16 * 16 + 9 * 16 * 16 + 16 * 64) + 110 * (64 * 16 + 9 * 16 * 16 + 16 * 64)
                   + (64 * 32 + 9 * 32 * 32 + 32 * 128) + 110 * (128 * 32 + 9 * 32 * 32 + 32 * 128)
                   + (128 * 64 + 9 * 64 * 64 + 64 * 256) + 110 * (256 * 64 + 9 * 64 * 64 + 64 * 256)
                   + 16 * 64 + 64 * 128 + 128 * 256)
PREACT1001_FC = 256 * 10 + 10
PREACT1001_BN = 2 * ((16 + 16 + 16) + 110 * (64 + 16 + 16) + (64 + 32 + 32) + 110 * (128 + 32 + 32)
                     + (128 + 64 + 64) + 110 * (256 + 64 + 64) + 256)
PREACT1001 = PREACT1001_CONV + PREACT1001_FC + PREACT1001_BN

PREACT1001_EVIDENCE = (
    f"by hand from He et al. 2016 (bottleneck units, n=111): conv weights {PREACT1001_CONV:,} "
    f"(incl. the three 1x1 projections) + FC {PREACT1001_FC:,} = "
    f"{PREACT1001_CONV + PREACT1001_FC:,} (10.2M), plus batch-norm gamma/beta {PREACT1001_BN:,} = "
    f"{PREACT1001:,} (10.3M). The other rows count batch-norm parameters (ResNet-1202's 19.4M in "
    "He et al. 2015 Table 6 is 19.3M without them; DenseNet-BC-100's 0.8M needs them)")

PREACT1001_REASON = ("counts conv and FC weights only, leaving out the 0.15M batch-norm parameters "
                     "the other rows include; with the table's own convention it is 10.3M")
