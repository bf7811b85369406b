"""The tuning study gives every rule the same budget, drawn over each rule's own knobs.

The ranges below are the study's specification, written out here rather than
read from the profiles, so that a changed range in the code fails a test.
"""

import csv
import math
import re
import statistics
from collections import Counter

import pytest

from sklearn_lra.experiments import _profiles, expand_study, get_profile, parse_init
from sklearn_lra.experiments._grid import TUNED, Study, variant_label
from sklearn_lra.experiments._search import draw_configurations
from sklearn_lra.experiments._verdict import claim_beats_fa_dtp
from sklearn_lra.experiments.cli import main
from sklearn_lra.rules._presets import PRESETS

from .test_experiments import row, tiny_study

RULES = ("lra", "bp", "fa", "dfa", "dtp", "lra_fdbk_2018", "lra_e_2019")
PRESET_NAMES = ("lra_fdbk_2018", "lra_e_2019")

#: The knobs each rule is searched over, beside the learning rate and the initialisation.
OWN_KNOBS = {
    "lra": {
        "beta",
        "local_error",
        "local_loss",
        "feedback_scale",
        "update_cap",
        "window",
        "adaptive_scale",
        "centering",
    },
    "bp": set(),
    "fa": {"feedback_scale"},
    "dfa": {"feedback_scale"},
    "dtp": {"inverse_learning_rate", "target_step"},
    "lra_fdbk_2018": {"beta"},
    "lra_e_2019": {"beta"},
}

#: Log-uniform ranges of the continuous knobs.
RANGES = {
    ("lra", "beta"): (0.1, 2.0),
    ("lra_fdbk_2018", "beta"): (0.03, 1.0),
    ("lra_e_2019", "beta"): (0.03, 1.0),
    ("fa", "feedback_scale"): (0.03, 3.0),
    ("dfa", "feedback_scale"): (0.03, 3.0),
    ("dtp", "inverse_learning_rate"): (0.1, 10.0),
    ("dtp", "target_step"): (0.01, 1.0),
}


def tuning(profile="medium"):
    """The tuning study of a built-in profile."""
    return next(s for s in get_profile(profile).studies if s.kind == "tuning")


def base_rate(rule):
    """The rule's learning rate in the other studies: a preset's own, else the pinned 0.01."""
    return PRESETS[rule]["learning_rate_init"] if rule in PRESETS else 0.01


def ablation_values(name):
    """The values LRA's ablation of ``name`` tries in the medium profile."""
    return next(s.grid[name] for s in get_profile("medium").studies if s.grid.get(name))


# ----------------------------------------------------------------- the budget


@pytest.mark.parametrize("profile, n_configs", [("medium", 10), ("small", 4)])
def test_every_rule_gets_the_same_number_of_configurations(profile, n_configs):
    study = tuning(profile)
    assert set(study.rules) == set(RULES)
    runs = expand_study(study)
    per_rule = Counter(run.labels["rule"] for run in runs)
    settings = len(study.datasets) * len(study.depths) * len(study.seeds)
    assert per_rule == dict.fromkeys(RULES, n_configs * settings)
    for rule in RULES:
        labels = {run.labels["variant"] for run in runs if run.labels["rule"] == rule}
        assert len(labels) == n_configs, rule  # all distinct


def test_the_medium_study_has_the_stated_size():
    """7 rules x 10 configurations x 2 data sets x 2 depths, 10,000 rows, 10 epochs."""
    study = tuning("medium")
    assert study.datasets == ("mnist", "fashion_mnist") and study.depths == (3, 8)
    assert (study.width, study.n_train, study.epochs) == (256, 10000, 10)
    assert (study.seeds, study.final_seeds) == ((0,), (1, 2, 3, 4, 5))
    assert study.n_runs == 7 * 10 * 2 * 2


def test_configuration_0_trains_exactly_as_the_rule_comparison():
    """Configuration 0 is each rule's setting in the other studies: the same training
    configuration (hash) as the rule comparison's run of that rule, data, depth and seed."""
    profile = get_profile("medium")
    compared = {
        (r.labels["rule"], r.labels["dataset"], r.labels["depth"], r.labels["seed"]): r.key
        for study in profile.studies
        if study.kind == "rules"
        for r in expand_study(study)
    }
    study = tuning("medium")
    first = {rule: variant_label(study.variants(rule)[0]) for rule in RULES}
    runs = [r for r in expand_study(study) if r.labels["variant"] == first[r.labels["rule"]]]
    assert len(runs) == 7 * 2 * 2
    for run in runs:
        labels = run.labels
        assert run.key == compared[(labels["rule"], labels["dataset"], labels["depth"], 0)]


def test_configuration_0_of_a_preset_is_its_published_setting():
    study = tuning("medium")
    for name in PRESET_NAMES:
        first = study.variants(name)[0]
        assert first["learning_rate_init"] == PRESETS[name]["learning_rate_init"]
        assert first["beta"] == PRESETS[name]["beta"]
        assert parse_init(first["init"]) == (PRESETS[name]["init"], PRESETS[name]["init_scale"])


# ----------------------------------------------------------------- the draws


def test_draws_are_deterministic_and_independent_of_the_other_rules(monkeypatch):
    kwargs = dict(
        datasets=("mnist",),
        depths=(3,),
        width=256,
        epochs=10,
        seeds=(0,),
        final_seeds=(1,),
        n_configs=10,
    )
    study = _profiles.tuning_study(**kwargs)
    assert study.configurations == tuning("medium").configurations
    monkeypatch.setattr(_profiles, "TUNING_RULES", ("dtp", "fa"))
    alone = _profiles.tuning_study(**kwargs)
    assert set(alone.configurations) == {"dtp", "fa"}
    for rule in ("dtp", "fa"):
        assert alone.configurations[rule] == study.configurations[rule]
    # the small profile's fewer draws are the first of the same streams
    for rule in RULES:
        assert tuning("small").variants(rule) == study.variants(rule)[:4]


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_is_drawn_over_its_own_knobs_inside_their_ranges(rule):
    configs = tuning("medium").variants(rule)
    for config in configs:
        assert set(config) == {"learning_rate_init", "init"} | OWN_KNOBS[rule]
    for config in configs[1:]:
        rate = base_rate(rule)
        assert rate / 10 <= config["learning_rate_init"] <= rate * 10
        _check_init(rule, config["init"])
        for knob in OWN_KNOBS[rule]:
            value = config[knob]
            if (rule, knob) in RANGES:
                low, high = RANGES[(rule, knob)]
                assert (knob == "feedback_scale" and value is None) or low <= value <= high
            else:  # LRA's ablated knobs: the ablation's values
                assert value in ablation_values(knob), (knob, value)
    # the draws move every knob away from the setting somewhere
    for knob in configs[0]:
        assert len({repr(c[knob]) for c in configs}) > 1, knob


def _check_init(rule, spec):
    """A random start scaled by 0.25 to 4; a zero start: zeros or Glorot at gain 0.25 to 4."""
    scheme, scale = parse_init(spec)
    if rule in ("lra", "lra_fdbk_2018"):  # the reports start them from zeros
        assert scheme in ("zeros", "glorot_uniform")
        if scheme == "zeros":
            return
        base = 1.0
    elif rule == "lra_e_2019":
        assert scheme == "normal"
        base = 0.1  # its published standard deviation
    else:
        assert scheme == "glorot_uniform"
        base = 1.0
    assert 0.25 * base <= scale <= 4 * base


@pytest.mark.parametrize("rule", ["lra", "fa", "dtp", "lra_e_2019", "lra_fdbk_2018"])
def test_the_draws_follow_the_stated_distributions(rule):
    """2,000 draws from the study's space: log-uniform halves, uniform categories."""
    study = tuning("medium")
    space = study.search_spaces[rule]
    n = 2000
    draws = draw_configurations(rule, study.variants(rule)[0], space, n + 1, seed=123)[1:]
    tolerance = 4 * math.sqrt(0.25 / n)  # four standard errors of a proportion near 1/2
    rate = base_rate(rule)
    rates = [d["learning_rate_init"] for d in draws]
    # log-uniform on [rate / 10, rate * 10]: half below rate, a quarter below rate / sqrt(10)
    assert abs(sum(r < rate for r in rates) / n - 0.5) < tolerance
    assert abs(sum(r < rate / math.sqrt(10) for r in rates) / n - 0.25) < tolerance
    assert min(rates) < rate / 9 and max(rates) > rate * 9
    schemes = Counter(parse_init(d["init"])[0] for d in draws)
    if rule in ("lra", "lra_fdbk_2018"):
        assert abs(schemes["zeros"] / n - 0.5) < tolerance
    for (owner, knob), (low, high) in RANGES.items():
        if owner == rule:
            values = [d[knob] for d in draws if d[knob] is not None]
            middle = math.sqrt(low * high)
            assert abs(sum(v < middle for v in values) / len(values) - 0.5) < 2 * tolerance
    if rule == "fa":  # the automatic scale, as often as among LRA's ablation values
        assert abs(sum(d["feedback_scale"] is None for d in draws) / n - 0.25) < tolerance
    if rule == "lra":
        for knob in OWN_KNOBS["lra"] - {"beta"}:
            counts = Counter(repr(d[knob]) for d in draws)
            values = ablation_values(knob)
            assert set(counts) == {repr(v) for v in values}, knob
            for count in counts.values():
                assert abs(count / n - 1 / len(values)) < tolerance, knob


def test_a_presets_learning_rate_range_is_centred_on_its_own_rate(monkeypatch):
    """Read from the presets: a preset whose rate changes moves its range with it."""
    # Both presets step at 0.05 (their authors' 0.001 on the sum over 50 rows);
    # move one of them to 0.2 and its range must follow, the other's stay.
    monkeypatch.setitem(PRESETS["lra_e_2019"], "learning_rate_init", 0.2)
    study = _profiles.tuning_study(
        datasets=("mnist",),
        depths=(3,),
        width=256,
        epochs=10,
        seeds=(0,),
        final_seeds=(1,),
        n_configs=50,
    )
    changed = study.variants("lra_e_2019")
    assert changed[0]["learning_rate_init"] == 0.2
    rates = [c["learning_rate_init"] for c in changed[1:]]
    assert all(0.02 <= r <= 2.0 for r in rates) and max(rates) > 0.2
    space = study.search_spaces["lra_e_2019"]["learning_rate_init"]
    assert (space.low, space.high) == pytest.approx((0.02, 2.0))
    kept = study.variants("lra_fdbk_2018")
    assert kept[0]["learning_rate_init"] == 0.05
    assert all(0.005 <= c["learning_rate_init"] <= 0.5 for c in kept)


def test_configurations_are_checked_when_a_study_is_made():
    with pytest.raises(ValueError, match="repeated"):
        tiny_study(kind="custom", configurations={"bp": ({"alpha": 0.1}, {"alpha": 0.1})})
    with pytest.raises(ValueError, match="not both"):
        tiny_study(configurations={"bp": ({"alpha": 0.1},)}, grid={"alpha": (0.1,)})
    with pytest.raises(ValueError, match="activation"):
        tiny_study(configurations={"bp": ({"activation": "relu"},)})
    with pytest.raises(ValueError, match="Unknown initialisation"):
        tiny_study(configurations={"bp": ({"init": "gaussian(1)"},)})


def test_a_configurations_init_replaces_the_studys():
    study = tiny_study(
        rules=("lra",), configurations={"lra": ({"init": "zeros"}, {"init": "normal(0.3)"})}
    )
    assert isinstance(study, Study)
    params = [run.config["params"] for run in expand_study(study)]
    assert [(p["init"], p["init_scale"]) for p in params] == [("zeros", None), ("normal", 0.3)]


# ----------------------------------------------------------------- the verdict


def test_claim_2_reads_the_retrained_choices_when_a_tuning_study_ran():
    """The rule comparison says LRA wins; the tuned runs, every form of LRA against FA,
    DFA and DTP, decide the claim."""
    rules = [row(r, e, depth=8) for r, e in {"lra": 0.02, "fa": 0.06, "dtp": 0.06}.items()]
    assert claim_beats_fa_dtp(rules).status == "reproduced"
    tuned_errors = {"lra": 0.02, "lra_fdbk_2018": 0.02, "lra_e_2019": 0.05}
    tuned_errors.update(fa=0.04, dfa=0.04, dtp=0.04)
    tuned = [row(r, e, kind=TUNED, depth=8) for r, e in tuned_errors.items()]
    search = [row("lra", 0.5, kind="tuning", depth=8)]
    verdict = claim_beats_fa_dtp(rules + tuned + search)
    assert len(verdict.checks) == 9  # three forms of LRA x three rivals
    assert [c.passed for c in verdict.checks] == [True] * 6 + [False] * 3
    assert verdict.checks[-1].text.startswith("mnist, 8 hidden layers: LRA-E 2019 5.00% vs DTP")
    assert "tuning study" in verdict.notes[0]
    # a tuning study whose search is unfinished: the claim waits for it
    assert claim_beats_fa_dtp(rules + search).status == "not evaluated"


# ----------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def small_report(tmp_path_factory):
    """The small profile's rule comparison and tuning study, 1 epoch, every rule."""
    tmp = tmp_path_factory.mktemp("tuning")
    report = tmp / "doc" / "results.md"
    args = ["reproduce", "--profile", "small", "--studies", "rules,tuning", "--epochs", "1"]
    args += ["--results-dir", str(tmp / "r"), "--no-plots", "--quiet", "--report", str(report)]
    assert main(args) == 0
    with open(tmp / "doc" / "results_runs.csv", newline="") as f:
        return report.read_text(), list(csv.DictReader(f))


def _table_after(text, marker):
    """The cells of the first Markdown table after ``marker``."""
    block = text.split(marker, 1)[1]
    lines = [line for line in block.split("\n\n", 2)[1].splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines]


def test_small_profile_runs_the_budget_end_to_end(small_report):
    text, rows = small_report
    search = [r for r in rows if r["kind"] == "tuning"]
    assert Counter(r["rule"] for r in search) == dict.fromkeys(RULES, 4)
    final = [r for r in rows if r["kind"] == TUNED]
    assert Counter(r["rule"] for r in final) == dict.fromkeys(RULES, 2)
    table = _table_after(text, "Search protocol:")
    assert table[0] == [
        "rule",
        "configurations",
        "drawn over",
        "validation rows",
        "search seeds",
        "final seeds",
    ]
    assert len(table) == 2 + 7
    for cells in table[2:]:
        assert cells[1] == "4" and cells[3] == "digits 270" and cells[4:] == ["0", "1, 2"]
    assert "`learning_rate_init` log-uniform on [0.001, 0.1]" in table[2][2]
    assert "Choices are made on validation error only" in text
    assert "Every rule has the same number of configurations." in text


def test_small_profile_report_gives_each_choice_with_its_retrained_test_error(small_report):
    from .test_shipped_reports import check_choices

    text, rows = small_report
    assert check_choices(text, rows) == 7
    table = _table_after(text, "Chosen on validation error in study `tuning`")
    header = table[0]
    for cells in table[2:]:
        rule, chosen = cells[header.index("rule")], cells[header.index("chosen on validation")]
        errors = [
            100 * float(r["test_error"])
            for r in rows
            if r["kind"] == TUNED and r["rule"] == rule and r["variant"] == chosen
        ]
        assert len(errors) == 2
        printed = cells[header.index("retrained test error (%)")]
        assert printed == f"{statistics.mean(errors):.2f} ± {statistics.stdev(errors):.2f}"


def test_small_profile_verdict_on_claim_2_reads_the_tuning_study(small_report):
    text, rows = small_report
    assert "reads the tuning study's retrained choices" in text.split("## (d)")[0]
    checks = [line for line in text.split("### Every check")[1].splitlines() if "| 2 |" in line]
    assert any("Read from the tuning study's retrained choices" in c for c in checks)
    compared = [c for c in checks if " vs " in c]
    assert len(compared) == 9  # digits, 3 layers: LRA and both presets x FA, DFA, DTP
    tuned = {}
    for r in rows:
        if r["kind"] == TUNED:
            tuned.setdefault(r["rule"], []).append(100 * float(r["test_error"]))
    labels = {"LRA": "lra", "LRA-fdbk 2018": "lra_fdbk_2018", "LRA-E 2019": "lra_e_2019"}
    labels.update(FA="fa", DFA="dfa", DTP="dtp")
    for check in compared:
        a, ea, b, eb = re.search(r"layers: (.+?) ([\d.]+)% vs (.+?) ([\d.]+)%", check).groups()
        assert float(ea) == pytest.approx(statistics.mean(tuned[labels[a]]), abs=0.006)
        assert float(eb) == pytest.approx(statistics.mean(tuned[labels[b]]), abs=0.006)
