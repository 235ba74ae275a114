"""The model registry: every model the suite builds, by a name in its paper's notation.

Each family registers its builder with :func:`register`, a decorator in the family's own
module, giving the paper, the reproduction that checks it, its default input and classes,
the name templates it answers to, and the models of its papers::

    @registry.register(
        "wrn", paper="Zagoruyko & Komodakis, Wide Residual Networks, BMVC 2016",
        reproduction="wrn", input_shape=(32, 32, 3), classes=10, min_size=8,
        names=[registry.name("wrn-{depth}-{k}")],
        models=["wrn-40-4", "wrn-16-8", "wrn-28-10"])
    def WideResNet(depth=28, k=10, ...): ...

A template field (``{depth}``) matches a number unless the template gives it a pattern; a
name is parsed wherever the paper has a formula, so ``create_model("wrn-16-1")`` works
although only the papers' models are listed. ``models`` are listed by
:func:`list_models`; ``aliases`` map other spellings (``resnet50``) to a canonical name.
Figures (parameters, multiply-adds) are never stored here: :meth:`ModelInfo.profile`
computes them from the built model.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import functools
import inspect
import re
import string
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from keras_cnns.arguments import fail

__all__ = ["ModelInfo", "NameTemplate", "create_model", "families", "list_models",
           "model_info", "name", "register"]

_NUMBER = r"\d+(?:\.\d+)?"


@dataclasses.dataclass(frozen=True)
class NameTemplate:
    """A name pattern such as ``"resnext-{depth}-{cardinality}x{width}d"``.

    ``fixed`` are builder arguments every name of the template implies; ``patterns`` give a
    field's regular expression (default: a number, converted to ``int`` or ``float``);
    ``convert`` maps a field's text to the builder's value and ``spell`` a value back to
    text (default: numbers as printed, strings lower-cased); ``where`` is a predicate on the
    parsed arguments that the name must satisfy (it resolves names two families share).
    """

    template: str
    fixed: Mapping = dataclasses.field(default_factory=dict)
    patterns: Mapping = dataclasses.field(default_factory=dict)
    convert: Mapping = dataclasses.field(default_factory=dict)
    spell: Mapping = dataclasses.field(default_factory=dict)
    where: Callable[[dict], bool] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.template) if f)

    def _regex(self) -> re.Pattern:
        parts = []
        for literal, field, _, _ in string.Formatter().parse(self.template):
            parts.append(re.escape(literal))
            if field:
                parts.append(f"(?P<{field}>{self.patterns.get(field, _NUMBER)})")
        return re.compile("".join(parts) + r"\Z")

    def parse(self, text: str) -> dict | None:
        """Builder arguments of ``text``, or ``None`` if the template does not fit it."""
        match = self._regex().match(text)
        if match is None:
            return None
        kwargs = {}
        for field, value in match.groupdict().items():
            if field in self.convert:
                kwargs[field] = self.convert[field](value)
            elif field in self.patterns:
                kwargs[field] = value
            else:
                kwargs[field] = float(value) if "." in value else int(value)
        kwargs.update(self.fixed)
        if self.where is not None and not self.where(kwargs):
            return None
        return kwargs

    def render(self, kwargs: Mapping) -> str | None:
        """The name of ``kwargs`` under this template, or ``None`` if they do not fit it."""
        if set(kwargs) != set(self.fields) | set(self.fixed) or any(
                kwargs[key] != value for key, value in self.fixed.items()):
            return None
        values = {}
        for field in self.fields:
            if field not in kwargs:
                return None
            value = kwargs[field]
            if field in self.spell:
                values[field] = self.spell[field](value)
            else:
                values[field] = value.lower() if isinstance(value, str) else _render(value)
        text = self.template.format(**values)
        return text if self.parse(text) == {**self.fixed, **{f: kwargs[f] for f in self.fields}} \
            else None



def _render(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if value.is_integer() else repr(value)
    return str(value)


def name(template: str, *, patterns: Mapping | None = None, convert: Mapping | None = None,
         spell: Mapping | None = None, where: Callable[[dict], bool] | None = None,
         **fixed) -> NameTemplate:
    """A :class:`NameTemplate`; keyword arguments are the builder arguments it implies."""
    return NameTemplate(template, MappingProxyType(fixed), MappingProxyType(patterns or {}),
                        MappingProxyType(convert or {}), MappingProxyType(spell or {}), where)


@dataclasses.dataclass(frozen=True)
class Family:
    """One builder and the names it answers to."""

    name: str
    builder: Callable
    paper: str
    reproduction: str | None
    input_shape: tuple
    classes: int
    min_size: int
    names: tuple[NameTemplate, ...]
    models: tuple[str, ...]
    aliases: Mapping[str, str]
    smallest: str  # the smallest sensible member (for smoke runs and fast tests)


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """What the registry knows about one model name."""

    name: str  # canonical
    family: str
    builder: Callable
    kwargs: Mapping
    paper: str
    reproduction: str | None
    input_shape: tuple
    classes: int
    min_size: int  # the smallest height/width its downsampling allows without the top
    listed: bool  # one of the papers' models (in list_models()), not only parsed

    @property
    def builder_name(self) -> str:
        return f"keras_cnns.{self.builder.__name__}"

    @property
    def call(self) -> str:
        """The builder call this name stands for, e.g. ``keras_cnns.WideResNet(depth=28, k=10)``."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"{self.builder_name}({args})"

    def accepts(self, argument: str) -> bool:
        """Whether the builder takes ``argument`` (e.g. ``dropout``)."""
        return argument in inspect.signature(self.builder).parameters

    def build(self, **overrides):
        """``builder(**kwargs, **overrides)``."""
        return self.builder(**{**self.kwargs, **overrides})

    def profile(self, **overrides):
        """Complexity profile of the built model (built without initialising weights)."""
        from keras_cnns.complexity import profile
        from keras_cnns.uninitialised import uninitialised

        with uninitialised(checkpointable=False):
            model = self.build(**overrides)
        return profile(model)


_FAMILIES: dict[str, Family] = {}


def register(family: str, *, paper: str, input_shape: tuple, classes: int, min_size: int,
             names: Sequence[NameTemplate | str], models: Sequence[str] = (),
             aliases: Mapping[str, str] | None = None, reproduction: str | None = None,
             smallest: str | None = None):
    """Decorator registering a builder as ``family`` (see the module docstring).

    ``smallest`` names the family's smallest sensible member (default: its first listed
    model), which smoke runs and fast tests build instead of the papers' sizes. The
    decorator returns the builder wrapped to answer ``weights="imagenet"``
    (:mod:`keras_cnns.pretrained`; refused, naming the models with weights, where the call
    has no keras.applications twin).
    """
    templates = tuple(name(t) if isinstance(t, str) else t for t in names)

    def decorator(builder):
        if family in _FAMILIES:
            raise ValueError(f"Model family {family!r} is registered twice.")
        builder = _takes_imagenet(builder)
        entry = Family(family, builder, paper, reproduction, tuple(input_shape), classes,
                       min_size, templates, tuple(models), MappingProxyType(dict(aliases or {})),
                       smallest or models[0])
        _FAMILIES[family] = entry
        try:
            for model in entry.models:  # every listed name must parse back to this family
                info = _resolve(model)
                if info is None or info.family != family or info.name != model:
                    raise ValueError(f"{family}: listed model {model!r} is not a canonical name "
                                     f"of the family (it resolves to {info and info.name!r}).")
            for alias, target in entry.aliases.items():
                if _parse(target) is None:
                    raise ValueError(f"{family}: alias {alias!r} points to unknown {target!r}.")
            info = _resolve(entry.smallest)
            if info is None or info.family != family:
                raise ValueError(f"{family}: smallest {entry.smallest!r} is not of the family.")
        except ValueError:
            del _FAMILIES[family]
            raise
        return builder

    return decorator


def _takes_imagenet(builder):
    """``builder`` answering ``weights="imagenet"`` (:func:`keras_cnns.pretrained.build_pretrained`:
    the keras.applications twin's released weights, copied by structure); its signature and
    every other call unchanged."""
    if getattr(builder, "takes_imagenet", False):
        return builder

    @functools.wraps(builder)
    def build(*args, **kwargs):
        weights = kwargs.get("weights")
        if isinstance(weights, str) and weights == "imagenet":
            from keras_cnns.pretrained import build_pretrained

            return build_pretrained(builder, args, kwargs)
        return builder(*args, **kwargs)

    build.takes_imagenet = True
    return build


def _parse(text: str) -> ModelInfo | None:
    """The first family whose templates parse ``text`` (exactly as given)."""
    for family in _FAMILIES.values():
        for template in family.names:
            kwargs = template.parse(text)
            if kwargs is not None:
                canonical = _canonical(family, kwargs)
                return ModelInfo(canonical, family.name, family.builder,
                                 MappingProxyType(kwargs), family.paper, family.reproduction,
                                 family.input_shape, family.classes, family.min_size,
                                 canonical in family.models)
    return None


def _canonical(family: Family, kwargs: Mapping) -> str:
    for template in family.names:
        rendered = template.render(kwargs)
        if rendered is not None:
            return rendered
    raise AssertionError(f"{family.name}: no template renders {dict(kwargs)}")


def _resolve(text: str) -> ModelInfo | None:
    info = _parse(text)
    if info is not None:
        return info
    for family in _FAMILIES.values():
        if text in family.aliases:
            return _parse(family.aliases[text])
    return None


def _known_names() -> list[str]:
    names = []
    for family in _FAMILIES.values():
        names += list(family.models) + list(family.aliases)
        names += [t.template for t in family.names]
    return names


def model_info(name: str) -> ModelInfo:
    """The :class:`ModelInfo` of a model name (canonical, alias, or parsed from a template).

    Names are case-insensitive. An unknown name raises ``ValueError`` listing close matches.
    """
    _load()
    if not isinstance(name, str):
        fail("A model name must be a string.", "name", name)
    info = _resolve(name.strip().lower())
    if info is None:
        close = difflib.get_close_matches(name.lower(), _known_names(), n=6, cutoff=0.5)
        hint = f" Close matches: {', '.join(close)}." if close else ""
        fail(f"Unknown model name; `keras_cnns.list_models()` lists the models.{hint}",
             "name", name)
    return info


def create_model(name: str, **kwargs):
    """Build the model ``name`` (see :func:`list_models`); ``kwargs`` go to its builder,
    e.g. ``create_model("wrn-28-10", classes=100, dropout=0.3)``."""
    return model_info(name).build(**kwargs)


def list_models(pattern: str | None = None, family: str | None = None) -> list[str]:
    """Canonical names of the papers' models, sorted; ``pattern`` is a shell-style
    wildcard (``"resnet-*"``), ``family`` a family name."""
    _load()
    names = []
    for entry in _FAMILIES.values():
        if family is None or entry.name == family:
            names += entry.models
    if pattern is not None:
        names = [n for n in names if fnmatch.fnmatch(n, pattern.lower())]
    return sorted(names, key=_natural)


def families() -> dict[str, Family]:
    """Every registered family by name."""
    _load()
    return dict(_FAMILIES)


def _natural(text: str):
    return [(0, float(part), "") if re.fullmatch(_NUMBER, part) else (1, 0.0, part)
            for part in re.split(rf"({_NUMBER})", text)]


def _load() -> None:
    """Import the families' modules, which register them."""
    import keras_cnns  # noqa: F401  (its __init__ imports every family module)
