"""keras-cnns: Keras 3 builders of the classic CNN papers, with their complexity checked."""

from keras_cnns.complexity import profile
from keras_cnns.layers import LocalResponseNormalization
from keras_cnns.mobilenet import MobileNet
from keras_cnns.vgg import VGG, VGG11, VGG13, VGG16, VGG19
from keras_cnns.lenet import LeNet5
from keras_cnns.alexnet import AlexNet, ZFNet
from keras_cnns.googlenet import GoogLeNet
from keras_cnns.resnet import ResNet, ResNet18, ResNet34, ResNet50, ResNet101, ResNet152
from keras_cnns.densenet import (DenseNet, DenseNet121, DenseNet161, DenseNet169, DenseNet201,
                                 DenseNet264, DenseNetBC, DenseNetImageNet)
from keras_cnns.preact_resnet import PreActResNet
from keras_cnns.residual_layers import ZeroPadShortcut
from keras_cnns.resnet_cifar import ResNetCIFAR
from keras_cnns.stochastic_depth import StochasticDepth, StochasticDepthResNet
from keras_cnns.wide_resnet import WideResNet
from keras_cnns.resnext import ResNeXt, ResNeXt50, ResNeXt101, ResNeXtCIFAR
from keras_cnns.senet import SEResNet, SEResNet50, SEResNeXt, SEResNeXt50, squeeze_excite
from keras_cnns import training  # recipes and model registry; imports no builder

__version__ = "0.1.0"

__all__ = [
    "VGG", "VGG11", "VGG13", "VGG16", "VGG19",
    "LeNet5", "AlexNet", "ZFNet", "GoogLeNet",
    "ResNet", "ResNet18", "ResNet34", "ResNet50", "ResNet101", "ResNet152",
    "LocalResponseNormalization",
    "ResNetCIFAR", "PreActResNet", "WideResNet", "StochasticDepthResNet", "StochasticDepth",
    "ZeroPadShortcut", "DenseNet", "DenseNetBC", "DenseNetImageNet", "DenseNet121",
    "DenseNet169", "DenseNet201", "DenseNet264", "DenseNet161",
    "profile",
    "MobileNet",
    "ResNeXt", "ResNeXt50", "ResNeXt101", "ResNeXtCIFAR",
    "SEResNet", "SEResNet50", "SEResNeXt", "SEResNeXt50", "squeeze_excite",
    "training",
]
