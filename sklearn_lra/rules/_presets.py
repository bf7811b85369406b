"""The published LRA rules as sets of parameters (``LRAClassifier.from_paper``).

A preset is nothing but parameter values: ``from_paper`` returns an ordinary
estimator whose ``get_params`` shows every one of them, so it clones, grid
searches and pickles like any other. Every parameter the rule's behaviour
depends on is set, so that a change of the package's defaults never changes
a preset.
"""

import numpy as np

#: Settings of the rule that the presets share with the package's own
#: parameters, written out so that no preset depends on a package default.
_COMMON = {
    "n_target_steps": 1,
    "input_scale": None,
    "input_activation": None,
    "feedback_init": "normal",
    "window": "auto",  # read only by local_error='pre_window', which no preset uses
    "adaptive_scale": False,
    "centering": False,
    "activation": "tanh",
    "hidden_layer_sizes": (256, 256, 256),
    "solver": "sgd",
    "learning_rate": "constant",
    # The authors' code steps by 0.001 along the *sum* of the updates over a
    # minibatch of 50 rows; this package averages over the minibatch, so the
    # same step per row is 0.001 * 50 = 0.05.
    "learning_rate_init": 0.05,
    "momentum": 0.0,
    "nesterovs_momentum": False,
    "batch_size": 50,
    "alpha": 0.0,
    "max_iter": 100,
    # A fixed number of epochs, as in the papers: no early end on a plateau.
    "n_iter_no_change": np.inf,
    "early_stopping": False,
    "shuffle": True,
}

PRESETS = {
    "lra_e_2019": {
        **_COMMON,
        "form": "lra_e",
        "beta": 0.1,
        "local_loss": "squared",
        "local_error": "post",
        "feedback_scale": 1.0,
        "gamma": 1.0,
        "update_cap": None,
        "init": "normal",
        "init_scale": 0.1,
        "use_bias": False,
    },
    "lra_fdbk_2018": {
        **_COMMON,
        "form": "fdbk",
        "beta": 0.1,
        "local_loss": "cauchy",
        "local_error": "post",
        "feedback_scale": 1.0,
        "gamma": 0.0,
        "update_cap": 1.0,
        "init": "zeros",
        "init_scale": None,
        "use_bias": True,
    },
}

#: Where each preset's values come from.
SOURCES = {
    "lra_e_2019": (
        "Ororbia and Mali, AAAI 2019, as the authors' public code sets it: beta 0.1; "
        "E drawn N(0, 1) and learned along dW^T at gamma = 1; weights N(0, 0.1^2) (the "
        "paper says a variance of 0.05); no biases; plain SGD stepping by 0.001 along the sum over "
        "minibatches of 50 rows (0.05 in this package's convention, which averages), 100 "
        "epochs; post-activation miss with the squared loss; no caps; three "
        "hidden layers of 256 tanh units (the paper also reports 5 and 8)."
    ),
    "lra_fdbk_2018": (
        "Ororbia, Mali, Kifer and Giles, 2018, as far as a summary of the paper tells: "
        "E of standard deviation about 1, fixed; Cauchy local loss; the update cap "
        "c1 = 1; beta 0.1; all-zero initial weights; K = 1."
    ),
}

#: The parameters of each preset that no source states: reconstructed choices.
RECONSTRUCTED = {
    "lra_e_2019": (),
    "lra_fdbk_2018": (
        "local_error",  # post-activation miss, as LRA-E: the full paper was not available
        "use_bias",
        "hidden_layer_sizes",  # the architecture of the 2019 paper
        "solver",  # the optimizer and its settings of the 2019 code
        "learning_rate_init",
        "momentum",
        "batch_size",
        "max_iter",
    ),
}


def preset_params(name, overrides, valid):
    """The parameters of preset ``name`` with ``overrides`` applied.

    Parameters
    ----------
    name : str
        A key of :data:`PRESETS`.
    overrides : dict
        Parameters that replace the preset's (or add to them).
    valid : iterable of str
        The estimator's parameter names.

    Returns
    -------
    params : dict
    """
    if name not in PRESETS:
        raise ValueError(f"Unknown preset {name!r}; the presets are {sorted(PRESETS)}.")
    unknown = sorted(set(overrides) - set(valid))
    if unknown:
        raise ValueError(f"Unknown parameters {unknown} for the preset {name!r}.")
    return {**PRESETS[name], **overrides}
