"""Training engine: paper recipes, tfds pipelines, tf.distribute, resumable runs.

``python -m reproductions <paper> --train --model NAME --dataset NAME`` is the command line;
:func:`keras_cnns.training.engine.train` is the library entry point.
"""

from keras_cnns.training import models, recipes
from keras_cnns.training.recipes import RECIPES, Recipe, Schedule

__all__ = ["RECIPES", "Recipe", "Schedule", "models", "recipes"]
