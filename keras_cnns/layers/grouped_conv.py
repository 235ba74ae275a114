"""Grouped convolution at the speed its multiply-adds promise, on every backend and device.

``keras.layers.Conv2D(groups=g)`` on the TensorFlow backend wraps every grouped convolution in
an XLA-compiled function, because TensorFlow's CPU kernels without oneDNN cannot take the
gradient of a grouped convolution. XLA's CPU grouped convolution is slow, worst in the
gradient: a ResNeXt-50 (32x4d) training step took 36x a ResNet-50 step on a 2-core CPU, for
about the same multiply-adds. :class:`GroupedConv2D` is a ``Conv2D`` (same arguments, same
kernel layout ``(kh, kw, in/groups, out)``, same saved weights, counted by the complexity
engine as any grouped ``Conv2D``) whose convolution is, per device:

* ``"native"``: the backend's own grouped kernel, called directly (TensorFlow:
  ``tf.nn.convolution``, i.e. cuDNN on GPU and oneDNN on x86 CPUs; JAX:
  ``lax.conv_general_dilated`` with ``feature_group_count``);
* ``"split"``: ``groups`` ordinary convolutions on channel slices, concatenated: exact, and
  the fallback where the backend has no grouped gradient (TensorFlow CPU without oneDNN);
* ``"xla"``: what Keras does (the XLA-compiled op), kept for comparison;
* ``"auto"`` (default): ``native`` unless TensorFlow's CPU kernel cannot differentiate a
  grouped convolution on this machine (probed once), then ``split``.

All four give the same outputs and gradients (tests compare them), so the choice never
changes a result, only its speed.
"""

from __future__ import annotations

import functools

import keras
from keras import ops

from keras_cnns.arguments import check_choice

IMPLEMENTATIONS = ("auto", "native", "split", "xla")


@functools.lru_cache(maxsize=None)
def tensorflow_cpu_has_grouped_gradient() -> bool:
    """Whether TensorFlow's CPU kernels differentiate a grouped convolution (oneDNN builds)."""
    import tensorflow as tf

    with tf.init_scope(), tf.device("/CPU:0"):  # eagerly, even while a function traces
        try:
            tf.raw_ops.Conv2DBackpropInput(  # the gradient of a 2-group 1x1 convolution
                input_sizes=[1, 3, 3, 2], filter=tf.ones((1, 1, 1, 2)),
                out_backprop=tf.ones((1, 3, 3, 2)), strides=[1, 1, 1, 1], padding="SAME").numpy()
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError):
            return False
    return True


def resolve(implementation: str) -> str:
    """The implementation ``"auto"`` stands for on this backend and machine."""
    check_choice("implementation", implementation, IMPLEMENTATIONS)
    if implementation != "auto":
        return implementation
    if keras.backend.backend() != "tensorflow":
        return "native"
    import tensorflow as tf

    if tf.config.list_logical_devices("GPU") or tensorflow_cpu_has_grouped_gradient():
        return "native"
    return "split"


@keras.saving.register_keras_serializable(package="keras_cnns")
class GroupedConv2D(keras.layers.Conv2D):
    """``Conv2D`` with ``groups > 1``, computed by the fastest exact form for the device.

    Args:
        implementation: ``"auto"`` (default), ``"native"``, ``"split"`` or ``"xla"``; see
            the module docstring. Other arguments are ``keras.layers.Conv2D``'s.
    """

    def __init__(self, *args, implementation: str = "auto", **kwargs):
        super().__init__(*args, **kwargs)
        check_choice("implementation", implementation, IMPLEMENTATIONS)
        self.implementation = implementation

    def convolution_op(self, inputs, kernel):
        how = resolve(self.implementation)
        if self.groups == 1 or how == "xla":
            return super().convolution_op(inputs, kernel)
        if how == "split":
            axis = -1 if self.data_format == "channels_last" else 1
            pieces = zip(ops.split(inputs, self.groups, axis=axis),
                         ops.split(kernel, self.groups, axis=-1))
            return ops.concatenate([self._conv(x, k) for x, k in pieces], axis=axis)
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            return tf.nn.convolution(
                inputs, kernel, strides=list(self.strides), padding=self.padding.upper(),
                dilations=list(self.dilation_rate),
                data_format="NHWC" if self.data_format == "channels_last" else "NCHW")
        return super().convolution_op(inputs, kernel)

    def _conv(self, inputs, kernel):
        return ops.conv(inputs, kernel, strides=list(self.strides), padding=self.padding,
                        dilation_rate=self.dilation_rate, data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "implementation": self.implementation}


def conv2d(filters: int, kernel_size, *, groups: int = 1, **kwargs) -> keras.layers.Conv2D:
    """A ``Conv2D``, or a :class:`GroupedConv2D` when ``groups > 1``."""
    if groups > 1:
        return GroupedConv2D(filters, kernel_size, groups=groups, **kwargs)
    return keras.layers.Conv2D(filters, kernel_size, **kwargs)
