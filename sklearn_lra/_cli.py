"""Command line: ``sklearn-lra demo`` and ``sklearn-lra reproduce``."""

import argparse
import sys

_DEMO_DESCRIPTION = """\
Train four networks on scikit-learn's bundled 8x8 digits (1,797 images, no
download) and print their test accuracy: local representation alignment (LRA)
and back-propagation (BP), each from a normal and from an all-zero
initialisation. From zeros BP cannot move its hidden layers and stays near
chance (about 0.1); LRA learns. Well under a minute with the defaults.
"""

_DEMO_EPILOG = """\
examples:
  python -m sklearn_lra demo
  python -m sklearn_lra demo --epochs 10 --hidden 64
  python -m sklearn_lra demo --activation relu6 --seed 1
"""


def _add_demo_parser(subparsers):
    p = subparsers.add_parser(
        "demo",
        help="train LRA and BP side by side on scikit-learn's bundled digits",
        description=_DEMO_DESCRIPTION,
        epilog=_DEMO_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--hidden",
        type=int,
        nargs="+",
        default=[256, 256],
        help="hidden layer widths (default: 256 256)",
    )
    p.add_argument("--activation", default="tanh", help="hidden activation (default: tanh)")
    p.add_argument("--epochs", type=int, default=50, help="epochs per model (default: 50)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.set_defaults(func=_run_demo)


def _run_demo(args):
    from ._demo import run_demo

    run_demo(tuple(args.hidden), args.activation, args.epochs, args.seed)
    return 0


def build_parser():
    """The argument parser of the ``sklearn-lra`` command."""
    parser = argparse.ArgumentParser(
        prog="sklearn-lra",
        description="Local Representation Alignment and other learning rules: a demo on "
        "the bundled digits, and the runner that reproduces the paper's comparisons.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    _add_demo_parser(subparsers)
    from .experiments.cli import add_reproduce_parser, run_reproduce

    add_reproduce_parser(subparsers)
    subparsers.choices["reproduce"].set_defaults(func=run_reproduce)
    return parser


def main(argv=None):
    """Entry point of ``sklearn-lra`` and ``python -m sklearn_lra``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv  # the report quotes the command that made it
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
