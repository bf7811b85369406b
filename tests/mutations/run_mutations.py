"""Plant known bugs in a scratch copy of the package and check that a test catches each.

Each mutation replaces one exact piece of source text (which must occur
exactly once) in a copy of ``sklearn_lra`` and ``tests`` made in a temporary
folder, then runs the test modules named for it with ``pytest -x`` against
that copy. A mutation is *killed* when a test fails; the first failing test
is recorded. A mutation that no longer applies (its text is gone) or that
breaks the import of the package is reported as an error: the list must be
kept in step with the code.

Run from the repository root (about ten minutes on two cores)::

    python tests/mutations/run_mutations.py            # all, writes tests/mutations/RESULTS.md
    python tests/mutations/run_mutations.py dtp_plain_tp k2_refine_sign   # some, no file written
    python tests/mutations/run_mutations.py --update dtp_plain_tp   # some, their rows rewritten

``--update`` writes the named mutations' rows into RESULTS.md (in the order
of ``MUTATIONS``) and keeps every other row as the last run left it.

The exit status is 0 only if every mutation run was killed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).with_name("RESULTS.md")

#: The test modules that check the rules' maths; most mutations run these.
MATHS = ("tests/test_rules_naive.py", "tests/test_rules_maths.py", "tests/test_baselines.py")
#: The direct checks of each rule's rate multiplier and of the weighted paths.
RATES = ("tests/test_rates_and_weights.py",)


@dataclass(frozen=True)
class Mutation:
    name: str
    description: str
    path: str
    old: str
    new: str
    tests: tuple = MATHS


MUTATIONS = [
    # --- LRA: the K > 1 target refinement
    Mutation(
        "k2_wrong_target",
        "K > 1: a hidden layer's error is taken against its own forward h, not its target",
        "sklearn_lra/rules/lra.py",
        "net, l, h, z, ws.target[l], np.empty_like(h)",
        "net, l, h, z, ws.h[l], np.empty_like(h)",
    ),
    Mutation(
        "k2_refine_sign",
        "K > 1: the refinement moves the target along +beta d instead of -beta d",
        "sklearn_lra/rules/lra.py",
        "            d *= self.beta\n            hbar -= d",
        "            d *= self.beta\n            hbar += d",
    ),
    Mutation(
        "k2_skip_phi",
        "K > 1: layer l is recomputed from hbar itself, phi skipped",
        "sklearn_lra/rules/lra.py",
        "z_below = net.phi_at(l - 1).forward(hbar_below, out=np.empty_like(hbar_below))",
        "z_below = hbar_below.copy()",
    ),
    # --- LRA: displacements and errors
    Mutation(
        "diff_post_no_derivative",
        "diff sends e_l without phi'(h_l) for the post-activation misses",
        "sklearn_lra/rules/lra.py",
        'if l == net.n_layers or self.local_error in ("pre", "pre_window"):',
        "if True:",
    ),
    Mutation(
        "diff_window_as_post",
        "diff multiplies the pre_window miss by phi'(h_l), as a post miss",
        "sklearn_lra/rules/lra.py",
        'if l == net.n_layers or self.local_error in ("pre", "pre_window"):',
        'if l == net.n_layers or self.local_error in ("pre",):',
    ),
    Mutation(
        "diff_no_derivative_below",
        "diff drops phi'(h_{l-1}) from the displacement",
        "sklearn_lra/rules/lra.py",
        "out *= net.phi_at(l - 1).derivative(below[0], below[1], scratch[1])",
        "pass",
    ),
    Mutation(
        "post_derivative_no_derivative",
        "post_derivative's update forgets phi'(h)",
        "sklearn_lra/rules/lra.py",
        "            net.phi_at(l).derivative(h, z, out=update_out)",
        "            update_out.fill(1)",
    ),
    Mutation(
        "preactivation_cap_ignored",
        "adaptive_scale's bound c3 / rms norm of the inputs is never applied",
        "sklearn_lra/rules/lra.py",
        "        if not self.adaptive_scale:\n            return self.update_cap",
        "        if True:\n            return self.update_cap",
    ),
    Mutation(
        "lra_e_feedback_frozen",
        "LRA-E's E gets no direction (it should follow dW^T)",
        "sklearn_lra/rules/lra.py",
        "feedback[l - 2][...] = grad.T",
        "feedback[l - 2][...] = 0",
    ),
    Mutation(
        "input_activation_ignored",
        "the first hidden layer computes activation's units whatever input_activation says",
        "sklearn_lra/_network.py",
        "        return self.input_phi if l == 1 else self.phi",
        "        return self.phi",
        ("tests/test_input_activation.py",) + MATHS,
    ),
    Mutation(
        "input_activation_auto_off",
        "input_activation='auto' keeps the tanh units of a tanh network",
        "sklearn_lra/_base.py",
        "            return AUTO_INPUT_ACTIVATIONS.get(self.activation, self.activation)",
        "            return self.activation",
        ("tests/test_input_activation.py",),
    ),
    Mutation(
        "onnx_input_activation_ignored",
        "the ONNX graph gives the first hidden layer activation's units",
        "sklearn_lra/_onnx/_graph.py",
        "        hidden = input_activation if l == 1 else activation",
        "        hidden = activation",
        ("tests/test_onnx.py",),
    ),
    Mutation(
        "first_layer_units_unjudged",
        "the warnings judge activation's units alone, not the first layer's own",
        "sklearn_lra/_base.py",
        '        units = {"activation" if first == self.activation else "input_activation": first}',
        '        units = {"activation": self.activation}',
        ("tests/test_dead_settings.py",),
    ),
    Mutation(
        "use_bias_ignored",
        "use_bias=False still trains the biases",
        "sklearn_lra/rules/lra.py",
        "        if not self.use_bias:\n            for g in ws.intercept_grads:",
        "        if False:\n            for g in ws.intercept_grads:",
        MATHS + ("tests/test_presets.py",),
    ),
    Mutation(
        "cauchy_error_halved",
        "the Cauchy loss's error loses its factor 2",
        "sklearn_lra/_losses.py",
        "    np.divide(diff, scratch, out=out)\n    out *= 2",
        "    np.divide(diff, scratch, out=out)\n    out *= 1",
    ),
    # --- DTP
    Mutation(
        "dtp_inverse_no_noise",
        "DTP's inverse learns from the clean z_{l-1}, without its noise",
        "sklearn_lra/rules/dtp.py",
        "noisy *= self.sigma",
        "noisy *= 0.0",
    ),
    Mutation(
        "dtp_inverse_no_derivative",
        "DTP's inverse loss gradient lacks phi'(u)",
        "sklearn_lra/rules/dtp.py",
        "error = phi_below.derivative(u, r, out=np.empty_like(u))",
        "error = np.ones_like(u)",
    ),
    Mutation(
        "dtp_plain_tp",
        "DTP turned into plain target propagation: zhat_{l-1} = g_l(zhat_l)",
        "sklearn_lra/rules/dtp.py",
        "        np.subtract(\n"
        "            _affine_phi(phi, ws.target[l], V, c), _affine_phi(phi, ws.z[l], V, c), "
        "out=target\n"
        "        )\n"
        "        np.multiply(target, -1.0 / self.eta, out=miss)\n"
        "        target += ws.z[l - 1]",
        "        target[...] = _affine_phi(phi, ws.target[l], V, c)\n"
        "        np.subtract(ws.z[l - 1], target, out=miss)\n"
        "        miss /= self.eta",
    ),
    Mutation(
        "dtp_top_target_sign",
        "DTP's top target moves up the gradient",
        "sklearn_lra/rules/dtp.py",
        "np.multiply(miss, -self.eta, out=ws.target[L - 1])",
        "np.multiply(miss, self.eta, out=ws.target[L - 1])",
    ),
    Mutation(
        "dtp_zero_inverses",
        "init='zeros' zero-fills DTP's inverses again",
        "sklearn_lra/rules/dtp.py",
        "            scheme, scale = AUTO_NONZERO_INIT, None",
        "            pass",
        ("tests/test_dead_settings.py",),
    ),
    # --- BP, FA, DFA
    Mutation(
        "bp_no_derivative",
        "BP forgets phi'(h_l) below the output",
        "sklearn_lra/rules/bp.py",
        "delta = times_derivative(net, ws, l - 1, below)",
        "delta = below",
    ),
    Mutation(
        "fa_uses_w_transpose",
        "FA sends errors through W^T (back-propagation) instead of F",
        "sklearn_lra/rules/fa.py",
        "below = np.matmul(delta, F[l - 2], out=ws.delta[l - 1])",
        "below = np.matmul(delta, net.coefs[l - 1].T, out=ws.delta[l - 1])",
    ),
    Mutation(
        "dfa_chained",
        "DFA sends the error of the layer above instead of e_L",
        "sklearn_lra/rules/dfa.py",
        "            delta = np.matmul(error, D[l - 1], out=ws.delta[l])\n"
        "            layer_directions(ws, l, times_derivative(net, ws, l, delta))",
        "            delta = np.matmul(error, D[l - 1], out=ws.delta[l])\n"
        "            error = times_derivative(net, ws, l, delta)\n"
        "            layer_directions(ws, l, error)",
    ),
    # --- the engine
    Mutation(
        "inverse_only_step_moves_forward",
        "DTP's inverse-only minibatches still step the forward weights (momentum, decay)",
        "sklearn_lra/_training.py",
        "            if i or forward:",
        "            if True:",
    ),
    Mutation(
        "zero_init_warning_lost",
        "FA / DFA / LRA post_derivative with phi'(0) = 0 train from zeros without a warning",
        "sklearn_lra/rules/_rule.py",
        "if not ACTIVATIONS[activation].has_gradient or derivative_at_zero(activation) != 0:",
        "if True:",
        ("tests/test_dead_settings.py",),
    ),
    Mutation(
        "gamma_with_diff_accepted",
        "gamma with form='diff' is silently ignored again",
        "sklearn_lra/rules/lra.py",
        'if self.form == "diff" and estimator.gamma:',
        "if False:",
        ("tests/test_dead_settings.py",),
    ),
    Mutation(
        "preset_gamma",
        "the 2019 preset's E is fixed instead of learned",
        "sklearn_lra/rules/_presets.py",
        '        "gamma": 1.0,',
        '        "gamma": 0.0,',
        ("tests/test_presets.py",),
    ),
    # --- each rule's own learning rate, and the weighted paths
    Mutation(
        "rate_multiplier_ignored",
        "the optimizer steps every group at learning_rate, ignoring the rule's rate "
        "(LRA's gamma, DTP's inverse_learning_rate)",
        "sklearn_lra/_training.py",
        "opt.step(params, dirs, learning_rate * rate)",
        "opt.step(params, dirs, learning_rate)",
        RATES,
    ),
    Mutation(
        "lra_e_rate_one",
        "LRA's E learns at rate 1 (times the learning rate) whatever gamma",
        "sklearn_lra/rules/lra.py",
        'return {"feedback_matrices_": self.gamma}',
        'return {"feedback_matrices_": 1.0}',
        RATES,
    ),
    Mutation(
        "dtp_inverse_unweighted",
        "DTP's inverse update ignores sample_weight and class_weight",
        "sklearn_lra/rules/dtp.py",
        '            ws.sample_weight,\n            extra_grads["inverse_coefs_"][i],',
        '            None,\n            extra_grads["inverse_coefs_"][i],',
        RATES,
    ),
    Mutation(
        "partial_fit_drops_class_weight",
        "partial_fit drops a dict class_weight (fit keeps it)",
        "sklearn_lra/_mixins.py",
        "        return compute_sample_weight(self.class_weight, y)",
        "        return None if incremental else compute_sample_weight(self.class_weight, y)",
        RATES,
    ),
    Mutation(
        "adaptive_rms_unweighted",
        "adaptive_scale's root mean squares ignore the sample weights",
        "sklearn_lra/rules/lra.py",
        "    if sample_weight is None:\n        # An exact ndarray",
        "    if True:\n        # An exact ndarray",
        RATES,
    ),
    # --- the reproduction's tuning study
    Mutation(
        "tuning_lra_extra_configuration",
        "the tuning study gives LRA one more configuration than every other rule",
        "sklearn_lra/experiments/_profiles.py",
        "rule, _setting(params[rule], space), space, n_configs, TUNING_SEED",
        'rule, _setting(params[rule], space), space, n_configs + (rule == "lra"), TUNING_SEED',
        ("tests/test_tuning_budget.py",),
    ),
    # --- BP as MLPClassifier: the engine's share of the parity
    Mutation(
        "l2_over_rows",
        "the L2 term is divided by the minibatch's rows, not by its total sample weight",
        "sklearn_lra/_training.py",
        "self.add_weight_decay(ws, ws.weight_sum)",
        "self.add_weight_decay(ws, ws.z[1].shape[0])",
        ("tests/test_weights.py",),
    ),
    Mutation(
        "decay_on_biases",
        "the packed L2 step decays the biases too (MLPClassifier decays weights only)",
        "sklearn_lra/_training.py",
        "        n = self.net.n_coef_values\n",
        "        n = self.net.flat_params.size\n",
        ("tests/test_mlp_parity.py",),
    ),
    Mutation(
        "input_alpha_decay_skipped",
        "the first layer decays at alpha, whatever input_alpha says",
        "sklearn_lra/_training.py",
        "        if first != rest:\n",
        "        if False:\n",
        ("tests/test_input_alpha.py",),
    ),
    Mutation(
        "input_alpha_loss_uses_alpha",
        "the loss's L2 term counts every layer at alpha, though W_1 decays at input_alpha",
        "sklearn_lra/_training.py",
        "return 0.5 * (first * squares[0] + rest * sum(squares[1:])) / weight_sum",
        "return 0.5 * rest * sum(squares) / weight_sum",
        ("tests/test_input_alpha.py",),
    ),
    Mutation(
        "input_alpha_auto_uncapped",
        "input_alpha='auto' grows without its cap of 1",
        "sklearn_lra/_training.py",
        "min(n_inputs / 100.0, 1.0)",
        "n_inputs / 100.0",
        ("tests/test_input_alpha.py",),
    ),
    Mutation(
        "gamma_output_moves_hidden_feedback",
        "gamma='output' lets the hidden layers' E learn as well",
        "sklearn_lra/rules/lra.py",
        "if self.hidden_e_learn or l - 2 == len(feedback) - 1:",
        "if True:",
        ("tests/test_rates_and_weights.py",),
    ),
    Mutation(
        "gamma_output_freezes_output_feedback",
        "gamma='output' holds E_L still too",
        "sklearn_lra/rules/lra.py",
        "if self.hidden_e_learn or l - 2 == len(feedback) - 1:",
        "if self.hidden_e_learn:",
        ("tests/test_rates_and_weights.py",),
    ),
    Mutation(
        "fresh_shuffle_each_epoch",
        "each epoch draws a fresh order instead of reshuffling the last one (as MLP does)",
        "sklearn_lra/_training.py",
        "self.order = self.order[rng.permutation(n)]",
        "self.order = rng.permutation(n)",
        ("tests/test_mlp_parity.py",),
    ),
    Mutation(
        "mlp_init_zero_biases",
        "init='mlp' starts the biases at zero (MLPClassifier draws them)",
        "sklearn_lra/_initializers.py",
        "intercepts.append(rng.uniform(-bound, bound, fan_out).astype(dtype, copy=False))",
        "intercepts.append(np.zeros(fan_out, dtype))",
        ("tests/test_mlp_parity.py",),
    ),
    Mutation(
        "he_bias_glorot_bound",
        "init='he_uniform_bias' draws from Glorot's bound sqrt(6 / (fan_in + fan_out))",
        "sklearn_lra/_initializers.py",
        "            bound = gain * np.sqrt(6.0 / fan_in)\n",
        "            bound = gain * np.sqrt(6.0 / (fan_in + fan_out))\n",
        ("tests/test_lra_defaults.py",),
    ),
    Mutation(
        "fresh_fit_keeps_drawn_biases",
        "use_bias=False zeroes the biases when a fit continues, not when it starts",
        "sklearn_lra/rules/lra.py",
        "return self._zero_biases_unless_used(super()._new_state(n_features, n_outputs, dtype))",
        "return super()._new_state(n_features, n_outputs, dtype)",
        ("tests/test_presets.py", "tests/test_lra_defaults.py"),
    ),
    Mutation(
        "softmax_feedback_per_entry",
        "feedback_scale='auto' divides a softmax's E_L by sqrt(K) as None does",
        "sklearn_lra/rules/_feedback.py",
        "                rows[i] = softmax_rows(rows[i])\n",
        "                rows[i] = rows[i]\n",
        ("tests/test_baselines.py",),
    ),
    Mutation(
        "softmax_feedback_every_matrix",
        "feedback_scale='auto' treats every E_l as carrying the softmax error",
        "sklearn_lra/rules/_feedback.py",
        "            for i in [len(shapes) - 1] if from_output is None else from_output:\n",
        "            for i in range(len(shapes)):\n",
        ("tests/test_baselines.py",),
    ),
    Mutation(
        "logistic_not_centred",
        "centering='auto' leaves logistic units uncentred",
        "sklearn_lra/rules/lra.py",
        'AUTO_CENTERING = {"softplus": True, "logistic": True}',
        'AUTO_CENTERING = {"softplus": True}',
        ("tests/test_rules_maths.py",),
    ),
    Mutation(
        "binary_softmax",
        "two classes get two softmax outputs instead of one logistic output",
        "sklearn_lra/_mixins.py",
        'return "logistic" if self._multilabel or len(self.classes_) == 2 else "softmax"',
        'return "logistic" if self._multilabel else "softmax"',
        ("tests/test_mlp_parity.py",),
    ),
    Mutation(
        "l2_penalty_not_in_loss",
        "the epoch's loss leaves out the L2 term that MLPClassifier's loss_ holds",
        "sklearn_lra/_training.py",
        "        return self._task_loss() + self.penalty / self.n",
        "        return self._task_loss()",
        ("tests/test_mlp_parity.py",),
    ),
    # --- divergence
    Mutation(
        "divergence_keeps_last_after_climb",
        "after a loss that climbed for epochs, divergence keeps the last finite epoch",
        "sklearn_lra/_epochs.py",
        "return [lowest] * self.climbing + [",
        "return [",
        ("tests/test_reliability.py",),
    ),
    Mutation(
        "divergence_keeps_unsquarable_outputs",
        "a diverged fit keeps a network whose outputs are finite but whose squares overflow",
        "sklearn_lra/_epochs.py",
        "np.isfinite(np.square(out, dtype=np.float64)).all()",
        "np.isfinite(out).all()",
        ("tests/test_property.py",),
    ),
]


def _scratch_copy(dest):
    """Copy the package, the tests and the pytest configuration into ``dest``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in ("sklearn_lra", "tests"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


def run(mutation):
    """``(status, detail, seconds)``: 'killed' with the first failing test, or not."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        dest = Path(tmp)
        _scratch_copy(dest)
        target = dest / mutation.path
        source = target.read_text()
        if source.count(mutation.old) != 1:
            return "error", f"text found {source.count(mutation.old)} times", 0.0
        target.write_text(source.replace(mutation.old, mutation.new))
        env = {**os.environ, "PYTHONPATH": str(dest), "OPENBLAS_NUM_THREADS": "1"}
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            # One process, without pyproject's "-n auto": under xdist, -x ends the run as
            # interrupted (exit 2, which reads as an error) and the first failure is a race.
            "-o",
            "addopts=",
            "-p",
            "no:xdist",
            *mutation.tests,
        ]
        proc = subprocess.run(cmd, cwd=dest, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    failed = re.findall(r"^FAILED (.+?)(?: - .*)?$", proc.stdout, flags=re.M)
    if proc.returncode == 1 and failed:
        return "killed", failed[0], seconds
    if proc.returncode == 0:
        return "SURVIVED", "every test passed", seconds
    return (
        "error",
        f"pytest exit {proc.returncode}: {proc.stdout.strip().splitlines()[-1:]}",
        seconds,
    )


_HEADER = (
    "# Planted bugs and the tests that catch them\n\n"
    "Written by `python tests/mutations/run_mutations.py` (run from the repository "
    "root); each bug is planted alone in a scratch copy of the package and the named "
    "test modules are run with `pytest -x`. The last column is the first test that "
    "failed. A run with `--update` rewrites only the rows of the mutations it "
    "names.\n\n"
    "| mutation | planted bug | file | result | first failing test |\n"
    "|---|---|---|---|---|\n"
)


def _write_results(rows):
    """Write RESULTS.md from ``{name: row}``, in the order of ``MUTATIONS``."""
    ordered = [rows[m.name] for m in MUTATIONS if m.name in rows]
    RESULTS.write_text(_HEADER + "\n".join(ordered) + "\n")


def _recorded_rows():
    """``{name: row}`` of the mutations still declared, as RESULTS.md holds them."""
    declared = {m.name for m in MUTATIONS}
    rows = {}
    for line in RESULTS.read_text().splitlines() if RESULTS.exists() else []:
        match = re.match(r"^\| `([^`]+)` \|", line)
        if match and match.group(1) in declared:
            rows[match.group(1)] = line
    return rows


def main(args):
    update = "--update" in args
    names = [a for a in args if a != "--update"]
    unknown = set(names) - {m.name for m in MUTATIONS}
    if unknown or (update and not names):
        sys.exit(f"unknown mutations: {sorted(unknown)}" if unknown else "--update needs names")
    chosen = [m for m in MUTATIONS if not names or m.name in names]
    rows, ok = {}, True
    for m in chosen:
        status, detail, seconds = run(m)
        ok &= status == "killed"
        print(f"{m.name:34s} {status:8s} {detail}  ({seconds:.0f} s)", flush=True)
        rows[m.name] = f"| `{m.name}` | {m.description} | `{m.path}` | {status} | `{detail}` |"
    if not names:
        _write_results(rows)
    elif update:
        _write_results({**_recorded_rows(), **rows})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
