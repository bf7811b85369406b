"""Decide from the results whether each claim of the paper is reproduced.

Every verdict is a list of checks, each a comparison of measured numbers
with a stated threshold; the claim is *reproduced* when every check passes,
*partly reproduced* when some do, *not reproduced* when none does, and *not
evaluated* when the results hold no data for it. The thresholds are the
module constants below, printed in the report.

Comparisons are noise-aware (:func:`compare`, :func:`interval`): a mean
error gets a confidence interval that combines the seed-to-seed spread with
the binomial noise of an error measured on ``n`` images, and two rules are a
*win*, a *loss* or a *tie* by whether the interval of their difference
excludes zero. :data:`TEST_DESCRIPTION` states it in the report.
"""

import math
from dataclasses import dataclass, field

from scipy import stats

from ._data import N_TEST, N_VALIDATION
from ._grid import TUNED
from ._registry import rule_label
from ._tables import group_rows, summarise

#: Two-sided confidence level of every interval.
CONFIDENCE = 0.95

TEST_DESCRIPTION = (
    "Every comparison is decided by a 95% confidence interval, not by the sign of a "
    "difference. For a mean error `m` over `k` seeds measured on `n` images, the variance "
    "is `s²/k + m(1 - m)/n`: the seed-to-seed spread (`s`, the standard deviation over "
    "seeds) plus the binomial noise of an error rate on `n` images, which averaging over "
    "seeds does not remove because every seed sees the same images. For the difference "
    "of two rules, the seed part is the variance of the per-seed differences over `k` "
    "when both have the same seeds (paired), else `s_a²/k_a + s_b²/k_b`, and the binomial "
    "parts of both rules add up (an upper bound: both see the same images). The "
    "half-width is `sqrt(t² V_seeds + z² V_binomial)`: the seed part scaled by Student's t "
    "quantile with `k - 1` degrees of freedom (it is estimated from `k` seeds), the "
    "binomial part by the normal quantile `z` = 1.96 (its variance is known); with one "
    "seed the interval is the binomial one alone. A rule *wins* when the interval of its "
    "error minus the other's lies "
    "below zero, *loses* when it lies above, and *ties* otherwise; a mean is *below* a "
    "threshold when its whole interval is, and a gap is *within* an allowance when the "
    "interval's upper end is (a non-inferiority test)."
)

#: A network counts as trained when its mean test error is below this; for
#: other data sets, below half the error of the best constant prediction.
TRAINED_BELOW = {"mnist": 0.10, "fashion_mnist": 0.20}

#: A network is "at chance" within this many error points of the best
#: constant prediction.
AT_CHANCE_MARGIN = 0.05

#: Claim 4: LRA's spread of test error across inits is at most this times BP's.
SPREAD_RATIO = 1 / 3

#: The nonlinearities claim 3 names.
NULL_INIT_ACTIVATIONS = ("tanh", "relu6", "softplus", "sign")

#: The targets are about the paper's data sets only.
PAPER_DATASETS = ("mnist", "fashion_mnist")

#: Target: LRA at 3x256 tanh at most this many error points behind BP.
WITHIN_BP = {"mnist": 0.005, "fashion_mnist": 0.01}

#: Target: LRA from zeros on MNIST below this test error.
NULL_INIT_TARGET = {"tanh": 0.03, "relu6": 0.03, "softplus": 0.03, "sign": 0.05}

STATUSES = ("reproduced", "partly reproduced", "not reproduced", "not evaluated")


@dataclass
class Check:
    """One comparison: did it pass, and the numbers that decided it."""

    passed: bool
    text: str


@dataclass
class Verdict:
    """The verdict on one claim or target.

    Attributes
    ----------
    title : str
        The claim or target, in words.
    checks : list of Check
        The comparisons that decide it.
    notes : list of str
        Further numbers that inform but do not decide.
    """

    title: str
    checks: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def status(self):
        """One of :data:`STATUSES`."""
        if not self.checks:
            return "not evaluated"
        n_passed = sum(c.passed for c in self.checks)
        if n_passed == len(self.checks):
            return "reproduced"
        return "partly reproduced" if n_passed else "not reproduced"


# ------------------------------------------------------------------ statistics


@dataclass
class Interval:
    """A mean (of an error, or of a difference of errors) and its confidence interval.

    Attributes
    ----------
    mean, low, high : float
        The estimate and the ends of its :data:`CONFIDENCE` interval.
    n_seeds : int
        Seeds behind the estimate (the smaller count for a difference).
    """

    mean: float
    low: float
    high: float
    n_seeds: int

    @property
    def outcome(self):
        """For a difference a - b of errors: 'win' (a lower), 'loss' or 'tie'."""
        if self.high < 0:
            return "win"
        return "loss" if self.low > 0 else "tie"

    def text(self, scale=100.0, signed=False):
        """``'-0.08 points, 95% CI [-0.40, +0.24]'`` style, in percent points."""
        sign = "+" if signed else ""
        return (
            f"{scale * self.mean:{sign}.2f}, {100 * CONFIDENCE:.0f}% CI "
            f"[{scale * self.low:{sign}.2f}, {scale * self.high:{sign}.2f}]"
        )


def _quantile(n_seeds):
    """Student's t quantile with ``n_seeds - 1`` degrees of freedom (normal for one seed)."""
    upper = 1 - (1 - CONFIDENCE) / 2
    return float(stats.t.ppf(upper, n_seeds - 1)) if n_seeds > 1 else float(stats.norm.ppf(upper))


def _errors_by_seed(rows, column):
    """Seed -> error of the rows with a result (mean if a seed appears twice)."""
    by_seed = {}
    for r in rows:
        if r["status"] in ("ok", "diverged") and r[column] is not None:
            by_seed.setdefault(r["seed"], []).append(r[column])
    return {seed: sum(v) / len(v) for seed, v in by_seed.items()}


def _variance(values):
    """Sample variance (``ddof=1``); 0 for fewer than two values."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = sum(values) / n
    return sum((v - mean) ** 2 for v in values) / (n - 1)


def n_images(rows, column="test_error"):
    """Images an error of ``rows`` is measured on (test or validation rows)."""
    sizes = N_TEST if column == "test_error" else N_VALIDATION
    return min(sizes.get(r["dataset"], 0) for r in rows) if rows else 0


def _binomial(p, n):
    """Variance of an error rate ``p`` measured on ``n`` images (0 without images)."""
    return p * (1 - p) / n if n else 0.0


def interval(rows, column="test_error", n=None):
    """The mean error of some runs with its confidence interval.

    Parameters
    ----------
    rows : list of dict
        Runs of one setting (one per seed).
    column : {'test_error', 'val_error'}, default='test_error'
    n : int or None, default=None
        Images the error is measured on; by default from the data set.

    Returns
    -------
    interval : Interval or None
        None when no run has a result.
    """
    errors = list(_errors_by_seed(rows, column).values())
    if not errors:
        return None
    n = n_images(rows, column) if n is None else n
    k = len(errors)
    mean = sum(errors) / k
    half = _half_width(_variance(errors) / k, _binomial(mean, n), k)
    # An error rate lies in [0, 1] whatever the noise.
    return Interval(mean, max(mean - half, 0.0), min(mean + half, 1.0), k)


def _half_width(seed_part, binomial_part, k):
    """Half-width: each variance times the square of its own quantile, added."""
    t, z = _quantile(k), _quantile(1)
    return math.sqrt(t**2 * seed_part + z**2 * binomial_part)


def compare(rows_a, rows_b, column="test_error", n=None):
    """The difference of mean errors a - b with its confidence interval.

    Paired over seeds when both have the same seeds (at least two), else
    unpaired; see :data:`TEST_DESCRIPTION`. ``compare(...).outcome`` is
    'win' when a has the lower error beyond the noise.

    Parameters
    ----------
    rows_a, rows_b : list of dict
        Runs of the two settings.
    column : {'test_error', 'val_error'}, default='test_error'
    n : int or None, default=None
        Images the errors are measured on; by default from the data set.

    Returns
    -------
    difference : Interval or None
        None when either side has no result.
    """
    a, b = _errors_by_seed(rows_a, column), _errors_by_seed(rows_b, column)
    if not a or not b:
        return None
    n = n_images(rows_a + rows_b, column) if n is None else n
    mean_a, mean_b = sum(a.values()) / len(a), sum(b.values()) / len(b)
    if set(a) == set(b) and len(a) > 1:
        k = len(a)
        seed_part = _variance([a[s] - b[s] for s in a]) / k
    else:
        k = min(len(a), len(b))
        seed_part = _variance(list(a.values())) / len(a) + _variance(list(b.values())) / len(b)
    diff = mean_a - mean_b
    half = _half_width(seed_part, _binomial(mean_a, n) + _binomial(mean_b, n), k)
    return Interval(diff, diff - half, diff + half, k)


def _below(rows, limit):
    """Whether the mean error's whole interval lies below ``limit``, and its text."""
    iv = interval(rows)
    return iv.high < limit, f"{_pct(iv.mean)} (CI {_pct(iv.low)} to {_pct(iv.high)})"


def versus(rows_a, rows_b, name_a, name_b):
    """``'LRA 2.16% vs DTP 2.08%: tie (difference +0.08 points, 95% CI [...])'``."""
    diff = compare(rows_a, rows_b)
    a, b = summarise(rows_a), summarise(rows_b)
    return diff, (
        f"{name_a} {_pct(a.mean)} vs {name_b} {_pct(b.mean)}: {diff.outcome} "
        f"(difference {diff.text(signed=True)} points)"
    )


# ------------------------------------------------------------------ helpers


def _pct(x):
    """An error rate in percent."""
    return f"{100 * x:.2f}%"


def _ok_rows(rows, kind, **equal):
    """Rows of studies of ``kind`` with a result and the given label values."""
    return [
        r
        for r in rows
        if r["kind"] == kind
        and r["status"] in ("ok", "diverged")
        and all(r[k] == v for k, v in equal.items())
    ]


def _means(rows, keys):
    """Mean test error per group of ``keys`` (groups without a result left out)."""
    return {k: summarise(g) for k, g in group_rows(rows, keys).items()}


def trained_threshold(dataset, chance):
    """The test error under which a network counts as trained."""
    return TRAINED_BELOW.get(dataset, chance / 2)


def _chance(rows):
    """The best constant prediction's error, from the rows of one data set."""
    return max(r["chance_error"] for r in rows)


def _at_chance(mean, chance):
    """True when an error is within :data:`AT_CHANCE_MARGIN` of chance."""
    return mean >= chance - AT_CHANCE_MARGIN


def _is_zeros(row):
    """True for a run initialised with all-zero weights."""
    return str(row["init_used"]).split("(")[0] == "zeros"


# ------------------------------------------------------------------ claims


def evaluate_claims(rows):
    """The verdict on each of the paper's four claims.

    Parameters
    ----------
    rows : list of dict
        From :func:`make_rows`, all studies.

    Returns
    -------
    verdicts : list of Verdict
    """
    return [
        claim_trains_deep(rows),
        claim_beats_fa_dtp(rows),
        claim_null_init(rows),
        claim_init_sensitivity(rows),
    ]


def claim_trains_deep(rows):
    """Claim 1: LRA trains (deep) networks on each data set of the rule comparison."""
    verdict = Verdict("LRA trains deep networks on MNIST and Fashion-MNIST")
    rules_rows = _ok_rows(rows, "rules")
    for (dataset, depth), group in group_rows(rules_rows, ["dataset", "depth"]).items():
        by_rule = _means(group, ["rule"])
        if ("lra",) not in by_rule:
            continue
        limit = trained_threshold(dataset, _chance(group))
        passed, lra = _below([r for r in group if r["rule"] == "lra"], limit)
        bp = by_rule.get(("bp",))
        text = f"{dataset}, {depth} hidden layers: LRA {lra}"
        text += f" (trained below {_pct(limit)})"
        text += f"; BP {_pct(bp.mean)}" if bp else ""
        verdict.checks.append(Check(passed, text))
    return verdict


#: Claim 2 from a tuning study: these forms of LRA, each against these rivals.
TUNED_LRA_RULES = ("lra", "lra_fdbk_2018", "lra_e_2019")
TUNED_RIVALS = ("fa", "dfa", "dtp")

#: Claim 2 from the rule comparison (a profile without a tuning study).
UNTUNED_RIVALS = ("fa", "dtp")


def reads_tuning(rows):
    """Whether claim 2 is judged on a tuning study: when ``rows`` hold one.

    A rule comparison runs every rule at the settings the profile pins, LRA's
    chosen by its own ablations and the others' not searched at all; a tuning
    study gives every rule the same budget, so that its retrained choices
    decide the claim wherever it was run (even while its search is
    unfinished: the claim is then not evaluated).

    Parameters
    ----------
    rows : list of dict

    Returns
    -------
    bool
    """
    return any(r["kind"] in ("tuning", TUNED) for r in rows)


def claim_beats_fa_dtp(rows, depths=None):
    """Claim 2: LRA has a lower mean test error than FA and DTP.

    From the retrained choices of a tuning study when the rows hold one (the
    package's LRA and both presets, each against FA, DFA and DTP), else from
    the rule comparison (LRA against FA and DTP).

    Parameters
    ----------
    rows : list of dict
        From :func:`make_rows`, all studies.
    depths : sequence of int or None, default=None
        Only these depths (None: all).

    Returns
    -------
    verdict : Verdict
    """
    verdict = Verdict("LRA outperforms target propagation (DTP) and feedback alignment (FA)")
    if reads_tuning(rows):
        kind, leads, rivals = TUNED, TUNED_LRA_RULES, TUNED_RIVALS
        verdict.notes.append(
            "Read from the tuning study's retrained choices (every rule tuned with the same "
            "budget, test error over the final seeds), not from the rule comparison."
        )
    else:
        kind, leads, rivals = "rules", ("lra",), UNTUNED_RIVALS
    chosen = [r for r in _ok_rows(rows, kind) if depths is None or r["depth"] in depths]
    for (dataset, depth), group in group_rows(chosen, ["dataset", "depth"]).items():
        by_rule = {rule: [r for r in group if r["rule"] == rule] for rule in (*leads, *rivals)}
        for lead in leads:
            for rival in rivals:
                if by_rule[lead] and by_rule[rival]:
                    diff, text = versus(
                        by_rule[lead], by_rule[rival], rule_label(lead), rule_label(rival)
                    )
                    text = f"{dataset}, {depth} hidden layers: {text}"
                    verdict.checks.append(Check(diff.outcome == "win", text))
    return verdict


def claim_null_init(rows):
    """Claim 3: LRA trains from all-zero weights with tanh, relu6, softplus and sign."""
    verdict = Verdict("LRA trains from a null (all-zero) initialisation")
    zero_rows = [r for r in _ok_rows(rows, "null_init") if _is_zeros(r)]
    for (dataset, activation), group in group_rows(zero_rows, ["dataset", "activation"]).items():
        by_rule = _means(group, ["rule"])
        if ("lra",) not in by_rule:
            continue
        chance = _chance(group)
        limit = trained_threshold(dataset, chance)
        passed, lra = _below([r for r in group if r["rule"] == "lra"], limit)
        text = f"{dataset}, {activation}: LRA {lra} (trained below {_pct(limit)})"
        bp = by_rule.get(("bp",))
        if bp:
            state = "at chance" if _at_chance(bp.mean, chance) else "not at chance"
            text += f"; BP {_pct(bp.mean)} ({state}, chance {_pct(chance)})"
        if activation in NULL_INIT_ACTIVATIONS:
            verdict.checks.append(Check(passed, text))
        else:
            verdict.notes.append(f"{text} (not part of the claim)")
    return verdict


def init_spreads(rows):
    """Per (data set, depth, activation, rule): the init-to-init spread of mean test error.

    Parameters
    ----------
    rows : list of dict
        Rows of initialisation-sensitivity studies.

    Returns
    -------
    spreads : dict
        ``(dataset, depth, activation, rule)`` -> ``(spread, best, worst,
        means)`` with ``means`` a dict init -> mean test error and ``best``,
        ``worst`` the inits of the lowest and highest mean. Only groups with
        at least two initialisations.
    """
    spreads = {}
    keys = ["dataset", "depth", "activation", "rule"]
    for key, group in group_rows(rows, keys).items():
        means = {k[0]: s.mean for k, s in _means(group, ["init"]).items() if s.n}
        if len(means) >= 2:
            best, worst = min(means, key=means.get), max(means, key=means.get)
            spreads[key] = (means[worst] - means[best], best, worst, means)
    return spreads


def claim_init_sensitivity(rows):
    """Claim 4: LRA's init-to-init spread is at most a third of BP's, and LRA always trains."""
    verdict = Verdict(
        "LRA is much less sensitive to the initialisation than BP and succeeds where "
        f"BP fails (spread across inits at most {SPREAD_RATIO:.2g} of BP's; LRA trains "
        "from every init)"
    )
    sensitivity_rows = _ok_rows(rows, "init_sensitivity")
    for setting, lra, bp in _lra_bp_spreads(init_spreads(sensitivity_rows)):
        verdict.checks.append(_spread_check(setting, lra, bp))
        verdict.checks.append(_worst_init_check(setting, lra, sensitivity_rows))
        verdict.notes.extend(_bp_failures(rows, *setting))
    return verdict


def _lra_bp_spreads(spreads):
    """``(setting, lra spread, bp spread)`` for every setting that has both rules."""
    for (*setting, rule), lra in spreads.items():
        bp = spreads.get((*setting, "bp"))
        if rule == "lra" and bp is not None:
            yield tuple(setting), lra, bp


def _spread_check(setting, lra, bp):
    """LRA's spread at most :data:`SPREAD_RATIO` of BP's."""
    dataset, depth, activation = setting
    ratio = lra[0] / bp[0] if bp[0] > 0 else (0.0 if lra[0] == 0 else float("inf"))
    text = (
        f"{dataset}, {depth} hidden layers, {activation}: spread LRA "
        f"{100 * lra[0]:.2f} points, BP {100 * bp[0]:.2f} points; ratio {ratio:.2f}"
    )
    return Check(ratio <= SPREAD_RATIO, text)


def _worst_init_check(setting, lra, rows):
    """LRA's worst initialisation still trains (a small spread at chance proves nothing)."""
    dataset, depth, activation = setting
    _, _, worst, means = lra
    chance = _chance([r for r in rows if r["dataset"] == dataset])
    limit = trained_threshold(dataset, chance)
    text = (
        f"{dataset}, {depth} hidden layers, {activation}: LRA's worst init {worst} gives "
        f"{_pct(means[worst])} (trained below {_pct(limit)})"
    )
    return Check(means[worst] < limit, text)


def _bp_failures(rows, dataset, depth, activation):
    """Notes on the inits where BP stays at chance and LRA trains."""
    group = _ok_rows(rows, "init_sensitivity", dataset=dataset, depth=depth, activation=activation)
    chance = _chance(group)
    limit = trained_threshold(dataset, chance)
    notes = []
    for (init,), by_init in group_rows(group, ["init"]).items():
        by_rule = _means(by_init, ["rule"])
        lra, bp = by_rule.get(("lra",)), by_rule.get(("bp",))
        if lra and bp and _at_chance(bp.mean, chance) and lra.mean < limit:
            notes.append(
                f"{dataset}, {depth} layers, init {init}: BP fails ({_pct(bp.mean)}) "
                f"where LRA trains ({_pct(lra.mean)})"
            )
    return notes


# ------------------------------------------------------------------ targets


def evaluate_targets(rows):
    """The quantitative targets, on MNIST and Fashion-MNIST only.

    Parameters
    ----------
    rows : list of dict
        From :func:`make_rows`, all studies.

    Returns
    -------
    verdicts : list of Verdict
    """
    rows = [r for r in rows if r["dataset"] in PAPER_DATASETS]
    return [
        target_close_to_bp(rows),
        target_beats_fa_dtp_deep(rows),
        target_null_init(rows),
        target_init_spread(rows),
    ]


def target_init_spread(rows):
    """LRA's spread of test error across initialisations at most a third of BP's."""
    verdict = Verdict("LRA's spread of test error across inits at most a third of BP's")
    spreads = init_spreads(_ok_rows(rows, "init_sensitivity"))
    verdict.checks += [_spread_check(s, lra, bp) for s, lra, bp in _lra_bp_spreads(spreads)]
    return verdict


def _renamed(verdict, title):
    """The same verdict under another title."""
    verdict.title = title
    return verdict


def target_close_to_bp(rows):
    """LRA at 3x256 tanh within 0.5 points of BP on MNIST, 1 point on Fashion-MNIST.

    Non-inferiority: the upper end of the interval of the gap must be within
    the allowance.
    """
    verdict = Verdict("LRA at 3x256 tanh within 0.5 points of BP (MNIST), 1 point (F-MNIST)")
    group = [r for r in _ok_rows(rows, "rules", depth=3, activation="tanh") if r["width"] == 256]
    for (dataset,), by_dataset in group_rows(group, ["dataset"]).items():
        lra = [r for r in by_dataset if r["rule"] == "lra"]
        bp = [r for r in by_dataset if r["rule"] == "bp"]
        if lra and bp:
            gap = compare(lra, bp)
            text = (
                f"{dataset}: LRA {_pct(summarise(lra).mean)}, BP {_pct(summarise(bp).mean)}, "
                f"gap {gap.text(signed=True)} points (allowed {100 * WITHIN_BP[dataset]:.1f})"
            )
            verdict.checks.append(Check(gap.high <= WITHIN_BP[dataset], text))
    return verdict


def target_beats_fa_dtp_deep(rows):
    """LRA better than FA and DTP at 8 hidden layers on both data sets."""
    verdict = claim_beats_fa_dtp(rows, depths=(8,))
    return _renamed(verdict, "LRA better than FA and DTP at 8 hidden layers on both data sets")


def target_null_init(rows):
    """LRA from zeros on MNIST under 3% (tanh/relu6/softplus), 5% (sign); BP at chance."""
    verdict = Verdict(
        "LRA from zeros on MNIST under 3% (tanh, relu6, softplus) and 5% (sign); BP at chance"
    )
    zero_rows = [r for r in _ok_rows(rows, "null_init") if _is_zeros(r)]
    for (dataset, activation), group in group_rows(zero_rows, ["dataset", "activation"]).items():
        by_rule, chance = _means(group, ["rule"]), _chance(group)
        lra, bp = by_rule.get(("lra",)), by_rule.get(("bp",))
        if lra and dataset == "mnist" and activation in NULL_INIT_TARGET:
            limit = NULL_INIT_TARGET[activation]
            passed, text = _below([r for r in group if r["rule"] == "lra"], limit)
            text = f"mnist, {activation}: LRA {text} (target below {_pct(limit)})"
            verdict.checks.append(Check(passed, text))
        if bp and activation in NULL_INIT_ACTIVATIONS:
            text = f"{dataset}, {activation}: BP {_pct(bp.mean)} (chance {_pct(chance)})"
            verdict.checks.append(Check(_at_chance(bp.mean, chance), text))
    return verdict
