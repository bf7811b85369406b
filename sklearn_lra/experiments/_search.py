"""Random search over each rule's own knobs: the configurations of a tuning study.

A *search space* maps estimator keywords to dimensions (:class:`LogUniform`,
:class:`OneOf`, :class:`ScaledInit`); :func:`draw_configurations` returns a
rule's study setting followed by configurations drawn from its space. The
draws of a rule come from a random stream named by the rule and a seed
alone, so that they do not depend on which other rules a study lists or on
the order they are drawn in.
"""

import math
import zlib
from dataclasses import dataclass

import numpy as np

from .._initializers import DEFAULT_SCALES


def _round(value):
    """Three significant digits: a drawn value that reads well in a label.

    The ends of every range have fewer digits, so that a rounded draw never
    leaves its range.
    """
    return float(f"{value:.3g}")


@dataclass(frozen=True)
class LogUniform:
    """A number drawn uniformly on a log scale between ``low`` and ``high``."""

    low: float
    high: float

    def draw(self, rng):
        """One value, rounded to three significant digits."""
        return _round(math.exp(rng.uniform(math.log(self.low), math.log(self.high))))

    def __str__(self):
        return f"log-uniform on [{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class OneOf:
    """One of ``options``, each equally likely unless ``p`` says otherwise.

    An option that is itself a dimension (has ``draw``) is drawn from.
    """

    options: tuple
    p: tuple | None = None

    def draw(self, rng):
        """One option (a value, or a draw of a dimension)."""
        option = self.options[rng.choice(len(self.options), p=self.p)]
        return option.draw(rng) if hasattr(option, "draw") else option

    def __str__(self):
        names = [_describe(o) for o in self.options]
        if self.p is None:
            return "uniform over {" + ", ".join(names) + "}"
        return "; ".join(f"{n} (p = {p:g})" for n, p in zip(names, self.p))


@dataclass(frozen=True)
class ScaledInit:
    """An initialisation scheme whose scale is its base scale times a drawn multiplier.

    Draws a spec for :func:`~._grid.parse_init`, e.g. ``'glorot_uniform(1.7)'``.

    Parameters
    ----------
    scheme : str
        The scheme (a key of ``DEFAULT_SCALES``).
    base : float or None
        The scale multiplied; None for the scheme's default scale.
    multiplier : LogUniform
        The factor applied to ``base``.
    """

    scheme: str
    base: float | None
    multiplier: LogUniform

    def draw(self, rng):
        """A named initialisation with its drawn scale."""
        return f"{self.scheme}({_round(self._base * self.multiplier.draw(rng)):g})"

    @property
    def _base(self):
        return DEFAULT_SCALES[self.scheme] if self.base is None else self.base

    def __str__(self):
        return f"{self.scheme}, scale {self._base:g} x {self.multiplier}"


def _describe(option):
    """An option of :class:`OneOf` as text."""
    return str(option) if hasattr(option, "draw") else repr(option)


def rule_stream(rule, seed):
    """The random stream of one rule's draws: seeded by ``seed`` and the rule's name only.

    Parameters
    ----------
    rule : str
    seed : int

    Returns
    -------
    rng : numpy.random.Generator
    """
    # crc32, not hash(): Python salts string hashes per process.
    return np.random.default_rng([seed, zlib.crc32(rule.encode())])


def draw_configurations(rule, setting, space, n_configs, seed):
    """The study's setting of a rule, then ``n_configs - 1`` configurations drawn from its space.

    Parameters
    ----------
    rule : str
        The rule; names its random stream.
    setting : dict
        The rule's values of the keys of ``space`` in the study: configuration 0.
    space : dict of str to dimension
        The keywords searched and what each is drawn from, in drawing order.
    n_configs : int
        Configurations in all, the setting included.
    seed : int
        Seed of the search.

    Returns
    -------
    configurations : tuple of dict
        ``n_configs`` dicts with the keys of ``space``.

    Raises
    ------
    ValueError
        If ``setting`` does not give exactly the keys of ``space``, or
        ``n_configs`` is below 1.
    """
    if set(setting) != set(space):
        raise ValueError(
            f"Rule {rule!r}: the study setting gives {sorted(setting)}, the space {sorted(space)}."
        )
    if n_configs < 1:
        raise ValueError(f"n_configs must be at least 1, got {n_configs}.")
    rng = rule_stream(rule, seed)
    drawn = [{k: dim.draw(rng) for k, dim in space.items()} for _ in range(n_configs - 1)]
    return (dict(setting), *drawn)


def initial_scale_dimension(init, init_scale, multiplier):
    """The initial-scale knob of a rule that starts from ``init`` at ``init_scale``.

    A random start gets its scale times ``multiplier``; a zero start, which
    has no scale, is drawn between zeros and Glorot-uniform at a drawn gain,
    so that every rule has the knob.

    Parameters
    ----------
    init : str
        The rule's scheme in the study.
    init_scale : float or None
        Its scale in the study (None: the scheme's default).
    multiplier : LogUniform

    Returns
    -------
    dimension : ScaledInit or OneOf
    """
    if init == "zeros":
        return OneOf(("zeros", ScaledInit("glorot_uniform", None, multiplier)))
    return ScaledInit(init, init_scale, multiplier)
