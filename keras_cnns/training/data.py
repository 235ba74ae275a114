"""tensorflow-datasets input pipelines with the papers' augmentations, deterministic under a seed.

Every example's randomness (crop offset, flip, scale) comes from stateless ops seeded by
``(seed, epoch, index of the example in the epoch)``, and each epoch's order from a shuffle
seeded by ``(seed, epoch)``. An epoch is therefore a pure function of the seed, whatever the
number of parallel calls, replicas or workers, and a resumed run can skip straight to the
step it stopped at. Under ``tf.distribute`` each input pipeline keeps only its own slice of
every global batch, so all replicas together see exactly the batch a single device would.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib

import numpy as np
import tensorflow as tf

from keras_cnns.arguments import check_choice

AUTOTUNE = tf.data.AUTOTUNE


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    name: str
    tfds_name: str | None  # None: generated in memory
    classes: int
    image_shape: tuple[int, int, int]  # what the model sees
    test_split: str
    mean: tuple[float, float, float]  # per channel, pixel values in [0, 1]
    std: tuple[float, float, float]
    manual_files: tuple[str, ...] = ()
    shuffle_buffer: int = 50_000
    cache: bool = True


DATASETS = {d.name: d for d in (
    # Channel statistics of the training sets (the values used by the papers' public code).
    DatasetSpec("cifar10", "cifar10", 10, (32, 32, 3), "test",
                (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)),
    DatasetSpec("cifar100", "cifar100", 100, (32, 32, 3), "test",
                (0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762)),
    DatasetSpec("svhn", "svhn_cropped", 10, (32, 32, 3), "test",
                (0.4377, 0.4438, 0.4728), (0.1980, 0.2010, 0.1970)),
    DatasetSpec("imagenet2012", "imagenet2012", 1000, (224, 224, 3), "validation",
                (0.485, 0.456, 0.406), (0.229, 0.224, 0.225),
                manual_files=("ILSVRC2012_img_train.tar", "ILSVRC2012_img_val.tar"),
                shuffle_buffer=10_000, cache=False),
    DatasetSpec("synthetic", None, 4, (32, 32, 3), "test",
                (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)),
    # The same task at 16x16, a quarter of the cost per step for nets that downsample 4x.
    DatasetSpec("synthetic-16", None, 4, (16, 16, 3), "test",
                (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)),
)}

SYNTHETIC_SIZES = {"train": 1024, "test": 256}


def spec(name: str) -> DatasetSpec:
    check_choice("dataset", name, DATASETS,
                         f"Unknown dataset; choose from {', '.join(DATASETS)}.")
    return DATASETS[name]


class MissingDataError(FileNotFoundError):
    """A dataset that cannot be downloaded (ImageNet) is not where tfds looks for it."""


def imagenet_manual_dir(data_dir: str | os.PathLike | None, manual_dir=None) -> pathlib.Path:
    data_dir = pathlib.Path(data_dir or os.path.expanduser("~/tensorflow_datasets"))
    return pathlib.Path(manual_dir) if manual_dir else data_dir / "downloads" / "manual"


def check_available(name: str, data_dir=None, manual_dir=None, mock: bool = False) -> None:
    """Raise :class:`MissingDataError` naming the exact files when ImageNet is absent."""
    ds = spec(name)
    if mock or not ds.manual_files:
        return
    import tensorflow_datasets as tfds
    builder = tfds.builder(ds.tfds_name, data_dir=data_dir)
    if builder.data_path.exists() and any(builder.data_path.glob("*.tfrecord*")):
        return
    where = imagenet_manual_dir(data_dir, manual_dir)
    missing = [f for f in ds.manual_files if not (where / f).is_file()]
    if missing:
        raise MissingDataError(
            f"{name} is not prepared in {builder.data_path} and cannot be downloaded: put "
            + " and ".join(ds.manual_files) + f" (from https://image-net.org) into {where}/ "
            f"(or pass --manual-dir DIR), then run again; tfds will prepare it once. "
            f"Missing: {', '.join(str(where / f) for f in missing)}")


def generated(name: str) -> bool:
    """Whether ``name`` is a set generated in memory (never a paper's dataset)."""
    return spec(name).tfds_name is None


def _synthetic(split: str, size: int = 32) -> tuple[tf.data.Dataset, int]:
    """A learnable 4-class set: each class brightens one quadrant of noisy size x size
    images."""
    n = SYNTHETIC_SIZES[split]
    rng = np.random.default_rng(1234 + (split == "test"))
    labels = rng.integers(0, 4, n)
    images = rng.integers(0, 150, (n, size, size, 3)).astype(np.uint8)
    half = size // 2
    for i, label in enumerate(labels):
        r, c = divmod(int(label), 2)
        images[i, r * half:(r + 1) * half, c * half:(c + 1) * half] += 90
    return tf.data.Dataset.from_tensor_slices((images, labels.astype(np.int64))), n


def load(name: str, splits: tuple[str, ...] | str, data_dir=None, *, shuffle_seed: int | None = None,
         download: bool = True, mock: bool = False,
         manual_dir=None) -> tuple[tf.data.Dataset, int]:
    """Raw ``(uint8 image, int64 label)`` examples of ``splits`` (joined) and their count.

    With ``mock=True`` (inside ``tfds.testing.mock_data``) the examples are counted, since the
    mocked split is smaller than the size in the dataset's metadata.
    """
    ds_spec = spec(name)
    splits = (splits,) if isinstance(splits, str) else tuple(splits)
    if ds_spec.tfds_name is None:
        parts = [_synthetic(s, ds_spec.image_shape[0]) for s in splits]
    else:
        import tensorflow_datasets as tfds
        parts = []
        for split in splits:
            read = tfds.ReadConfig(shuffle_seed=shuffle_seed, interleave_cycle_length=16)
            prepare = {}
            if ds_spec.manual_files:
                prepare["download_config"] = tfds.download.DownloadConfig(
                    manual_dir=str(imagenet_manual_dir(data_dir, manual_dir)))
            ds, info = tfds.load(ds_spec.tfds_name, split=split, data_dir=data_dir,
                                 as_supervised=True, with_info=True, download=download,
                                 shuffle_files=shuffle_seed is not None, read_config=read,
                                 download_and_prepare_kwargs=prepare)
            count = (int(ds.reduce(0, lambda c, _: c + 1)) if mock
                     else info.splits[split].num_examples)
            parts.append((ds, count))
    ds, n = parts[0]
    for more, m in parts[1:]:
        ds, n = ds.concatenate(more), n + m
    return ds.map(lambda x, y: (x, tf.cast(y, tf.int64))), n


def split_holdout(ds: tf.data.Dataset, n: int, labels, holdout: int | dict, seed: int = 0):
    """Hold ``holdout`` examples of ``ds`` out as a validation set.

    ``holdout`` is a count (the last examples of the split, as the authors' loaders of the
    stochastic-depth code read CIFAR: 45,000 train, 5,000 validation) or ``{"per_class": k}``
    (k examples of every class drawn with ``seed``, as their SVHN loader does). ``labels``
    (a NumPy array of the split's labels) is only read for the per-class form. Returns
    ``(train, n_train, validation, n_validation)``.
    """
    if isinstance(holdout, int):
        if not 0 < holdout < n:
            raise ValueError(f"A hold-out must leave training examples: the split has {n}. "
                             f"Received: holdout={holdout!r}")
        return ds.take(n - holdout), n - holdout, ds.skip(n - holdout), holdout
    rng = np.random.default_rng(seed)
    held = np.zeros(n, bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        held[rng.choice(members, size=min(holdout["per_class"], len(members)), replace=False)] = True
    mask = tf.constant(held)
    indexed = ds.enumerate()

    def keep(flag):
        return lambda i, example: tf.equal(tf.gather(mask, i), flag)

    strip = lambda i, example: example  # noqa: E731
    return (indexed.filter(keep(False)).map(strip), int((~held).sum()),
            indexed.filter(keep(True)).map(strip), int(held.sum()))


def split_labels(ds: tf.data.Dataset) -> np.ndarray:
    """The labels of a raw ``(image, label)`` dataset, in order."""
    return np.fromiter(ds.map(lambda x, y: y).as_numpy_iterator(), dtype=np.int64)


# --- augmentations (float32 images, values 0..255) -------------------------------------

#: How images reach the model: ``channel`` per-channel mean/std of the training set (pixels
#: in [0, 1]), ``unit`` x / 255, ``zca`` global contrast normalisation and ZCA whitening
#: fitted on the training examples (:class:`ZCAWhitening`).
NORMALIZATIONS = ("channel", "unit", "zca")


@dataclasses.dataclass(frozen=True, eq=False)
class ZCAWhitening:
    """Global contrast normalisation, then ZCA whitening fitted on the training images: the
    preprocessing of Zagoruyko & Komodakis 2016 ("for CIFAR we follow the image
    preprocessing of [8] with ZCA whitening", Sec. 3), whose repository's README says they
    whitened CIFAR with pylearn2's ``make_cifar10_gcn_whitened.py``.
    As pylearn2 does it: each image, as one vector of pixel values in [0, 255], has its own
    mean removed and is scaled to norm ``gcn_scale`` (55; ``global_contrast_normalize``
    with ``use_std=False, sqrt_bias=0``); then ``x -> (x - mean) P`` with
    ``P = V diag(1 / sqrt(eig)) V^T`` from the eigen-decomposition of the training set's
    covariance ``X^T X / n + filter_bias * I`` (``preprocessing.ZCA``, ``filter_bias=0.1``).
    The feature order does not matter (a permutation of pixels permutes ``P`` alike), so
    images are flattened height x width x channels here."""

    mean: np.ndarray  # (features,)
    matrix: np.ndarray  # (features, features), symmetric
    gcn_scale: float = 55.0
    filter_bias: float = 0.1

    def __post_init__(self):
        # eager tensors made once, which a tf.data map captures by reference: a tf.constant
        # made inside the map would copy the 38 MB CIFAR matrix into every pipeline's graph
        # (2.3 s per pipeline to build on the CI machine)
        with tf.init_scope():
            object.__setattr__(self, "_tensors", (tf.constant(self.mean),
                                                  tf.constant(self.matrix)))

    @classmethod
    def fit(cls, images, gcn_scale: float = 55.0, filter_bias: float = 0.1,
            chunk: int = 2048) -> ZCAWhitening:
        """Fit on ``images``: an array (n, h, w, c) or an iterable of such batches (so the
        50,000 CIFAR images are never held as float64 at once).

        With no more images than features (a subset, a smoke run) the same ``P`` comes from
        the n x n Gram matrix of the centred images instead of the features x features
        covariance (:func:`_zca_from_gram`; exact, and cheap for few images)."""
        batches = images
        if isinstance(images, np.ndarray):
            batches = (images[i:i + chunk] for i in range(0, len(images), chunk))
        n, total, rows, outer = 0, None, [], None
        for batch in batches:
            x = global_contrast_normalize(np.asarray(batch, np.float64), gcn_scale)
            total = x.sum(0) if total is None else total + x.sum(0)
            n += len(x)
            if outer is None and n <= x.shape[1]:
                rows.append(x)  # no more images than features so far: the Gram route
                continue
            if outer is None:
                outer = sum((r.T @ r for r in rows), np.zeros((x.shape[1],) * 2))
                rows = []
            outer += x.T @ x
        if not n:
            raise ValueError("ZCA whitening needs at least one training image. Received: 0")
        mean = total / n
        if outer is None:
            matrix = _zca_from_gram((np.concatenate(rows) - mean) / np.sqrt(n), filter_bias)
        else:
            covariance = outer / n - np.outer(mean, mean) + filter_bias * np.eye(len(mean))
            eigenvalues, eigenvectors = np.linalg.eigh(covariance)
            matrix = (eigenvectors / np.sqrt(eigenvalues)) @ eigenvectors.T
        return cls(mean.astype(np.float32), matrix.astype(np.float32), gcn_scale, filter_bias)

    @classmethod
    def fit_dataset(cls, raw: tf.data.Dataset, **kwargs) -> ZCAWhitening:
        """Fit on the images of a ``(image, label)`` dataset (the run's training examples)."""
        batches = raw.map(lambda image, label: image).batch(2048).as_numpy_iterator()
        return cls.fit(batches, **kwargs)

    def apply(self, images: np.ndarray) -> np.ndarray:
        """Whiten a batch (n, h, w, c) of pixel values in [0, 255] (NumPy)."""
        x = global_contrast_normalize(np.asarray(images, np.float64), self.gcn_scale)
        return ((x - self.mean) @ self.matrix).reshape(np.shape(images)).astype(np.float32)

    def __call__(self, image):
        """Whiten one image (h, w, c) of pixel values in [0, 255] inside a tf.data map."""
        shape = tf.shape(image)
        x = tf.reshape(tf.cast(image, tf.float32), [1, -1])
        x = x - tf.reduce_mean(x)
        divisor = tf.norm(x) / self.gcn_scale
        x = x / tf.where(divisor < 1e-8, 1.0, divisor)
        mean, matrix = self._tensors
        return tf.reshape((x - mean) @ matrix, shape)


def _zca_from_gram(y: np.ndarray, filter_bias: float) -> np.ndarray:
    """``(Y^T Y + b I)^(-1/2)`` for ``Y`` (n x d, n <= d) from the eigen-decomposition of the
    n x n ``Y Y^T = U diag(l) U^T``: ``Y^T Y`` has the same nonzero eigenvalues ``l`` with
    eigenvectors ``V = Y^T U diag(l)^(-1/2)``, and ``b`` alone on the rest of the space, so
    the result is ``I / sqrt(b) + V diag(1/sqrt(l + b) - 1/sqrt(b)) V^T``. Eigenvalues under
    1e-12 of the largest are left out (their term is under 1e-12 l_max / (2 b^1.5))."""
    eigenvalues, u = np.linalg.eigh(y @ y.T)
    kept = eigenvalues > max(1e-12 * eigenvalues.max(), 0.0)
    v = (y.T @ u[:, kept]) / np.sqrt(eigenvalues[kept])
    scale = 1 / np.sqrt(eigenvalues[kept] + filter_bias) - 1 / np.sqrt(filter_bias)
    return np.eye(y.shape[1]) / np.sqrt(filter_bias) + (v * scale) @ v.T


def global_contrast_normalize(images: np.ndarray, scale: float) -> np.ndarray:
    """Each image (first axis) flattened, its mean removed, scaled to norm ``scale``
    (left as it is where its norm is under 1e-8, as pylearn2 does)."""
    x = images.reshape(len(images), -1)
    x = x - x.mean(1, keepdims=True)
    norms = np.sqrt((x ** 2).sum(1)) / scale
    norms[norms < 1e-8] = 1.0
    return x / norms[:, None]


def _normalize(image, ds_spec: DatasetSpec, mode: str, whitening: ZCAWhitening | None = None):
    if mode == "zca":
        return whitening(image)
    image = image / 255.0
    if mode == "channel":
        image = (image - tf.constant(ds_spec.mean)) / tf.constant(ds_spec.std)
    return image


def _check_whitening(normalize: str, whitening) -> None:
    check_choice("normalize", normalize, NORMALIZATIONS)
    if (normalize == "zca") != (whitening is not None):
        raise ValueError("normalize='zca' takes the ZCAWhitening fitted on the training "
                         "images (whitening=ZCAWhitening.fit_dataset(raw_train)), and only it "
                         f"does. Received: normalize={normalize!r}, "
                         f"whitening={type(whitening).__name__}")


def _resize_shorter(image, size):
    shape = tf.cast(tf.shape(image)[:2], tf.float32)
    scale = tf.cast(size, tf.float32) / tf.reduce_min(shape)
    new = tf.cast(tf.round(shape * scale), tf.int32)
    return tf.image.resize(image, new)


def _center_crop(image, size):
    h, w = tf.shape(image)[0], tf.shape(image)[1]
    return tf.image.crop_to_bounding_box(image, (h - size) // 2, (w - size) // 2, size, size)


def train_transform(recipe_augment: str, ds_spec: DatasetSpec, normalize: str,
                    scale_range=(256, 480), whitening: ZCAWhitening | None = None):
    """``fn(image, label, seed[2]) -> (image, label)`` applying the recipe's augmentation
    (the CIFAR crops pad the normalised image: with ZCA, the whitened one, as the WRN
    authors' pre-whitened datasets were)."""
    _check_whitening(normalize, whitening)
    height, width, channels = ds_spec.image_shape

    def fn(image, label, seed):
        image = tf.cast(image, tf.float32)
        s = tf.random.experimental.stateless_split(seed, 3)
        if recipe_augment in ("cifar", "cifar-reflect"):
            image = _normalize(image, ds_spec, normalize, whitening)
            mode = "REFLECT" if recipe_augment == "cifar-reflect" else "CONSTANT"
            image = tf.pad(image, [[4, 4], [4, 4], [0, 0]], mode=mode)
            image = tf.image.stateless_random_crop(image, (height, width, channels), s[0])
            image = tf.image.stateless_random_flip_left_right(image, s[1])
        elif recipe_augment == "imagenet-scale":
            shorter = tf.random.stateless_uniform([], s[2], scale_range[0], scale_range[1] + 1,
                                                  dtype=tf.int32)
            image = _resize_shorter(image, shorter)
            image = tf.image.stateless_random_crop(image, (height, width, channels), s[0])
            image = tf.image.stateless_random_flip_left_right(image, s[1])
            image = _normalize(image, ds_spec, normalize, whitening)
        elif recipe_augment == "inception-crop":
            begin, size, _ = tf.image.stateless_sample_distorted_bounding_box(
                tf.shape(image), tf.zeros([1, 0, 4]), seed=s[2], area_range=(0.08, 1.0),
                aspect_ratio_range=(3 / 4, 4 / 3), min_object_covered=0.1,
                max_attempts=10, use_image_if_no_bounding_boxes=True)
            image = tf.slice(image, begin, size)
            image = tf.image.resize(image, (height, width))
            image = tf.image.stateless_random_flip_left_right(image, s[1])
            image = _normalize(image, ds_spec, normalize, whitening)
        else:
            image = eval_transform(ds_spec, normalize, whitening)(image, label)[0]
        image = tf.ensure_shape(image, ds_spec.image_shape)
        return image, label
    return fn


def eval_transform(ds_spec: DatasetSpec, normalize: str, whitening: ZCAWhitening | None = None):
    _check_whitening(normalize, whitening)
    height = ds_spec.image_shape[0]

    def fn(image, label):
        image = tf.cast(image, tf.float32)
        if ds_spec.name == "imagenet2012":  # resize to 256 (shorter side), centre 224 crop
            image = _center_crop(_resize_shorter(image, round(height * 256 / 224)), height)
        image = _normalize(image, ds_spec, normalize, whitening)
        return tf.ensure_shape(image, ds_spec.image_shape), label
    return fn


#: Test-time protocols of the papers, for a model whose input is ``size`` x ``size``:
#: ``centre-crop``       resize the shorter side to ``size * 256 / 224`` (256 for 224), take the
#:                       central ``size`` x ``size`` crop (the "single-crop" columns of He et al.
#:                       2016, Simonyan & Zisserman 2015, Huang et al. 2017; keras.applications);
#: ``10-crop``           the same resize, then the four corner crops and the centre crop and their
#:                       horizontal flips (Krizhevsky et al. 2012, Sec. 4.1; He et al. 2016,
#:                       Table 3 "10-crop testing"), predictions averaged over the 10;
#: ``central-fraction``  the central 87.5% of each side, resized to ``size`` x ``size`` (TF-slim's
#:                       Inception evaluation, used by Szegedy et al. 2016 and Chollet 2017 at 299);
#: ``efficientnet-crop`` the central ``size / (size + 32)`` of the shorter side, resized bicubically
#:                       to ``size`` x ``size`` (Tan & Le 2019's released evaluation, each model at
#:                       its own resolution).
EVAL_PROTOCOLS = ("centre-crop", "10-crop", "central-fraction", "efficientnet-crop")


def protocol_crops(protocol: str) -> int:
    """How many crops of each image a protocol evaluates."""
    check_choice("protocol", protocol, EVAL_PROTOCOLS)
    return 10 if protocol == "10-crop" else 1


def eval_crops(protocol: str, size: int):
    """``fn(image) -> crops``: a float32 ``[protocol_crops(protocol), size, size, 3]`` tensor,
    pixel values 0..255 (no normalisation: the weights' preprocessing comes after)."""
    check_choice("protocol", protocol, EVAL_PROTOCOLS)

    def fn(image):
        image = tf.cast(image, tf.float32)
        if protocol in ("centre-crop", "10-crop"):
            image = _resize_shorter(image, round(size * 256 / 224))
            if protocol == "centre-crop":
                return _center_crop(image, size)[None]
            h, w = tf.shape(image)[0], tf.shape(image)[1]
            corners = [(0, 0), (0, w - size), (h - size, 0), (h - size, w - size),
                       ((h - size) // 2, (w - size) // 2)]
            five = tf.stack([tf.image.crop_to_bounding_box(image, top, left, size, size)
                             for top, left in corners])
            return tf.concat([five, tf.reverse(five, axis=[2])], 0)
        if protocol == "central-fraction":
            return tf.image.resize(tf.image.central_crop(image, 0.875), (size, size))[None]
        h, w = tf.shape(image)[0], tf.shape(image)[1]
        crop = tf.cast(size / (size + 32) * tf.cast(tf.minimum(h, w), tf.float32), tf.int32)
        image = tf.image.crop_to_bounding_box(image, (h - crop + 1) // 2, (w - crop + 1) // 2,
                                              crop, crop)
        return tf.image.resize(image, (size, size), method="bicubic")[None]
    return fn


def _options(ds: tf.data.Dataset) -> tf.data.Dataset:
    options = tf.data.Options()
    options.deterministic = True
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    return ds.with_options(options)


def _own_slice(ds, global_batch: int, pipelines: int, pipeline_id: int):
    """Keep the examples of each global batch that belong to this input pipeline."""
    if pipelines == 1:
        return ds
    share = global_batch // pipelines
    return ds.filter(lambda k, example: (k % global_batch) // share == pipeline_id)


def train_dataset(raw: tf.data.Dataset, n: int, ds_spec: DatasetSpec, *, augment: str,
                  normalize: str, seed: int, epoch: int, global_batch: int, per_replica: int,
                  pipelines: int = 1, pipeline_id: int = 0, skip_steps: int = 0,
                  scale_range=(256, 480), whitening: ZCAWhitening | None = None
                  ) -> tf.data.Dataset:
    """One epoch of training batches of ``per_replica`` examples for this input pipeline.

    The whole set is shuffled when it fits the buffer (CIFAR, SVHN); ImageNet uses a
    10,000-example buffer over tfds's records, which tfds already shuffled when preparing.
    """
    ds = raw.shuffle(min(n, ds_spec.shuffle_buffer), seed=seed * 100_003 + epoch,
                     reshuffle_each_iteration=False)
    steps = n // global_batch
    ds = ds.take(steps * global_batch).enumerate().skip(skip_steps * global_batch)
    ds = _own_slice(ds, global_batch, pipelines, pipeline_id)
    transform = train_transform(augment, ds_spec, normalize, scale_range, whitening)
    base = tf.constant([seed, epoch], tf.int64)

    def apply(k, example):
        image, label = example
        return transform(image, label, tf.stack([base[0] * 1_000_003 + base[1], k]))
    ds = ds.map(apply, num_parallel_calls=AUTOTUNE, deterministic=True)
    return _options(ds.batch(per_replica, drop_remainder=True).prefetch(AUTOTUNE))


def eval_dataset(raw: tf.data.Dataset, n: int, ds_spec: DatasetSpec, *, normalize: str,
                 global_batch: int, per_replica: int, pipelines: int = 1,
                 pipeline_id: int = 0, transform=None,
                 whitening: ZCAWhitening | None = None) -> tf.data.Dataset:
    """The whole split, padded with zero-weight examples to full global batches.

    ``transform(image, label) -> (image, label)`` replaces the dataset's evaluation transform
    (released-weights evaluation: a protocol's crops, :func:`eval_crops`)."""
    pad = -n % global_batch
    ds = raw.map(lambda x, y: (x, y, tf.constant(1.0)))
    if pad:
        ds = ds.concatenate(raw.take(1).repeat(pad).map(lambda x, y: (x, y, tf.constant(0.0))))
    ds = _own_slice(ds.enumerate(), global_batch, pipelines, pipeline_id)
    transform = transform or eval_transform(ds_spec, normalize, whitening)

    def apply(k, example):
        image, label, weight = example
        image, label = transform(image, label)
        return image, label, weight
    ds = ds.map(apply, num_parallel_calls=AUTOTUNE, deterministic=True)
    return _options(ds.batch(per_replica, drop_remainder=True).prefetch(AUTOTUNE))
