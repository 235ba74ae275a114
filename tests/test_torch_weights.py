"""PyTorch checkpoints into our builders (keras_cnns.torch_weights): random torch weights and
random batch-norm statistics, eval mode -> state dict -> our twin -> the same logits.

Needs the extra ``keras-cnns[torch]`` (torch, torchvision, timm); skipped without it.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
timm = pytest.importorskip("timm")

from keras_cnns import torch_weights  # noqa: E402

# float32 sums in another order (NCHW vs NHWC kernels, oneDNN vs ATen) differ by a few ulps
# per layer; 1e-4 relative to the largest logit bounds that over 50 layers with room.
RTOL = 1e-4

PAIRS = [  # (torch model, input size): the smallest member of each mapped scheme/builder
    ("torchvision/resnet18", 64),
    ("torchvision/resnet50", 64),
    ("torchvision/resnext50_32x4d", 64),
    ("torchvision/wide_resnet50_2", 64),
    ("timm/legacy_seresnet50", 64),
    ("timm/seresnet50", 64),  # stride on the 3x3, PyTorch's padding
    ("timm/seresnext50_32x4d", 64),
    ("torchvision/densenet121", 64),
    ("torchvision/vgg11_bn", 224),  # the fully-connected head needs 224x224
    ("timm/resnest14d", 64),  # ResNeSt: radix 2, avd after the split-attention conv
    ("timm/resnest26d", 64),
    ("timm/resnest50d_4s2x40d", 64),  # avd first; radix 4 in 2 cardinal groups
    ("timm/resnest50d_1s4x24d", 64),  # avd first; radix 1 (sigmoid) in 4 groups
    ("timm/legacy_seresnext50_32x4d", 64),  # Caffe: strided 3x3s symmetric, pool ceil mode
    ("timm/legacy_seresnet50", 65),  # an odd size: the ceil-mode pool's 16x16 of a 33x33
    ("timm/resnet18d", 64),  # ResNet-D: deep stem, average-pool shortcuts
    ("timm/resnet50d", 65),
    ("timm/ecaresnet50d", 64),  # ResNet-D with ECA (adaptive k)
    ("timm/skresnext50_32x4d", 64),  # SKNet-50
    ("timm/skresnext50_32x4d", 65),  # odd sizes: the strided dilated branch's alignment
]


def _torch_model(source: str, classes: int = 10):
    library, name = source.split("/")
    if library == "timm":
        model = timm.create_model(name, pretrained=False, num_classes=classes)
    else:
        model = getattr(torchvision.models, name)(weights=None, num_classes=classes)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():  # random BN statistics, so that a lost mean or variance shows
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5, generator=generator)
                module.bias.normal_(0.0, 0.1, generator=generator)
                module.running_mean.normal_(0.0, 0.1, generator=generator)
                module.running_var.uniform_(0.5, 1.5, generator=generator)
    return model.eval()


def _logits(source, size, state=None, model=None):
    torch_model = _torch_model(source)
    x = np.random.default_rng(1).normal(size=(2, 3, size, size)).astype("float32")
    with torch.no_grad():
        expected = torch_model(torch.from_numpy(x)).numpy()
    ours = torch_weights.from_torch(source, state or torch_model.state_dict(), classes=10,
                                    classifier_activation=None, input_shape=(size, size, 3))
    got = np.asarray(ours(x.transpose(0, 2, 3, 1), training=False))
    return ours, got, expected


@pytest.mark.parametrize("source, size", PAIRS, ids=[f"{p[0]}@{p[1]}" for p in PAIRS])
def test_random_torch_weights_give_equal_logits(source, size):
    _, got, expected = _logits(source, size)
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=RTOL * np.abs(expected).max())


def test_every_twin_builds_with_its_arguments():
    # the table's registry names and arguments are valid (structure only, no torch run)
    from keras_cnns.uninitialised import uninitialised
    for source in ("torchvision/resnet34", "torchvision/resnet101", "torchvision/vgg16_bn",
                   "torchvision/densenet161", "torchvision/densenet201",
                   "torchvision/resnext101_32x8d", "timm/legacy_seresnet101"):
        with uninitialised():
            model = torch_weights.twin_model(source)
        assert model.count_params() > 0


def test_symmetric_padding_is_needed():
    # torchvision ResNet-18 into the "same"-padded twin: loads (same shapes), computes other logits
    torch_model = _torch_model("torchvision/resnet18")
    from keras_cnns import create_model
    ours = create_model("resnet-18-b", classes=10, classifier_activation=None,
                        input_shape=(64, 64, 3))
    torch_weights.load_torch_state_dict(ours, torch_model.state_dict(),
                                        source="torchvision/resnet18")
    x = np.random.default_rng(1).normal(size=(1, 3, 64, 64)).astype("float32")
    with torch.no_grad():
        expected = torch_model(torch.from_numpy(x)).numpy()
    got = np.asarray(ours(x.transpose(0, 2, 3, 1), training=False))
    assert np.abs(got - expected).max() > 1e-2 * np.abs(expected).max()


def test_batch_norm_epsilon_is_absorbed_exactly():
    # ResNet's preset has keras.applications' epsilon 1.001e-5, torch 1e-5: the variance
    # takes the difference, so a running variance of 0 gives torch's 1/sqrt(1e-5) scale
    ours = torch_weights.twin_model("torchvision/resnet18", classes=10)
    bn = ours.get_layer("conv1_bn")
    assert bn.epsilon != torch_weights.TORCH_BN_EPSILON
    state = _torch_model("torchvision/resnet18").state_dict()
    state["bn1.running_var"] = torch.zeros_like(state["bn1.running_var"])
    torch_weights.load_torch_state_dict(ours, state, source="torchvision/resnet18")
    variance = np.asarray(bn.moving_variance) + bn.epsilon
    np.testing.assert_allclose(variance, torch_weights.TORCH_BN_EPSILON, rtol=1e-6)


def test_a_mismatch_names_both_layers():
    ours = torch_weights.twin_model("torchvision/resnet18", classes=10)
    state = _torch_model("torchvision/resnet18", classes=7).state_dict()
    with pytest.raises(ValueError, match=r"'fc\.weight'.*'predictions'"):
        torch_weights.load_torch_state_dict(ours, state, source="torchvision/resnet18")
    resnet34 = _torch_model("torchvision/resnet34").state_dict()
    with pytest.raises(ValueError, match=r"'layer1\.2\.\w+'.*'conv2_block3_1_\w+'"):
        torch_weights.load_torch_state_dict(ours, resnet34, source="torchvision/resnet18")
    state = _torch_model("torchvision/resnet18").state_dict()
    del state["layer4.1.conv2.weight"]
    with pytest.raises(ValueError, match="conv5_block2_2_conv"):
        torch_weights.load_torch_state_dict(ours, state, source="torchvision/resnet18")


def test_headless_model_skips_the_classifier():
    state = _torch_model("torchvision/resnet18").state_dict()
    ours = torch_weights.from_torch("torchvision/resnet18", state, include_top=False,
                                    pooling="avg")
    np.testing.assert_allclose(np.asarray(ours.get_layer("conv1_conv").kernel),
                               state["conv1.weight"].numpy().transpose(2, 3, 1, 0))


@pytest.mark.parametrize("source", ["resnet18", "torchvision/alexnet", 3, None])
def test_bad_source_states_the_rule(source):
    with pytest.raises(ValueError, match=r"`source` must name a mapped torch model.*Received"):
        torch_weights.twin_model(source)


def test_checkpoint_path(tmp_path):
    torch_model = _torch_model("torchvision/resnet18")
    path = tmp_path / "resnet18.pth"
    torch.save(torch_model.state_dict(), path)
    ours = torch_weights.from_torch("torchvision/resnet18", path, classes=10)
    np.testing.assert_allclose(np.asarray(ours.get_layer("predictions").bias),
                               torch_model.fc.bias.detach().numpy())


COUNTED = [source for source, twin in torch_weights.TWINS.items()
           if twin.scheme in ("resnest", "timm-se", "densenet", "timm-resnet-d", "legacy-senet",
                              "timm-sk")]


@pytest.mark.parametrize("source", COUNTED)
def test_twins_hold_as_many_values_as_torch(source):
    # every timm ResNeSt, SE (legacy too), ResNet-D, ECA-ResNet-D and SK net and torchvision
    # DenseNet (the deep ones too slow to run here): our twin's weights and BN statistics
    # count exactly the state dict's values
    from keras_cnns.uninitialised import uninitialised
    library, name = source.split("/")
    with torch.device("meta"):  # shapes only, no values drawn
        state = (timm.create_model(name, pretrained=False) if library == "timm"
                 else getattr(torchvision.models, name)(weights=None)).state_dict()
    values = sum(v.numel() for k, v in state.items() if not k.endswith("num_batches_tracked"))
    with uninitialised():
        ours = torch_weights.twin_model(source)
    assert ours.count_params() == values


def _other_logits_without(source: str, **arguments) -> bool:
    """``source``'s weights loaded into its twin built with ``arguments`` instead of the
    twin's own: they load (same shapes) and give other logits."""
    torch_model = _torch_model(source)
    from keras_cnns import create_model
    ours = create_model(torch_weights.TWINS[source].model, classes=10,
                        classifier_activation=None, input_shape=(64, 64, 3), **arguments)
    torch_weights.load_torch_state_dict(ours, torch_model.state_dict(), source=source)
    x = np.random.default_rng(1).normal(size=(1, 3, 64, 64)).astype("float32")
    with torch.no_grad():
        expected = torch_model(torch.from_numpy(x)).numpy()
    got = np.asarray(ours(x.transpose(0, 2, 3, 1), training=False))
    return np.abs(got - expected).max() > 1e-2 * np.abs(expected).max()


def test_resnest_symmetric_padding_is_needed():
    # timm ResNeSt-14 into the default "same"-padded ResNeSt-14
    assert _other_logits_without("timm/resnest14d")


@pytest.mark.parametrize("arguments", [{}, {"stride_at": "3x3"}, {"padding": "symmetric"}],
                         ids=["paper", "stride only", "padding only"])
def test_timm_seresnet_needs_both_the_stride_on_the_3x3_and_the_padding(arguments):
    # timm seresnet50 into SE-ResNet-50 with one or neither option
    assert _other_logits_without("timm/seresnet50", **arguments)


@pytest.mark.parametrize("padding", ["same", "symmetric"])
def test_legacy_seresnext_needs_the_caffe_padding(padding):
    # Caffe's SE-ResNeXt pads its strided 3x3s symmetrically but its pool in ceil mode:
    # neither uniform padding computes it
    assert _other_logits_without("timm/legacy_seresnext50_32x4d", padding=padding)


def test_resnet_d_symmetric_padding_is_needed():
    assert _other_logits_without("timm/ecaresnet50d", padding="same")


def test_sknet_symmetric_padding_is_needed():
    assert _other_logits_without("timm/skresnext50_32x4d", padding="same")
