"""CBAM (Woo et al. 2018): the ImageNet row we can source (ResNet-50 + CBAM of Table 4), its
parameters and GFLOPs, and the module's structure (channel MLP widths, spatial kernel) read
from the built networks. The ResNeXt-101 (32x4d) + CBAM row of Khan et al. 2020's survey is
checked in :mod:`reproductions.survey`, with this module's conventions.

Conventions: parameters are trainable parameters (the authors' PyTorch count: weights,
biases, batch-norm gamma/beta); GFLOPs are conv/fc multiply-adds with the stride on the
first 1x1 of a downsampling bottleneck (Table 4's ResNet-50 3.858 and ResNeXt-50 3.768 are
that placement's counts; see ``keras_cnns.cbam``).
"""

from __future__ import annotations

from reproductions._attention import MACS, TRAINABLE
from reproductions.cells import Published, TableSpec, check_tables, published
from reproductions.measure import measure

KEY = "cbam"
PAPER = ("Woo, Park, Lee & Kweon, CBAM: Convolutional Block Attention Module, ECCV 2018 "
         "(arXiv:1807.06521)")

T4 = ("Woo et al. 2018, Table 4 'Classification results on ImageNet-1K', row 'ResNet50 + "
      "CBAM' (its Param. and GFLOPs columns as quoted in this project's task statement; the "
      "paper's own text was not available to check)")
MODULE = ("Woo et al. 2018, Sec. 3: channel attention MLP 'C/r' hidden units with reduction "
          "ratio r = 16 (Sec. 4.1 uses r = 16 for SE and CBAM alike), spatial attention "
          "'f^{7x7}' (Eq. 3)")

PARAMS = TRAINABLE.described("trainable parameters: conv/fc weights, MLP and fc biases, "
                             "batch-norm gamma/beta (moving statistics not counted)")
GFLOPS = MACS.described("multiply-adds of conv and fc layers (the attention MLPs count once "
                        "per pooled descriptor); stride on the first 1x1 of a downsampling "
                        "bottleneck")

TABLE4 = [
    Published(T4, "ResNet50 + CBAM", "Param.", "28.09", "M", model="cbam-resnet-50",
              metric=PARAMS),
    Published(T4, "ResNet50 + CBAM", "GFLOPs", "3.864", "G", model="cbam-resnet-50",
              metric=GFLOPS),
]

#: Channel-MLP hidden units per stage of ResNet-50 + CBAM: C/16 of 256, 512, 1024, 2048.
_HIDDEN = (("conv2", "16"), ("conv3", "32"), ("conv4", "64"), ("conv5", "128"))
STRUCTURE = ([Published(MODULE, f"ResNet50 + CBAM {stage}", "channel MLP hidden units", printed,
                        convention="C/r, r = 16; every block of the stage")
              for stage, printed in _HIDDEN]
             + [Published(MODULE, "ResNet50 + CBAM", "spatial kernel", "7",
                          convention="f^{7x7} of Eq. 3; every block")])


def _structure() -> dict:
    model = measure("cbam-resnet-50").model
    ours = {}
    for stage, _ in _HIDDEN:
        units = {layer.units for layer in model.layers
                 if layer.name.startswith(f"{stage}_") and layer.name.endswith("_cbam_mlp_reduce")}
        ours[(f"ResNet50 + CBAM {stage}", "channel MLP hidden units")] = (
            units.pop() if len(units) == 1 else -1)
    kernels = {layer.kernel_size for layer in model.layers
               if layer.name.endswith("_cbam_spatial_conv")}
    ours[("ResNet50 + CBAM", "spatial kernel")] = (
        kernels.pop()[0] if len(kernels) == 1 else -1)
    return ours


def _details() -> str:
    rows = []
    for label, name in [("ResNet-18 (B shortcuts)", "resnet-18-b"), ("ResNet-18 + SE", "se-resnet-18"),
                        ("ResNet-18 + CBAM", "cbam-resnet-18"),
                        ("ResNet-34 (B shortcuts)", "resnet-34-b"), ("ResNet-34 + SE", "se-resnet-34"),
                        ("ResNet-34 + CBAM", "cbam-resnet-34"),
                        ("ResNet-50", "resnet-50"), ("ResNet-50 + SE", "se-resnet-50"),
                        ("ResNet-50 + CBAM", "cbam-resnet-50"),
                        ("ResNet-101", "resnet-101"), ("ResNet-101 + SE", "se-resnet-101"),
                        ("ResNet-101 + CBAM", "cbam-resnet-101"),
                        ("WideResNet-18 (widen 1.5)", "wideresnet-18-1.5"),
                        ("WideResNet-18 (widen 1.5) + SE", "se-wideresnet-18-1.5"),
                        ("WideResNet-18 (widen 1.5) + CBAM", "cbam-wideresnet-18-1.5"),
                        ("WideResNet-18 (widen 2.0)", "wideresnet-18-2.0"),
                        ("WideResNet-18 (widen 2.0) + SE", "se-wideresnet-18-2.0"),
                        ("WideResNet-18 (widen 2.0) + CBAM", "cbam-wideresnet-18-2.0"),
                        ("ResNeXt-50 (32x4d)", "resnext-50-32x4d-v1"),
                        ("ResNeXt-50 (32x4d) + SE", "se-resnext-50-32x4d-v1"),
                        ("ResNeXt-50 (32x4d) + CBAM", "cbam-resnext-50-32x4d-v1"),
                        ("ResNeXt-101 (32x4d)", "resnext-101-32x4d-v1"),
                        ("ResNeXt-101 (32x4d) + SE", "se-resnext-101-32x4d-v1"),
                        ("ResNeXt-101 (32x4d) + CBAM", "cbam-resnext-101-32x4d-v1"),
                        ("MobileNet (alpha 0.7)", "mobilenet-0.7-224"),
                        ("MobileNet (alpha 0.7) + SE", "se-mobilenet-0.7"),
                        ("MobileNet (alpha 0.7) + CBAM", "cbam-mobilenet-0.7"),
                        ("MobileNet", "mobilenet-1.0-224"), ("MobileNet + SE", "se-mobilenet-1.0"),
                        ("MobileNet + CBAM", "cbam-mobilenet-1.0")]:
        stats = measure(name).profile
        rows.append(f"| {label} | `{name}` | {stats.total('trainable') / 1e6:.2f} | "
                    f"{stats.macs / 1e9:.3f} |")
    return ("Every network of Tables 4 and 5 as we build them (trainable parameters in "
            "millions, conv/fc multiply-adds in 10^9; stride on the first 1x1; projection "
            "shortcuts for ResNet-18/34; the MobileNets have the module after all 27 "
            "convolutions). Only the cells above have a source we could check; these rows "
            "are our figures, not checked cells:\n\n| network | registry name | params (M) | "
            "GFLOPs |\n|---|---|---|---|\n" + "\n".join(rows))


TABLES = [
    TableSpec("table4", "Table 4: ResNet-50 + CBAM (ImageNet)", T4, TABLE4, details=_details),
    TableSpec("module", "The CBAM module in ResNet-50 + CBAM", MODULE, STRUCTURE, _structure),
]
PUBLISHED = published(TABLES)


def tables():
    return check_tables(KEY, TABLES)
