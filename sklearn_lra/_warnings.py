"""Warnings that point at the user's line, not at the package's internals."""

import contextlib
import os
import sys
import warnings

import sklearn

#: Frames in these folders are passed over: the package itself, and the
#: scikit-learn and standard-library wrappers a fit runs through (``_fit_context``,
#: Pipeline, context-manager decorators).
_INTERNAL = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    for module in (sys.modules[__package__], sklearn)
) + (os.path.abspath(contextlib.__file__),)


def warn(message, category=UserWarning):
    """``warnings.warn`` attributed to the first caller outside the package.

    A fixed ``stacklevel`` is right for one call path only; a warning raised
    during ``fit`` can be reached through ``fit``, ``partial_fit``, a Pipeline
    or a grid search. Walking the stack finds the user's own line whichever
    path it was (what Python 3.12's ``skip_file_prefixes`` does).

    Parameters
    ----------
    message : str
        The warning's text.
    category : type of Warning, default=UserWarning
        The warning's class.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_INTERNAL):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
