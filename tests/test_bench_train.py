"""The training-throughput benchmark runs end to end on the CPU at toy sizes.

Training runs use ResNet-8 (the smallest CIFAR ResNet: batch norm and residual additions
under each precision and XLA) at 32x32 to stay within seconds (measured alone on the 2-core
machine: 9 s for the three runs; WRN-16-4 took 15 s); the benchmark's default models are
only built, with the arguments it passes them."""

import re

import keras_cnns
from reproductions import bench_train


def _rows(text):
    return [line for line in text.splitlines() if line.startswith("| resnet-8")]


def test_table_has_positive_throughput(tmp_path):
    out = tmp_path / "bench.md"
    tiny = ["--models", "resnet-8", "--size", "32", "--batch", "2", "--steps", "1",
            "--warmup", "1", "--strategy", "cpu", "--output", str(out)]
    results, text = bench_train.run(tiny + ["--precisions", "float32", "bf16", "--xla", "off"])
    xla, _ = bench_train.run(tiny + ["--precisions", "float32", "--xla", "on"])
    results += xla
    assert [(r["precision"], r["xla"]) for r in results] == [
        ("float32", False), ("bf16", False), ("float32", True)]
    assert all(r["images_per_s"] > 0 and r["batch"] == 2 for r in results)
    written = out.read_text()
    assert written.count("#### bench_train") == 2 and "TensorFlow" in written
    rows = _rows(written)
    assert len(rows) == 3
    for row in rows:
        images_per_s = float(row.split("|")[9])
        assert images_per_s > 0
        assert row.split("|")[10].strip() == "-"  # NVIDIA publishes no ResNet-8 figure


def test_default_models_build_as_benchmarked():
    for name, (size, classes, _) in bench_train.MODELS.items():
        assert name in keras_cnns.list_models(name)
        model = keras_cnns.create_model(name, input_shape=(size, size, 3), classes=classes,
                                        classifier_activation=None)
        assert model.output.shape[-1] == classes


def test_published_figures_match_precision_and_gpus():
    labels = [p.images_per_s for p in bench_train.published_for("resnet-50-v1.5", "bf16", 1)]
    assert labels == [2375, 1270]
    assert [p.images_per_s for p in bench_train.published_for(
        "efficientnet-b0", "float32", 8)] == [9119, 4504]
    assert bench_train.published_for("wrn-28-10", "float32", 1) == []
    for p in bench_train.PUBLISHED:
        assert p.images_per_s > 0 and re.search(r"README\.md, table \"", p.source)
