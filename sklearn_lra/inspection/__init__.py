"""Diagnostics for trained networks: alignment with back-propagation and plots.

- :func:`alignment_angles`: per-layer angle between a rule's update and the
  back-propagation gradient.
- :class:`AlignmentMonitor`: a scikit-learn callback recording those angles
  after every epoch.
- :func:`plot_learning_curves`, :func:`plot_alignment`: matplotlib plots
  (matplotlib is optional, ``pip install sklearn-lra[plot]``).
"""

from ._alignment import alignment_angles
from ._monitor import AlignmentMonitor
from ._plotting import plot_alignment, plot_learning_curves

__all__ = ["AlignmentMonitor", "alignment_angles", "plot_alignment", "plot_learning_curves"]
