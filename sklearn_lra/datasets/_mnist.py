"""Loaders for MNIST and Fashion-MNIST from their original IDX files."""

import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.datasets import get_data_home
from sklearn.utils import Bunch

from ._idx import parse_idx, read_idx_bytes

# The four files of each data set, by role, without the ".gz" extension.
_FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}

# MD5 of the *decompressed* files: the form the publishers document (MNIST),
# and one that does not depend on the gzip settings a mirror happened to use.
# Tests that serve tiny self-made files swap these entries with monkeypatch;
# the public functions always verify against this table.
_CHECKSUMS = {
    "mnist": {
        "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
        "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
        "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
    },
}

# Seconds to wait for a server before giving up on it (per request).
_TIMEOUT = 60

#: Why a missing file was not downloaded: pooch is an optional dependency.
POOCH_HINT = (
    "downloading needs pooch, an optional dependency of sklearn_lra.datasets: "
    'pip install "sklearn-lra[datasets]"'
)

# (real path, size, mtime, expected MD5) of the files already verified in this
# process, so that loading the same file again does not hash it again.
_VERIFIED = set()


@dataclass(frozen=True)
class _Spec:
    """What differs between the two data sets."""

    name: str  # key of _CHECKSUMS and name of the data_home sub-folder
    title: str
    env_var: str
    base_urls: tuple  # tried in order; each is joined with "<file>.gz"
    system_dirs: tuple  # folders where an OS package installs the files
    target_names: tuple
    descr: str  # file name under descr/


_MNIST = _Spec(
    name="mnist",
    title="MNIST",
    env_var="SKLEARN_LRA_MNIST",
    base_urls=(
        "http://yann.lecun.com/exdb/mnist/",
        # The original site is often unreachable or asks for a login; this
        # mirror serves the identical files (the checksums make sure).
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
    ),
    system_dirs=(),
    target_names=tuple(range(10)),
    descr="mnist.rst",
)

_FASHION_MNIST = _Spec(
    name="fashion-mnist",
    title="Fashion-MNIST",
    env_var="SKLEARN_LRA_FASHION_MNIST",
    base_urls=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    # Debian package dataset-fashion-mnist.
    system_dirs=("/usr/share/datasets/fashion-mnist",),
    target_names=(
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    descr="fashion_mnist.rst",
)

_SUBSETS = {"train": ("train",), "test": ("test",), "all": ("train", "test")}
_N_PIXELS = 28 * 28


def fetch_mnist(*, data_home=None, subset="train", download_if_missing=True, return_X_y=False):
    """Load the MNIST data set of handwritten digits (classification).

    70,000 grey-scale images of 28x28 pixels of the digits 0 to 9, in the
    official split of 60,000 training and 10,000 test images.

    ====================  ======================
    Classes                                   10
    Samples total                          70000
    Samples (train/test)             60000/10000
    Dimensionality                           784
    Features               float32 in [0.0, 1.0]
    ====================  ======================

    The four original IDX files (``train-images-idx3-ubyte``,
    ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte`` and
    ``t10k-labels-idx1-ubyte``, each gzip-compressed with a ``.gz`` suffix or
    not) are looked for, file by file, in these folders in turn:

    1. ``<data_home>/mnist``;
    2. the folder named by the environment variable ``SKLEARN_LRA_MNIST``;
    3. ``shared/data/mnist`` in the current working directory or any of its
       parents.

    Files found nowhere are downloaded into ``<data_home>/mnist`` if
    ``download_if_missing`` is true, with pooch, an optional dependency
    (``pip install "sklearn-lra[datasets]"``); loading local files needs
    nothing but the package. Every file's decompressed content is
    checked against the MD5 sum the publisher gives.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Root folder of the scikit-learn data cache; the files are looked for
        and downloaded in its sub-folder ``mnist``. By default
        :func:`sklearn.datasets.get_data_home`, i.e. ``~/scikit_learn_data``
        unless the environment variable ``SCIKIT_LEARN_DATA`` says otherwise.
    subset : {"train", "test", "all"}, default="train"
        The part of the official split to load: the 60,000 training images,
        the 10,000 test images, or all 70,000, training images first.
    download_if_missing : bool, default=True
        If False, raise an error instead of downloading files found nowhere.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    dataset : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_samples, 784), dtype float32
            The images, flattened row by row, with the pixel values 0..255
            divided by 255 so that they lie in [0.0, 1.0]; 0 is the
            background.
        target : ndarray of shape (n_samples,), dtype int64
            The digit shown, 0 to 9.
        images : ndarray of shape (n_samples, 28, 28), dtype uint8
            The original pixel values, 0 to 255.
        target_names : ndarray of shape (10,)
            The class names, the integers 0 to 9.
        feature_names : list of str
            ``"pixel_<row>_<column>"`` for each of the 784 columns of data.
        DESCR : str
            Description of the data set.
        n_train : int
            Only for ``subset="all"``: the number of training rows, which
            come first (60,000).

    (data, target) : tuple if ``return_X_y`` is True
        The arrays ``data`` and ``target`` described above.

    Raises
    ------
    FileNotFoundError
        If a file is found nowhere and cannot be downloaded, or
        ``download_if_missing`` is False. The message lists the missing
        files and every folder looked in.
    ValueError
        If ``subset`` is invalid, or a file is corrupt, truncated or has the
        wrong checksum; the message names the file.

    Examples
    --------
    >>> from sklearn_lra.datasets import fetch_mnist
    >>> X, y = fetch_mnist(return_X_y=True)  # doctest: +SKIP
    >>> X.shape, X.dtype, y[:5]  # doctest: +SKIP
    ((60000, 784), dtype('float32'), array([5, 0, 4, 1, 9]))
    """
    return _fetch(
        _MNIST,
        data_home=data_home,
        subset=subset,
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
    )


def fetch_fashion_mnist(
    *, data_home=None, subset="train", download_if_missing=True, return_X_y=False
):
    """Load the Fashion-MNIST data set of clothing images (classification).

    70,000 grey-scale images of 28x28 pixels of articles of clothing from
    Zalando in 10 classes, in the official split of 60,000 training and
    10,000 test images. It is a drop-in replacement for MNIST, harder to
    classify.

    ====================  ======================
    Classes                                   10
    Samples total                          70000
    Samples (train/test)             60000/10000
    Dimensionality                           784
    Features               float32 in [0.0, 1.0]
    ====================  ======================

    The four original IDX files (``train-images-idx3-ubyte``,
    ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte`` and
    ``t10k-labels-idx1-ubyte``, each gzip-compressed with a ``.gz`` suffix or
    not) are looked for, file by file, in these folders in turn:

    1. ``<data_home>/fashion-mnist``;
    2. the folder named by the environment variable
       ``SKLEARN_LRA_FASHION_MNIST``;
    3. ``/usr/share/datasets/fashion-mnist``, where the Debian package
       ``dataset-fashion-mnist`` installs them;
    4. ``shared/data/fashion-mnist`` in the current working directory or any
       of its parents.

    Files found nowhere are downloaded into ``<data_home>/fashion-mnist`` if
    ``download_if_missing`` is true, with pooch, an optional dependency
    (``pip install "sklearn-lra[datasets]"``); loading local files needs
    nothing but the package. Every file's decompressed content is
    checked against a known MD5 sum.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Root folder of the scikit-learn data cache; the files are looked for
        and downloaded in its sub-folder ``fashion-mnist``. By default
        :func:`sklearn.datasets.get_data_home`, i.e. ``~/scikit_learn_data``
        unless the environment variable ``SCIKIT_LEARN_DATA`` says otherwise.
    subset : {"train", "test", "all"}, default="train"
        The part of the official split to load: the 60,000 training images,
        the 10,000 test images, or all 70,000, training images first.
    download_if_missing : bool, default=True
        If False, raise an error instead of downloading files found nowhere.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    dataset : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_samples, 784), dtype float32
            The images, flattened row by row, with the pixel values 0..255
            divided by 255 so that they lie in [0.0, 1.0]; 0 is the
            background.
        target : ndarray of shape (n_samples,), dtype int64
            The class, 0 to 9; ``target_names[target]`` gives its name.
        images : ndarray of shape (n_samples, 28, 28), dtype uint8
            The original pixel values, 0 to 255.
        target_names : ndarray of shape (10,)
            The class names: ``"T-shirt/top"``, ``"Trouser"``,
            ``"Pullover"``, ``"Dress"``, ``"Coat"``, ``"Sandal"``,
            ``"Shirt"``, ``"Sneaker"``, ``"Bag"`` and ``"Ankle boot"``.
        feature_names : list of str
            ``"pixel_<row>_<column>"`` for each of the 784 columns of data.
        DESCR : str
            Description of the data set.
        n_train : int
            Only for ``subset="all"``: the number of training rows, which
            come first (60,000).

    (data, target) : tuple if ``return_X_y`` is True
        The arrays ``data`` and ``target`` described above.

    Raises
    ------
    FileNotFoundError
        If a file is found nowhere and cannot be downloaded, or
        ``download_if_missing`` is False. The message lists the missing
        files and every folder looked in.
    ValueError
        If ``subset`` is invalid, or a file is corrupt, truncated or has the
        wrong checksum; the message names the file.

    Examples
    --------
    >>> from sklearn_lra.datasets import fetch_fashion_mnist
    >>> bunch = fetch_fashion_mnist(subset="test")  # doctest: +SKIP
    >>> bunch.data.shape, bunch.target_names[bunch.target[0]]  # doctest: +SKIP
    ((10000, 784), 'Ankle boot')
    """
    return _fetch(
        _FASHION_MNIST,
        data_home=data_home,
        subset=subset,
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
    )


def _fetch(spec, *, data_home, subset, download_if_missing, return_X_y):
    """Locate (or download), verify and assemble the files of one data set."""
    if subset not in _SUBSETS:
        raise ValueError(f"subset must be one of {sorted(_SUBSETS)}, got {subset!r} instead")
    parts = _SUBSETS[subset]
    cache_dir = Path(get_data_home(data_home)) / spec.name
    basenames = [_FILES[part, kind] for part in parts for kind in ("images", "labels")]
    paths = _locate(spec, cache_dir, basenames, download_if_missing)

    images, target = [], []
    for part in parts:
        images_name, labels_name = _FILES[part, "images"], _FILES[part, "labels"]
        part_images = _load(spec, paths[images_name], images_name)
        part_labels = _load(spec, paths[labels_name], labels_name)
        _check_pair(part_images, part_labels, paths, part, spec)
        images.append(part_images)
        target.append(part_labels.astype(np.int64))
    n_train = len(images[0])
    images = images[0] if len(images) == 1 else np.concatenate(images)
    target = target[0] if len(target) == 1 else np.concatenate(target)

    data = images.reshape(len(images), _N_PIXELS).astype(np.float32)
    # In-place division in float32 keeps 0 and 255 exactly at 0.0 and 1.0 and
    # avoids a float64 temporary of the whole data set.
    data /= 255
    if return_X_y:
        return data, target

    bunch = Bunch(
        data=data,
        target=target,
        images=images,
        target_names=np.asarray(spec.target_names),
        feature_names=[f"pixel_{i}_{j}" for i in range(28) for j in range(28)],
        DESCR=_descr(spec),
    )
    if subset == "all":
        bunch.n_train = n_train
    return bunch


def _candidate_dirs(spec, cache_dir):
    """Folders to look in, in order of preference."""
    dirs = [cache_dir]
    env_dir = os.environ.get(spec.env_var, "")
    if env_dir:
        dirs.append(Path(env_dir).expanduser())
    dirs.extend(Path(d) for d in spec.system_dirs)
    cwd = Path.cwd()
    dirs.extend(d / "shared" / "data" / spec.name for d in (cwd, *cwd.parents))
    return dirs


def _find(directory, basename):
    """Return the file of the given name, uncompressed or .gz, or None."""
    # The uncompressed file first: it loads faster.
    for name in (basename, basename + ".gz"):
        path = directory / name
        if path.is_file():
            return path
    return None


def _locate(spec, cache_dir, basenames, download_if_missing):
    """Map each file name to a path, downloading the missing if allowed."""
    dirs = _candidate_dirs(spec, cache_dir)
    paths, missing = _find_all(dirs, basenames)
    if not missing:
        return paths

    errors = []
    if download_if_missing:
        try:
            import pooch
        except ImportError:
            errors.append(POOCH_HINT)
        else:
            for basename in missing:
                try:
                    paths[basename] = _download(pooch, spec, basename, cache_dir)
                except OSError as exc:
                    errors.append(str(exc))
        missing = [name for name in missing if name not in paths]
        if not missing:
            return paths
    raise FileNotFoundError(_not_found_message(spec, missing, dirs, download_if_missing, errors))


def _find_all(dirs, basenames):
    """The first path of each file in ``dirs``, and the names found nowhere."""
    paths, missing = {}, []
    for basename in basenames:
        for directory in dirs:
            path = _find(directory, basename)
            if path is not None:
                paths[basename] = path
                break
        else:
            missing.append(basename)
    return paths, missing


def missing_files(name, data_home=None):
    """The files of a data set found in none of the folders the loaders look in.

    Parameters
    ----------
    name : {'mnist', 'fashion-mnist'}
        The data set.
    data_home : str or path-like, default=None
        As for :func:`fetch_mnist`.

    Returns
    -------
    missing : list of str
        Base names of the IDX files a loader would have to download.
    """
    spec = {s.name: s for s in (_MNIST, _FASHION_MNIST)}[name]
    cache_dir = Path(get_data_home(data_home)) / spec.name
    return _find_all(_candidate_dirs(spec, cache_dir), list(_FILES.values()))[1]


def _not_found_message(spec, missing, dirs, download_if_missing, errors):
    """Say what is missing, where it was looked for, and how to provide it."""
    lines = [
        f"{spec.title} data not found: missing "
        + ", ".join(f"{name}[.gz]" for name in missing)
        + ".",
        "Looked in:",
        *(f"  - {d}" for d in dirs),
    ]
    if download_if_missing:
        lines.append("Downloading failed:")
        lines.extend(f"  - {error}" for error in errors)
    else:
        lines.append("Downloading was not attempted (download_if_missing=False).")
    lines.append(
        f"Put the four IDX files ({', '.join(_FILES.values())}, each "
        f"gzip-compressed or not) in a folder and point the environment variable "
        f"{spec.env_var} at it, or put them in {dirs[0]} (the sub-folder "
        f"{spec.name!r} of data_home), or allow a download from "
        f"{spec.base_urls[0]}."
    )
    return "\n".join(lines)


def _downloader(pooch):
    """The pooch downloader of every request; the only place this module meets the network."""
    # Some servers refuse a client's default User-Agent.
    return pooch.HTTPDownloader(timeout=_TIMEOUT, headers={"User-Agent": "sklearn-lra"})


def _not_hash_advice(record):
    """Drop pooch's advice to pin the download's SHA256 (the content's MD5 is checked)."""
    return not record.getMessage().startswith("SHA256 hash of downloaded file")


def _download(pooch, spec, basename, cache_dir):
    """Download one file into cache_dir with pooch, trying each mirror in turn.

    pooch streams the transfer into a temporary file and names it only once
    complete; the file is then verified (the MD5 of its decompressed content)
    before it takes its real name, so that an interrupted or bad download
    never leaves a file that a later call would pick up. pooch's own hash
    check is not used: it hashes the compressed file, which depends on the
    gzip settings of whoever compressed it, while the published MD5s are of
    the content (the copies in ``shared/data`` are compressed anew, and load).
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / (basename + ".gz")
    part = cache_dir / f".{basename}.gz.part"
    logger = pooch.get_logger()
    logger.addFilter(_not_hash_advice)
    errors = []
    try:
        for base_url in spec.base_urls:
            url = base_url + basename + ".gz"
            part.unlink(missing_ok=True)  # pooch would reuse a leftover
            try:
                path = pooch.retrieve(
                    url,
                    known_hash=None,
                    fname=part.name,
                    path=cache_dir,
                    downloader=_downloader(pooch),
                    progressbar=False,
                )
                # Checks the content before it takes the real name.
                _load(spec, Path(path), basename, name=url)
                os.replace(path, target)
                return target
            except (OSError, ValueError) as exc:
                # requests' errors are OSErrors (a transfer cut short among them).
                errors.append(f"{url}: {str(exc) or repr(exc)}")
            finally:
                part.unlink(missing_ok=True)
    finally:
        logger.removeFilter(_not_hash_advice)
    raise OSError(f"could not download {basename}.gz: " + "; ".join(errors))


def _load(spec, path, basename, name=None):
    """Read, parse and verify one IDX file of the data set.

    ``name`` is what error messages call the file (by default its path).
    """
    name = os.fspath(path) if name is None else name
    content = read_idx_bytes(path)
    array = parse_idx(content, name=name)
    _verify(spec, path, basename, content, name)
    return array


def _verify(spec, path, basename, content, name):
    """Check the MD5 of the decompressed content against _CHECKSUMS."""
    expected = _CHECKSUMS[spec.name][basename]
    stat = path.stat()
    key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns, expected)
    if key in _VERIFIED:
        return
    actual = hashlib.md5(content, usedforsecurity=False).hexdigest()
    if actual != expected:
        raise ValueError(
            f"{name!r} has MD5 {actual} (of its decompressed content), not the "
            f"expected {expected} of {spec.title}'s {basename}: the file is "
            "corrupt or not the published one. Remove it and try again."
        )
    _VERIFIED.add(key)


def _check_pair(images, labels, paths, part, spec):
    """Check that an images file and a labels file fit together."""
    images_path = paths[_FILES[part, "images"]]
    labels_path = paths[_FILES[part, "labels"]]
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(
            f"{os.fspath(images_path)!r} holds an array of shape {images.shape} "
            f"and dtype {images.dtype}, not uint8 images of 28x28 pixels"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(
            f"{os.fspath(labels_path)!r} holds an array of shape {labels.shape} "
            f"and dtype {labels.dtype}, not a vector of uint8 labels"
        )
    if len(images) != len(labels):
        raise ValueError(
            f"{os.fspath(images_path)!r} holds {len(images)} images but "
            f"{os.fspath(labels_path)!r} holds {len(labels)} labels"
        )
    if labels.size and labels.max() >= len(spec.target_names):
        raise ValueError(
            f"{os.fspath(labels_path)!r} holds label {labels.max()}, outside "
            f"0..{len(spec.target_names) - 1}"
        )


def _descr(spec):
    """The description of the data set from descr/, if installed with us."""
    try:
        return (
            resources.files(__package__).joinpath("descr", spec.descr).read_text(encoding="utf-8")
        )
    except OSError:
        # Not shipped (e.g. a build that left out package data): a short
        # description beats failing to load the data.
        return f"{spec.title}: 28x28 grey-scale images in 10 classes."
