"""Command line: ``sklearn-lra demo`` and ``sklearn-lra reproduce``."""

import argparse
import sys


def _add_demo_parser(subparsers):
    p = subparsers.add_parser(
        "demo", help="train LRA and BP side by side on scikit-learn's bundled digits"
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
        prog="sklearn-lra", description="Local Representation Alignment and other learning rules."
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
