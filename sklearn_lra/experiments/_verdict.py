"""Decide from the results whether each claim of the paper is reproduced.

Every verdict is a list of checks, each a comparison of measured numbers
with a stated threshold; the claim is *reproduced* when every check passes,
*partly reproduced* when some do, *not reproduced* when none does, and *not
evaluated* when the results hold no data for it. The thresholds are the
module constants below, printed in the report.
"""

from dataclasses import dataclass, field

from ._tables import group_rows, summarise

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
    verdict = Verdict("1. LRA trains deep networks on MNIST and Fashion-MNIST")
    rules_rows = _ok_rows(rows, "rules")
    for (dataset, depth), group in group_rows(rules_rows, ["dataset", "depth"]).items():
        by_rule = _means(group, ["rule"])
        if ("lra",) not in by_rule:
            continue
        lra, limit = by_rule[("lra",)], trained_threshold(dataset, _chance(group))
        bp = by_rule.get(("bp",))
        text = f"{dataset}, {depth} hidden layers: LRA {_pct(lra.mean)}"
        text += f" (trained below {_pct(limit)})"
        text += f"; BP {_pct(bp.mean)}" if bp else ""
        verdict.checks.append(Check(lra.mean < limit, text))
    return verdict


def claim_beats_fa_dtp(rows):
    """Claim 2: LRA has a lower mean test error than FA and DTP in the rule comparison."""
    verdict = Verdict("2. LRA outperforms target propagation (DTP) and feedback alignment (FA)")
    rules_rows = _ok_rows(rows, "rules")
    for (dataset, depth), group in group_rows(rules_rows, ["dataset", "depth"]).items():
        by_rule = _means(group, ["rule"])
        if ("lra",) not in by_rule:
            continue
        lra = by_rule[("lra",)]
        for rival in ("fa", "dtp"):
            if (rival,) in by_rule:
                other = by_rule[(rival,)]
                text = (
                    f"{dataset}, {depth} hidden layers: LRA {_pct(lra.mean)} vs "
                    f"{rival.upper()} {_pct(other.mean)}"
                )
                verdict.checks.append(Check(lra.mean < other.mean, text))
    return verdict


def claim_null_init(rows):
    """Claim 3: LRA trains from all-zero weights with tanh, relu6, softplus and sign."""
    verdict = Verdict("3. LRA trains from a null (all-zero) initialisation")
    zero_rows = [r for r in _ok_rows(rows, "null_init") if _is_zeros(r)]
    for (dataset, activation), group in group_rows(zero_rows, ["dataset", "activation"]).items():
        by_rule = _means(group, ["rule"])
        if ("lra",) not in by_rule:
            continue
        chance = _chance(group)
        lra, limit = by_rule[("lra",)], trained_threshold(dataset, chance)
        text = f"{dataset}, {activation}: LRA {_pct(lra.mean)} (trained below {_pct(limit)})"
        bp = by_rule.get(("bp",))
        if bp:
            state = "at chance" if _at_chance(bp.mean, chance) else "not at chance"
            text += f"; BP {_pct(bp.mean)} ({state}, chance {_pct(chance)})"
        if activation in NULL_INIT_ACTIVATIONS:
            verdict.checks.append(Check(lra.mean < limit, text))
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
        "4. LRA is much less sensitive to the initialisation than BP and succeeds where "
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
    """LRA at 3x256 tanh within 0.5 points of BP on MNIST, 1 point on Fashion-MNIST."""
    verdict = Verdict("LRA at 3x256 tanh within 0.5 points of BP (MNIST), 1 point (F-MNIST)")
    group = [r for r in _ok_rows(rows, "rules", depth=3, activation="tanh") if r["width"] == 256]
    for (dataset,), by_dataset in group_rows(group, ["dataset"]).items():
        by_rule = _means(by_dataset, ["rule"])
        lra, bp = by_rule.get(("lra",)), by_rule.get(("bp",))
        if lra and bp:
            gap = lra.mean - bp.mean
            text = (
                f"{dataset}: LRA {_pct(lra.mean)}, BP {_pct(bp.mean)}, gap "
                f"{100 * gap:+.2f} points (allowed {100 * WITHIN_BP[dataset]:.1f})"
            )
            verdict.checks.append(Check(gap <= WITHIN_BP[dataset], text))
    return verdict


def target_beats_fa_dtp_deep(rows):
    """LRA better than FA and DTP at 8 hidden layers on both data sets."""
    deep = [r for r in rows if r["depth"] == 8]
    verdict = claim_beats_fa_dtp(deep)
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
            text = f"mnist, {activation}: LRA {_pct(lra.mean)} (target below {_pct(limit)})"
            verdict.checks.append(Check(lra.mean < limit, text))
        if bp and activation in NULL_INIT_ACTIVATIONS:
            text = f"{dataset}, {activation}: BP {_pct(bp.mean)} (chance {_pct(chance)})"
            verdict.checks.append(Check(_at_chance(bp.mean, chance), text))
    return verdict
