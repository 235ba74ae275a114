"""The real input pipelines on tfds.testing.mock_data and on the generated set."""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from keras_cnns.training import data


def _batches(ds):
    return [tuple(t.numpy() for t in batch) for batch in ds]


@pytest.fixture(scope="module")
def cifar():
    with tfds.testing.mock_data(num_examples=40):
        raw, n = data.load("cifar10", "train", mock=True)
        test, n_test = data.load("cifar10", "test", mock=True)
        return raw.cache(), n, test.cache(), n_test


def _train(cifar, **kw):
    raw, n, _, _ = cifar
    options = dict(augment="cifar", normalize="channel", seed=3, epoch=0, global_batch=8,
                   per_replica=8)
    options.update(kw)
    return _batches(data.train_dataset(raw, n, data.spec("cifar10"), **options))


def test_cifar_training_batches_have_the_paper_shape(cifar):
    batches = _train(cifar)
    assert len(batches) == 40 // 8
    images, labels = batches[0]
    assert images.shape == (8, 32, 32, 3) and images.dtype == np.float32
    assert labels.shape == (8,) and labels.dtype == np.int64
    assert -3 < images.mean() < 3 and abs(images).max() < 5  # normalised per channel


def test_pipeline_is_deterministic_under_a_seed(cifar):
    first, again = _train(cifar), _train(cifar)
    for (a, y), (b, z) in zip(first, again):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(y, z)
    other_epoch = _train(cifar, epoch=1)
    assert any(not np.array_equal(a[0], b[0]) for a, b in zip(first, other_epoch))


def test_augmentation_pads_crops_and_flips(cifar):
    plain = _train(cifar, augment="none")
    augmented = _train(cifar)
    assert not np.array_equal(plain[0][0], augmented[0][0])
    np.testing.assert_array_equal(plain[0][1], augmented[0][1])  # same examples, same order
    # A crop of the zero-padded image shows padding (0 after normalisation) on some border.
    images = augmented[0][0]
    borders = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], 1)
    assert (np.abs(borders).sum(-1) == 0).any()


def test_resume_skips_exactly_the_steps_done(cifar):
    full = _train(cifar)
    resumed = _train(cifar, skip_steps=2)
    assert len(resumed) == len(full) - 2
    for (a, y), (b, z) in zip(full[2:], resumed):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(y, z)


def test_input_pipelines_share_each_global_batch(cifar):
    full = _train(cifar)
    halves = [_train(cifar, per_replica=4, pipelines=2, pipeline_id=i) for i in (0, 1)]
    for step, (images, labels) in enumerate(full):
        np.testing.assert_array_equal(images, np.concatenate([halves[0][step][0], halves[1][step][0]]))
        np.testing.assert_array_equal(labels, np.concatenate([halves[0][step][1], halves[1][step][1]]))


def test_eval_pads_to_full_batches_with_zero_weights(cifar):
    _, _, test, n_test = cifar
    batches = _batches(data.eval_dataset(test, n_test, data.spec("cifar10"), normalize="channel",
                                         global_batch=16, per_replica=16))
    assert len(batches) == -(-n_test // 16)
    assert sum(b[2].sum() for b in batches) == n_test


@pytest.mark.parametrize("augment", ["inception-crop", "imagenet-scale"])
def test_imagenet_augmentations_and_centre_crop(augment):
    with tfds.testing.mock_data(num_examples=6):
        raw, n = data.load("imagenet2012", "train", mock=True)
        val, n_val = data.load("imagenet2012", "validation", mock=True)
        spec = data.spec("imagenet2012")
        train = _batches(data.train_dataset(raw, n, spec, augment=augment, normalize="channel",
                                            seed=0, epoch=0, global_batch=2, per_replica=2))
        evaluated = _batches(data.eval_dataset(val, n_val, spec, normalize="channel",
                                               global_batch=2, per_replica=2))
    assert train[0][0].shape == (2, 224, 224, 3)
    assert evaluated[0][0].shape == (2, 224, 224, 3)


def test_svhn_joins_train_and_extra():
    with tfds.testing.mock_data(num_examples=5):
        _, n = data.load("svhn", ("train", "extra"), mock=True)
    assert n == 10


def test_generated_set_is_fixed():
    (a, n), (b, _) = data.load("synthetic", "train"), data.load("synthetic", "train")
    assert n == data.SYNTHETIC_SIZES["train"]
    first = next(iter(a.batch(4)))[0].numpy()
    np.testing.assert_array_equal(first, next(iter(b.batch(4)))[0].numpy())


def test_generated_set_at_16_is_the_same_task_at_a_quarter_of_the_pixels():
    (big, _), (small, n) = data.load("synthetic", "test"), data.load("synthetic-16", "test")
    assert n == data.SYNTHETIC_SIZES["test"] and data.generated("synthetic-16")
    (x32, y32), (x16, y16) = (next(iter(d.batch(64))) for d in (big, small))
    np.testing.assert_array_equal(y32.numpy(), y16.numpy())  # the same labels, in order
    assert x16.shape == (64, 16, 16, 3)
    # the class's quadrant is the bright one at both sizes
    for images, half in ((x32.numpy(), 16), (x16.numpy(), 8)):
        quadrants = [images[:, r * half:(r + 1) * half, c * half:(c + 1) * half].mean((1, 2, 3))
                     for r in (0, 1) for c in (0, 1)]
        np.testing.assert_array_equal(np.argmax(quadrants, axis=0), y32.numpy())


def test_missing_imagenet_names_the_files_and_the_folder(tmp_path):
    with pytest.raises(data.MissingDataError) as error:
        data.check_available("imagenet2012", data_dir=tmp_path)
    message = str(error.value)
    assert "ILSVRC2012_img_train.tar" in message and "ILSVRC2012_img_val.tar" in message
    assert str(tmp_path / "downloads" / "manual") in message
    assert list(tmp_path.iterdir()) == []  # nothing written
    data.check_available("imagenet2012", data_dir=tmp_path, mock=True)  # mock needs no files


def test_unknown_dataset_raises():
    with pytest.raises(ValueError, match="Received: dataset='mnist'"):
        data.spec("mnist")


def test_tf_data_options_are_deterministic(cifar):
    raw, n, _, _ = cifar
    ds = data.train_dataset(raw, n, data.spec("cifar10"), augment="cifar", normalize="channel",
                            seed=0, epoch=0, global_batch=8, per_replica=8)
    assert ds.options().deterministic is True
    assert isinstance(ds, tf.data.Dataset)


# --------------------------------------------------------------------------- ZCA whitening

def _images(n=400, size=4, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (n, size, size, 3)).astype(np.float64)
    return np.clip(base + rng.normal(0, 20, (n, 1, 1, 3)), 0, 255).astype(np.uint8)


def test_global_contrast_normalisation_gives_each_image_zero_mean_and_norm_55():
    images = _images(20).astype(np.float64)
    images[3] = 128.0  # a flat image: no contrast to normalise, left at zero
    x = data.global_contrast_normalize(images, 55.0)
    assert np.allclose(x.mean(1), 0, atol=1e-9)
    norms = np.linalg.norm(x, axis=1)
    assert np.allclose(np.delete(norms, 3), 55.0) and norms[3] == 0


def test_zca_whitens_the_training_images_as_pylearn2_defines_it():
    """P (C + 0.1 I) P = I for the covariance C of the contrast-normalised training
    images, P is symmetric (zero-phase), and the whitened training set has zero mean."""
    images = _images()
    zca = data.ZCAWhitening.fit(images, chunk=128)  # several chunks
    x = data.global_contrast_normalize(images.astype(np.float64), 55.0)
    covariance = np.cov(x, rowvar=False, bias=True) + 0.1 * np.eye(x.shape[1])
    p = zca.matrix.astype(np.float64)
    assert np.allclose(p, p.T, atol=1e-6)
    assert np.allclose(p @ covariance @ p, np.eye(len(p)), atol=1e-4)
    whitened = zca.apply(images).reshape(len(images), -1)
    assert np.allclose(whitened.mean(0), 0, atol=1e-3)
    # the pixel order does not matter: channels-first vectors whiten to the same values
    chw = data.ZCAWhitening.fit(images.transpose(0, 3, 1, 2))
    assert np.allclose(chw.apply(images.transpose(0, 3, 1, 2)).transpose(0, 2, 3, 1),
                       zca.apply(images), atol=1e-3)


@pytest.mark.parametrize("n", [1, 2, 30, 48, 49, 50])
def test_zca_fits_the_same_whitening_with_fewer_images_than_features(n):
    # up to 48 images of 48 features: fitted through the n x n Gram matrix; 49 and 50: the
    # 48 x 48 covariance, switched to in the middle of the chunks; either way the P of the
    # eigen-decomposition of the covariance + 0.1 I, computed here directly
    images = _images(n, seed=n)
    zca = data.ZCAWhitening.fit(images, chunk=7)  # several chunks
    x = data.global_contrast_normalize(images.astype(np.float64), 55.0)
    covariance = np.cov(x, rowvar=False, bias=True) + 0.1 * np.eye(x.shape[1])
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    expected = (eigenvectors / np.sqrt(eigenvalues)) @ eigenvectors.T
    np.testing.assert_allclose(zca.matrix, expected, rtol=0, atol=1e-5 * np.abs(expected).max())
    np.testing.assert_allclose(zca.mean, x.mean(0), atol=1e-4)


def test_zca_in_the_pipeline_is_the_numpy_transform_and_pads_the_whitened_image():
    images = _images(64, size=16)
    labels = np.arange(64) % 4
    raw = tf.data.Dataset.from_tensor_slices((images, labels))
    zca = data.ZCAWhitening.fit_dataset(raw)
    assert np.allclose(zca.matrix, data.ZCAWhitening.fit(images).matrix, atol=1e-5)
    spec = data.spec("synthetic-16")
    ((x, _, _),) = _batches(data.eval_dataset(raw.take(8), 8, spec, normalize="zca",
                                              global_batch=8, per_replica=8, whitening=zca))
    assert np.allclose(x, zca.apply(images[:8]), atol=1e-3)
    train = _batches(data.train_dataset(raw, 64, spec, augment="cifar", normalize="zca", seed=1,
                                        epoch=0, global_batch=8, per_replica=8, whitening=zca))
    assert train[0][0].shape == (8, 16, 16, 3) and train[0][0].dtype == np.float32
    # zero padding is zero in whitened space: some crops show it
    assert any((batch[0] == 0).all(axis=(1, 3)).any() for batch in train)


@pytest.mark.parametrize("normalize, whitening", [("zca", None), ("channel", "zca"),
                                                  ("pca", None)])
def test_zca_needs_its_fitted_whitening_and_only_zca_takes_one(normalize, whitening, cifar):
    zca = data.ZCAWhitening.fit(_images(50)) if whitening else None
    with pytest.raises(ValueError, match=f"Received: normalize='{normalize}'"):
        data.eval_transform(data.spec("cifar10"), normalize, zca)
