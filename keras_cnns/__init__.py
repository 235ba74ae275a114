"""keras-cnns: Keras 3 builders of the classic CNN papers, with their published tables
reproduced and checked.

Builders take the paper's arguments, then the keras.applications head arguments
(:mod:`keras_cnns.contract`). Every model is also reachable by name through the registry:
``keras_cnns.list_models()``, ``keras_cnns.create_model("wrn-28-10")``,
``keras_cnns.model_info("resnet-50")``; ``keras_cnns.feature_extractor`` gives a backbone's
stage outputs; ``keras_cnns.profile`` counts parameters, multiply-adds and activations;
``keras_cnns.receptive_field`` gives each layer's receptive field, stride and padding.
"""

from keras_cnns.registry import create_model, list_models, model_info  # noqa: I001
from keras_cnns.complexity import profile
from keras_cnns.features import feature_extractor
from keras_cnns.receptive_fields import receptive_field
from keras_cnns.layers import (ChannelShuffle, LocalResponseNormalization, StochasticDepth,
                               ZeroPadShortcut)
from keras_cnns.blocks import squeeze_excite

# Families, in the order their names are resolved (each module registers itself).
from keras_cnns.vgg import VGG, VGG11, VGG13, VGG16, VGG19
from keras_cnns.lenet import LeNet5
from keras_cnns.alexnet import AlexNet, ZFNet
from keras_cnns.googlenet import GoogLeNet
from keras_cnns.resnet import ResNet, ResNet18, ResNet34, ResNet50, ResNet101, ResNet152
from keras_cnns.resnet_cifar import ResNetCIFAR
from keras_cnns.preact_resnet import PreActResNet
from keras_cnns.wide_resnet import WideResNet
from keras_cnns.stochastic_depth import StochasticDepthResNet
from keras_cnns.densenet import (DenseNet, DenseNet121, DenseNet161, DenseNet169, DenseNet201,
                                 DenseNet264, DenseNetBC, DenseNetImageNet)
from keras_cnns.resnext import ResNeXt, ResNeXt50, ResNeXt101, ResNeXtCIFAR
from keras_cnns.senet import SEResNet, SEResNet50, SEResNeXt, SEResNeXt50
from keras_cnns.mobilenet import MobileNet
from keras_cnns.mobilenet_v2 import MobileNetV2
from keras_cnns.mobilenet_v3 import MobileNetV3, MobileNetV3Large, MobileNetV3Small
from keras_cnns.shufflenet import ShuffleNet
from keras_cnns.efficientnet import (EfficientNet, EfficientNetB0, EfficientNetB1, EfficientNetB2,
                                     EfficientNetB3, EfficientNetB4, EfficientNetB5,
                                     EfficientNetB6, EfficientNetB7)
from keras_cnns.cbam import CBAMMobileNet, CBAMResNet
from keras_cnns.eca import ECAMobileNetV2, ECAResNet
from keras_cnns.sknet import SKNet, SKNet50
from keras_cnns.resnet_d import ResNet50D, ResNetD
from keras_cnns.resnest import ResNeSt, ResNeSt50, ResNeSt101
from keras_cnns.residual_attention import ResidualAttentionNet, ResidualAttentionNetCIFAR
from keras_cnns.cmpe_se import CMPESEWideResNet
from keras_cnns.inception import BNInception, InceptionV3
from keras_cnns.inception_v4 import (InceptionResNet, InceptionResNetV1, InceptionResNetV2,
                                     InceptionV4)
from keras_cnns.xception import Xception
from keras_cnns.pyramidnet import PyramidNet, PyramidNetImageNet
from keras_cnns.tiny_nets import TinyCNN
from keras_cnns.fractalnet import FractalNet
from keras_cnns.preact_resnet import PreActResNetImageNet
from keras_cnns.wide_resnet import WideResNetImageNet
from keras_cnns.nin import NIN
from keras_cnns.all_cnn import AllCNN
from keras_cnns.highway import HighwayNet
from keras_cnns import training  # recipes and the training engine; imports no builder
from keras_cnns import pretrained  # weights="imagenet" through the keras.applications twins

__version__ = "0.1.0"


def __getattr__(name):
    """``keras_cnns.export`` (SavedModel and TFLite export) is imported on first use, so that
    ``python -m keras_cnns.export`` runs it as a fresh module."""
    if name == "export":
        import importlib

        return importlib.import_module("keras_cnns.export")
    raise AttributeError(f"module 'keras_cnns' has no attribute {name!r}")


__all__ = [
    "export", "pretrained",
    "create_model", "list_models", "model_info", "feature_extractor", "profile",
    "receptive_field",
    "ChannelShuffle", "LocalResponseNormalization", "StochasticDepth", "ZeroPadShortcut",
    "squeeze_excite",
    "VGG", "VGG11", "VGG13", "VGG16", "VGG19",
    "LeNet5", "AlexNet", "ZFNet", "GoogLeNet",
    "ResNet", "ResNet18", "ResNet34", "ResNet50", "ResNet101", "ResNet152",
    "ResNetCIFAR", "PreActResNet", "WideResNet", "StochasticDepthResNet",
    "DenseNet", "DenseNetBC", "DenseNetImageNet", "DenseNet121", "DenseNet169", "DenseNet201",
    "DenseNet264", "DenseNet161",
    "ResNeXt", "ResNeXt50", "ResNeXt101", "ResNeXtCIFAR",
    "SEResNet", "SEResNet50", "SEResNeXt", "SEResNeXt50",
    "MobileNet", "MobileNetV2", "MobileNetV3", "MobileNetV3Large", "MobileNetV3Small",
    "ShuffleNet", "TinyCNN",
    "EfficientNet", "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
    "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
    "CBAMResNet", "CBAMMobileNet", "ECAResNet", "ECAMobileNetV2", "SKNet", "SKNet50", "ResNetD",
    "ResNet50D", "ResNeSt", "ResNeSt50", "ResNeSt101", "ResidualAttentionNet",
    "ResidualAttentionNetCIFAR", "CMPESEWideResNet",
    "BNInception", "InceptionV3", "InceptionV4", "InceptionResNet", "InceptionResNetV1",
    "InceptionResNetV2", "Xception",
    "PyramidNet", "PyramidNetImageNet",
    "FractalNet", "PreActResNetImageNet", "WideResNetImageNet",
    "NIN", "AllCNN", "HighwayNet",
    "training",
]
