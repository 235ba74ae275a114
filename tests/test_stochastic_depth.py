"""Stochastic depth (Huang et al. 2016): the linear decay rule, a dropped block is really
skipped, test-time scaling, seeded reproducible draws, serialization, counting, and the
argument rules."""

import math
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_cnns
from keras_cnns.stochastic_depth import expected_blocks, survival_probabilities
from reproductions.measure import measure
from keras_cnns.blocks import find_layer


class CountingResidual(keras.layers.Layer):
    """F(x) = 2x + 1 that counts its (eager) calls."""

    calls = 0

    def call(self, x):
        CountingResidual.calls += 1
        return 2.0 * x + 1.0


def _layer(p, seed=0, **kwargs):
    return keras_cnns.StochasticDepth(CountingResidual(), p, seed=seed, **kwargs)


def test_linear_decay_rule():
    p = survival_probabilities(54, 0.5)
    assert p[0] == pytest.approx(1 - 0.5 / 54) and p[-1] == pytest.approx(0.5)
    assert all(a > b for a, b in zip(p, p[1:]))
    assert expected_blocks(54, 0.5) == pytest.approx((3 * 54 - 1) / 4)
    assert survival_probabilities(3, 1.0) == [1.0, 1.0, 1.0]


def test_dropped_block_is_not_computed_and_kept_block_is_the_plain_sum():
    layer = _layer(0.5, seed=3)
    x = np.ones((2, 3), "float32")
    shortcut = np.full((2, 3), 5.0, "float32")
    CountingResidual.calls = 0
    outcomes = [np.asarray(layer([x, shortcut], training=True))[0, 0] for _ in range(40)]
    kept = sum(value == 8.0 for value in outcomes)
    assert set(outcomes) == {5.0, 8.0}  # shortcut alone, or shortcut + F(x) = 5 + 3
    assert CountingResidual.calls == kept  # the residual ran only when the block was kept
    assert 5 < kept < 35


def test_activation_runs_on_kept_blocks_and_at_test_time_and_a_dropped_block_passes_its_shortcut():
    layer = _layer(0.5, seed=3, activation="relu")
    x = np.ones((2, 3), "float32")
    shortcut = np.full((2, 3), -5.0, "float32")  # negative: shows where the ReLU runs
    outcomes = {float(np.asarray(layer([x, shortcut], training=True))[0, 0]) for _ in range(40)}
    assert outcomes == {-5.0, 0.0}  # the shortcut as it is, or relu(-5 + 3)
    assert float(np.asarray(layer([x, shortcut], training=False))[0, 0]) == 0.0  # relu(-5 + 1.5)


def _chain(activation_inside: bool) -> keras.Model:
    """Three stochastic-depth blocks of the CIFAR ResNet (one with the option-A shortcut) on
    a ReLU output, with the block's ReLU inside the layer or, as a layer, after it."""
    from keras_cnns.blocks import basic_branch, shortcut
    from keras_cnns.resnet_cifar import PRESET

    inputs = keras.Input((8, 8, 4))
    x = keras.layers.ReLU()(inputs)  # a block's input is a ReLU's output
    for index, (filters, strides) in enumerate([(4, 1), (8, 2), (8, 1)]):
        name = f"block{index}"
        branch_input = keras.Input(tuple(x.shape[1:]))
        residual = keras.Model(branch_input, basic_branch(branch_input, filters, strides,
                                                          name=name, preset=PRESET))
        skip = shortcut(x, filters, strides, name=name, option="A", preset=PRESET)
        layer = keras_cnns.StochasticDepth(residual, 0.5, seed=index,
                                           activation="relu" if activation_inside else None)
        x = layer([x, skip])
        if not activation_inside:
            x = keras.layers.ReLU()(x)
    return keras.Model(inputs, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(x)))


def test_relu_inside_the_layer_gives_the_outputs_and_gradients_of_a_relu_after_it():
    """The form the builder uses (the ReLU runs only in kept blocks) against the paper's
    ``relu(shortcut + b F(x))`` written out: equal losses and gradients, step by step, over
    steps that drop and keep blocks; and equal outputs at test time."""
    inside, outside = _chain(True), _chain(False)
    outside.set_weights(inside.get_weights())  # weights, statistics and seed states
    layers = [layer for layer in inside.layers if isinstance(layer, keras_cnns.StochasticDepth)]
    keeps = np.array([layer.upcoming_keeps(6) for layer in layers])
    assert keeps.any() and not keeps.all()  # the steps below drop blocks and keep blocks
    rng = np.random.default_rng(0)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    for _ in range(6):
        x = rng.normal(size=(4, 8, 8, 4)).astype("float32")  # half of relu(x) is exactly 0
        y = rng.integers(0, 3, size=4)
        results = []
        for model in (inside, outside):
            with tf.GradientTape() as tape:
                value = loss(y, model(x, training=True))
            results.append((value, tape.gradient(value, model.trainable_weights)))
        (a, grads_a), (b, grads_b) = results
        np.testing.assert_allclose(a, b, rtol=1e-6)
        for ga, gb in zip(grads_a, grads_b):
            assert (ga is None) == (gb is None)  # None: a dropped block's branch
            if ga is not None:
                np.testing.assert_allclose(ga, gb, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(inside(x, training=False), outside(x, training=False), rtol=1e-6)


def test_skip_is_a_conditional_in_the_training_graph():
    layer = _layer(0.5)
    x = tf.ones((2, 3))
    graph = tf.function(lambda: layer([x, x], training=True)).get_concrete_function().graph
    ops = {op.type for op in graph.get_operations()}
    assert ops & {"If", "StatelessIf"}


def test_test_time_scales_the_residual_by_p():
    layer = _layer(0.25)
    x, shortcut = np.ones((1, 3), "float32"), np.zeros((1, 3), "float32")
    np.testing.assert_allclose(layer([x, shortcut], training=False), 0.25 * 3.0)


def test_draws_are_seeded_and_reproducible():
    x = np.ones((1, 1), "float32")

    def draws(seed):
        layer = _layer(0.5, seed=seed)
        return [float(np.asarray(layer([x, x], training=True))[0, 0]) for _ in range(30)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)



def test_upcoming_keeps_predicts_the_next_draws_without_advancing_the_layer():
    layer = _layer(0.5, seed=11)
    x, shortcut = np.ones((1, 1), "float32"), np.zeros((1, 1), "float32")
    for _ in range(3):  # a layer that has already drawn: the prediction starts from its state
        layer([x, shortcut], training=True)
    predicted = layer.upcoming_keeps(25)
    assert len(predicted) == 25 and 0 < sum(predicted) < 25
    assert layer.upcoming_keeps(25) == predicted  # the layer's own state is not advanced
    # the draws of a compiled call, as a training step makes them
    step = tf.function(lambda: layer([x, shortcut], training=True))
    kept = [float(np.asarray(step())[0, 0]) == 3.0 for _ in range(25)]  # 0 + F(1) = 3
    assert kept == predicted
    assert keras_cnns.StochasticDepth(CountingResidual(), 1.0).upcoming_keeps(4) == [True] * 4
    with pytest.raises(ValueError, match="Received: steps=-1"):
        layer.upcoming_keeps(-1)

def test_resnet_with_stochastic_depth_has_the_plain_resnet_parameters_and_the_rule():
    model = keras_cnns.StochasticDepthResNet(20, p_L=0.5)
    layers = [layer for layer in model.layers if isinstance(layer, keras_cnns.StochasticDepth)]
    assert [round(layer.survival_probability, 6) for layer in layers] == \
        [round(p, 6) for p in survival_probabilities(9, 0.5)]
    assert len({layer.seed for layer in layers}) == 9
    ours = keras_cnns.profile(model)
    keras.backend.clear_session()
    plain = keras_cnns.profile(keras_cnns.ResNetCIFAR(20))
    assert ours.total("trainable") == plain.total("trainable")
    assert ours.macs == plain.macs


def test_stochastic_depth_resnet_110_counts_like_resnet_110():
    ours, plain = measure("stochastic-depth-resnet-110"), measure("resnet-110")
    assert ours.profile.total("trainable") == plain.profile.total("trainable")
    assert ours.profile.macs == plain.profile.macs


def test_model_round_trips_through_keras_serialization(tmp_path):
    model = keras_cnns.StochasticDepthResNet(8, p_L=0.8, seed=5)
    path = tmp_path / "sd.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(model(x, training=False), restored(x, training=False), rtol=1e-5)
    layer = find_layer(restored, "conv3_block1_out")
    assert layer.survival_probability == pytest.approx(1 - 2 / 3 * 0.2) and layer.seed == 5 + 2
    assert layer.activation is keras.activations.relu


def test_training_step_runs_and_updates_weights():
    model = keras_cnns.StochasticDepthResNet(8, p_L=0.5, classifier_activation=None)
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(0).normal(size=(4, 32, 32, 3)).astype("float32")
    y = np.array([0, 1, 2, 3])
    before = [w.numpy().copy() for w in model.trainable_weights]
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert any(not np.array_equal(a, b.numpy()) for a, b in zip(before, model.trainable_weights))


_DISTRIBUTED = textwrap.dedent("""
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras, numpy as np, keras_cnns
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        layer = keras_cnns.StochasticDepth(keras.layers.Identity(), 0.5, seed=11)
    ones = tf.ones((1, 1))
    @tf.function
    def step():
        return strategy.run(lambda: layer([ones, ones], training=True))
    seen = []
    for _ in range(16):
        values = [float(v.numpy()[0, 0]) for v in strategy.experimental_local_results(step())]
        assert len(values) == 2 and values[0] == values[1], values
        seen.append(values[0])
    assert set(seen) == {1.0, 2.0}, seen
    print("replicas agree", seen)
""")


def test_all_replicas_draw_the_same_decision_under_tf_distribute():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([sys.executable, "-c", _DISTRIBUTED], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "replicas agree" in result.stdout


@pytest.mark.parametrize("kwargs, message", [
    (dict(depth=111), r"Stochastic-depth ResNet depth must be 6n\+2.*Received: depth=111"),
    (dict(depth=110, p_L=0.0), r"p_L` must be a survival probability in \(0, 1\]. Received: p_L=0.0"),
    (dict(depth=110, p_L=1.5), r"Received: p_L=1.5"),
    (dict(depth=110, pooling="sum"), r"Received: pooling='sum'"),
])
def test_bad_arguments_state_the_rule(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras_cnns.StochasticDepthResNet(**kwargs)


def test_layer_rejects_a_survival_probability_outside_the_interval_and_a_bad_activation():
    with pytest.raises(ValueError, match=r"\(0, 1\]. Received: survival_probability=0"):
        _layer(0)
    for activation in ("nonsense", 3):
        with pytest.raises(ValueError, match=rf"Received: activation={activation!r}"):
            _layer(0.5, activation=activation)
    assert math.isclose(_layer(1.0).survival_probability, 1.0)


def test_bench_time_weighting_of_the_rule_agrees_with_the_mult_add_saving_at_equal_weights():
    from reproductions.bench_stochastic_depth import time_weighted_saving
    from reproductions.stochastic_depth import _expected_saving

    # ResNet-110's 54 blocks have equal mult-adds: equal weights give 1 - E(L~)/L, and the
    # engine's figure is that share of the blocks' mult-adds diluted by the stem and head
    blocks_share = time_weighted_saving([1.0, 1.0, 1.0])
    assert blocks_share == pytest.approx(1 - expected_blocks(54, 0.5) / 54, rel=1e-12)
    assert blocks_share - 0.001 < _expected_saving("stochastic-depth-resnet-110") < blocks_share
    # the rule drops late blocks most: cheaper late blocks mean less of the time skipped
    assert time_weighted_saving([3.0, 2.0, 1.0]) < time_weighted_saving([1.0, 1.0, 1.0]) \
        < time_weighted_saving([1.0, 2.0, 3.0])
    # given the drops a run really made: the rule's own rates give its expectation
    rates = [1 - p for p in survival_probabilities(54, 0.5)]
    assert time_weighted_saving([3.0, 2.0, 1.0], drop_rates=rates) \
        == pytest.approx(time_weighted_saving([3.0, 2.0, 1.0]), rel=1e-12)
    only_last_stage = [0.0] * 36 + [1.0] * 18
    assert time_weighted_saving([3.0, 2.0, 1.0], drop_rates=only_last_stage) \
        == pytest.approx(1 / 6)


def test_bench_reads_the_drops_the_training_steps_make():
    from reproductions.bench_stochastic_depth import _compiled, _draws_made, planned_drops

    model = _compiled(keras_cnns.StochasticDepthResNet(20, p_L=0.2, seed=5,
                                                       classifier_activation=None))
    planned = planned_drops(model, 6)
    assert planned.shape == (6, 9) and planned.dtype == bool and planned.any()
    x, y = np.zeros((2, 32, 32, 3), "float32"), np.zeros(2, "int64")
    for _ in range(6):
        model.train_on_batch(x, y)
    assert _draws_made(model) == [6] * 9  # one draw per block per step, as planned for
    assert not np.array_equal(planned_drops(model, 6), planned)  # the next steps' drops
