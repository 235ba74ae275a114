"""Released weights on ImageNet validation (``python -m reproductions <paper> --evaluate``):
end to end on tfds.testing.mock_data with weights saved here, the protocols' crops against
NumPy slicing, the training path's missing-data message, and how a released-weights record
fills an accuracy cell (never as a training run)."""

import json

import numpy as np
import pytest
import tensorflow as tf

import keras_cnns
from keras_cnns.training import data
from reproductions import __main__ as cli
from reproductions import cells, evaluate, ledger

SMALLEST = keras_cnns.registry.families()["mobilenet"].smallest  # mobilenet-0.25-32


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / "w.weights.h5"
    keras_cnns.create_model(SMALLEST).save_weights(path)
    return path


def test_mock_evaluation_end_to_end(weights, tmp_path, capsys):
    code = cli.main(["mobilenet", "--evaluate", "--model", SMALLEST, "--weights", str(weights),
                     "--mock", "--mock-examples", "6", "--batch-size", "4", "--strategy", "cpu",
                     "--protocol", "10-crop", "--runs-dir", str(tmp_path / "runs"),
                     "--log", str(tmp_path / "log.csv"), "--data-dir", str(tmp_path / "tfds")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "top-1 error" in out and "top-5 error" in out and "images/s" in out
    assert "top-5 err" in err  # keras' progress bar, on stderr
    (record,) = ledger.records(tmp_path / "runs")
    for field in (*ledger.REQUIRED, *ledger.RELEASED_REQUIRED, "kind", "mock", "smoke",
                  "top1_error", "top5_error", "images_per_second"):
        assert field in record, field
    assert record["kind"] == "released-weights" and ledger.record_kind(record) == record["kind"]
    assert record["weights"] == str(weights) and record["protocol"] == "10-crop"
    assert record["model"] == SMALLEST and record["image_size"] == 32 and record["crops"] == 10
    assert record["split"] == "validation" and record["examples"] == 6
    assert record["dataset"] == "imagenet2012" and "mock" in record["dataset_version"]
    assert record["mock"] and not record["full_length"] and record["value"] is None
    assert record["weights_preprocessing"] == "tf"  # keras.applications' MobileNet
    assert 0 <= record["top1_error"] <= 100 and record["top5_error"] <= record["top1_error"]
    assert record["commit"] and record["versions"]["keras"] and record["hardware"]["replicas"] == 1
    assert "--evaluate" in record["command"]
    rows = (tmp_path / "log.csv").read_text().splitlines()
    assert rows[0].startswith("batch,examples") and rows[-1].split(",")[1] == "6"
    assert not (tmp_path / "tfds").exists()  # mock data reads nothing


def test_top1_and_top5_count_the_ranked_classes(tmp_path):
    """A classifier that ignores its input and ranks five chosen classes first: top-1 hits the
    images of the first class, top-5 those of any of the five."""
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=6):
        raw, _ = data.load("imagenet2012", "validation", mock=True)
        labels = [int(y) for _, y in raw]
    ranked = list(dict.fromkeys(labels[1:]))[:5]
    model = keras_cnns.create_model(SMALLEST)
    kernel, bias = model.get_layer("predictions").get_weights()
    bias = np.zeros_like(bias)
    bias[ranked] = 10.0 - np.arange(len(ranked))
    model.get_layer("predictions").set_weights([np.zeros_like(kernel), bias])
    model.save_weights(tmp_path / "ranked.weights.h5")
    result = evaluate.evaluate(SMALLEST, str(tmp_path / "ranked.weights.h5"),
                               protocol="centre-crop", preprocess_mode="tf", batch_size=4,
                               strategy="cpu", mock=True, mock_examples=6, verbose=False)
    assert result.examples == result.split_examples == 6 and result.crops == 1
    assert result.top1_error == pytest.approx(100 * (1 - labels.count(ranked[0]) / 6))
    assert result.top5_error == pytest.approx(100 * (1 - sum(y in ranked for y in labels) / 6))
    assert result.images_per_second > 0


def _image(h, w):
    return np.random.default_rng(0).integers(0, 256, (h, w, 3)).astype(np.uint8)


def test_ten_crops_are_the_corners_the_centre_and_their_flips():
    # 16 = round(14 * 256 / 224): the shorter side is already the resize target, so the
    # crops are plain slices of the image.
    image = _image(16, 20)
    crops = data.eval_crops("10-crop", 14)(tf.constant(image)).numpy()
    five = [image[:14, :14], image[:14, 6:], image[2:, :14], image[2:, 6:], image[1:15, 3:17]]
    expected = np.stack(five + [c[:, ::-1] for c in five]).astype(np.float32)
    assert crops.shape == (10, 14, 14, 3) and data.protocol_crops("10-crop") == 10
    np.testing.assert_array_equal(crops, expected)


def test_centre_crop_equals_numpy_and_resizes_the_shorter_side():
    image = _image(20, 16)
    crop = data.eval_crops("centre-crop", 14)(tf.constant(image)).numpy()
    np.testing.assert_array_equal(crop, image[None, 3:17, 1:15].astype(np.float32))
    # A larger image: the shorter side resized to 16 (256/224 of 14), the centre 14x14 kept;
    # a flat image stays flat.
    flat = np.full((48, 40, 3), 77, np.uint8)
    for protocol in data.EVAL_PROTOCOLS:
        crops = data.eval_crops(protocol, 14)(tf.constant(flat)).numpy()
        assert crops.shape == (data.protocol_crops(protocol), 14, 14, 3)
        np.testing.assert_allclose(crops, 77, atol=1e-3)


def test_preprocessing_modes_are_keras_applications():
    x = tf.constant([[[[0.0, 127.5, 255.0]]]])
    np.testing.assert_allclose(evaluate.preprocess(x, "tf").numpy(), [[[[-1, 0, 1]]]], atol=1e-6)
    np.testing.assert_allclose(evaluate.preprocess(x, "caffe").numpy(),  # BGR minus means
                               [[[[255 - 103.939, 127.5 - 116.779, 0 - 123.68]]]], atol=1e-4)
    np.testing.assert_allclose(evaluate.preprocess(x, "torch").numpy(),
                               [[[[(0 - 0.485) / 0.229, (0.5 - 0.456) / 0.224,
                                   (1 - 0.406) / 0.225]]]], atol=1e-5)
    with pytest.raises(ValueError, match="Received: preprocess='bgr'"):
        evaluate.preprocess(x, "bgr")
    with pytest.raises(ValueError, match="--preprocess.*Received: model='wrn-28-10'"):
        evaluate.default_preprocess("wrn-28-10")
    assert evaluate.default_preprocess("resnet-50") == "caffe"
    assert evaluate.default_preprocess("efficientnet-b0", "imagenet") == "none"  # in its graph
    assert evaluate.default_preprocess("efficientnet-b0", "w.weights.h5") == "torch"
    assert evaluate.default_protocol("inception-v3") == "central-fraction"
    assert evaluate.default_protocol("resnet-50") == "centre-crop"


def test_missing_manual_files_is_the_training_paths_message(weights, tmp_path, capsys):
    tfds_dir = str(tmp_path / "tfds")
    assert cli.main(["vgg", "--train", "--model", "vgg11", "--dataset", "imagenet2012",
                     "--data-dir", tfds_dir, "--run-dir", str(tmp_path / "run"),
                     "--runs-dir", str(tmp_path / "runs"), "--strategy", "cpu"]) == 2
    training = capsys.readouterr().err.strip().splitlines()[-1]
    assert cli.main(["mobilenet", "--evaluate", "--model", SMALLEST, "--weights", str(weights),
                     "--data-dir", tfds_dir, "--runs-dir", str(tmp_path / "runs"),
                     "--strategy", "cpu"]) == 2
    evaluation = capsys.readouterr().err.strip().splitlines()[-1]
    assert evaluation == training and "ILSVRC2012_img_val.tar" in evaluation
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_cells_are_looked_up_by_model_and_protocol():
    fill = evaluate.cells_to_fill("resnet", "resnet-50", "10-crop", None)
    assert [(t, c.row, c.column) for t, c in fill] == [
        ("table3_shortcuts", "ResNet-50", "top-1 err. (10-crop)"),
        ("table3_shortcuts", "ResNet-50", "top-5 err. (10-crop)")]
    assert evaluate.cells_to_fill("resnet", "resnet-50", "centre-crop", None) == []
    with pytest.raises(ValueError, match="table4/MobileNet/ImageNet Accuracy.*--cell"):
        evaluate.cells_to_fill("mobilenet", "mobilenet-1.0-224", "centre-crop", None)
    (table, cell), = evaluate.cells_to_fill("mobilenet", "mobilenet-1.0-224", "centre-crop",
                                            "table4/MobileNet/ImageNet Accuracy")
    assert evaluate.cell_value(cell, 29.0, 10.0) == pytest.approx(71.0)  # accuracy, in %
    with pytest.raises(ValueError, match="not of mobilenet-0.5-224"):
        evaluate.cells_to_fill("mobilenet", "mobilenet-0.5-224", "centre-crop",
                               "table4/MobileNet/ImageNet Accuracy")
    fractions = dict(evaluate.cells_to_fill("xception", "xception", "central-fraction", None)[:1])
    assert evaluate.cell_value(fractions["table1"], 21.0, 5.5) == pytest.approx(0.79)


CELL = dict(paper="resnet", table="table3_shortcuts", row="ResNet-50",
            column="top-1 err. (10-crop)")
PUBLISHED = cells.Published("He et al. 2016, Table 3", CELL["row"], CELL["column"], "24.01", "%",
                            kind="accuracy", rounding="tolerance", tolerance=0.24,
                            tolerance_reason="2 sigma of a run-to-run spread", model="resnet-50")


def _released(**overrides):
    record = dict(CELL, kind="released-weights", value=24.1, model="resnet-50",
                  weights="imagenet", protocol="10-crop", dataset="imagenet2012",
                  dataset_version="imagenet2012:5.1.0", split="validation", examples=50_000,
                  command="python -m reproductions resnet --evaluate ...", commit="abc123",
                  versions={"keras": "3"}, hardware={"summary": "1 x GPU"}, full_length=True,
                  mock=False, smoke=False, log="eval.csv")
    record.update(overrides)
    return record


def test_released_weights_fill_a_cell_but_are_never_a_training_run(tmp_path, monkeypatch):
    monkeypatch.setattr(ledger, "RUNS_DIR", tmp_path)
    path = ledger.write(_released(), tmp_path)
    assert ledger.find(**CELL, runs_dir=tmp_path, model="resnet-50") is None  # not a run
    assert ledger.find(**CELL, runs_dir=tmp_path, kind="released-weights")["value"] == 24.1
    (cell,) = cells.check_table("resnet", CELL["table"], "t", "s", [PUBLISHED], {}).cells
    assert cell.status == "match" and cell.reproduced == pytest.approx(24.1)
    assert (f"released weights (imagenet), evaluated here: 10-crop, ledger {path.name}"
            in cell.note)
    assert "training run" not in cell.note and "ledger: " not in cell.note
    far = cells.check_table("resnet", CELL["table"], "t", "s",
                            [cells.Published(**{**PUBLISHED.__dict__, "printed": "23.00"})], {})
    assert far.cells[0].status == "mismatch" and "released weights" in far.cells[0].note
    # A training run of the cell's model, when there is one, is the evidence shown instead.
    ledger.write(dict(_released(), kind="training", value=24.0, log="run/log.csv"), tmp_path)
    (cell,) = cells.check_table("resnet", CELL["table"], "t", "s", [PUBLISHED], {}).cells
    assert cell.status == "match" and "ledger: " in cell.note and "released" not in cell.note


@pytest.mark.parametrize("overrides", [
    dict(mock=True), dict(smoke=True, examples=100), dict(full_length=False), dict(value=None)])
def test_mock_or_partial_evaluations_never_fill_a_cell(tmp_path, monkeypatch, overrides):
    monkeypatch.setattr(ledger, "RUNS_DIR", tmp_path)
    ledger.write(_released(**overrides), tmp_path)
    (cell,) = cells.check_table("resnet", CELL["table"], "t", "s", [PUBLISHED], {}).cells
    assert cell.status == "not-run" and "released" not in cell.note


def test_released_records_must_carry_their_evidence(tmp_path):
    with pytest.raises(ValueError, match="protocol"):
        ledger.write({k: v for k, v in _released().items() if k != "protocol"}, tmp_path)
    (tmp_path / "bad.json").write_text(json.dumps(dict(_released(), kind="guess")))
    with pytest.raises(ValueError, match="kind"):
        ledger.records(tmp_path)
