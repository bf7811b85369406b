"""Tests of sklearn_lra.datasets: IDX parsing and the MNIST / Fashion-MNIST loaders.

All tests but one build tiny IDX files of their own in tmp_path and never touch
the network; the exception loads the real benchmark files if they are present.
"""

import dataclasses
import gzip
import hashlib
import http.client
import struct
import sys
from pathlib import Path

import numpy as np
import pytest
import requests
from sklearn.utils import Bunch

from sklearn_lra.datasets import _mnist, fetch_fashion_mnist, fetch_mnist
from sklearn_lra.datasets._idx import parse_idx, read_idx, to_idx_bytes, write_idx

FETCHERS = {"mnist": fetch_mnist, "fashion-mnist": fetch_fashion_mnist}
ENV_VARS = {"mnist": "SKLEARN_LRA_MNIST", "fashion-mnist": "SKLEARN_LRA_FASHION_MNIST"}
N_TRAIN, N_TEST = 5, 3
BASENAMES = {
    "train-images": "train-images-idx3-ubyte",
    "train-labels": "train-labels-idx1-ubyte",
    "t10k-images": "t10k-images-idx3-ubyte",
    "t10k-labels": "t10k-labels-idx1-ubyte",
}


def make_arrays(seed=0):
    """Tiny stand-ins for the four arrays, keyed by file base name."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for part, n in (("train", N_TRAIN), ("t10k", N_TEST)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[0, 0, 0], images[0, 0, 1] = 0, 255  # make the scaling visible
        arrays[BASENAMES[f"{part}-images"]] = images
        arrays[BASENAMES[f"{part}-labels"]] = rng.integers(0, 10, n, dtype=np.uint8)
    return arrays


def write_dataset(directory, arrays, *, compress=True):
    """Write the arrays as IDX files into directory, returning it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for basename, array in arrays.items():
        write_idx(directory / (basename + (".gz" if compress else "")), array)
    return directory


def checksums(arrays):
    """The checksum table entry of the tiny files: MD5 of their IDX bytes."""
    return {
        basename: hashlib.md5(to_idx_bytes(array)).hexdigest() for basename, array in arrays.items()
    }


@pytest.fixture
def arrays():
    return make_arrays()


@pytest.fixture
def env(tmp_path, monkeypatch, arrays):
    """Isolate the loaders from this machine and trust the tiny files.

    The working directory is moved to an empty folder (no shared/data above
    it), the environment variables are cleared, the Debian folder is dropped,
    the default data_home points into tmp_path, and the checksum tables hold
    the MD5s of the tiny files. The downloader fails loudly.
    """
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    for var in ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sk_data"))
    monkeypatch.setattr(
        _mnist,
        "_FASHION_MNIST",
        dataclasses.replace(_mnist._FASHION_MNIST, system_dirs=()),
    )
    for name in FETCHERS:
        monkeypatch.setitem(_mnist._CHECKSUMS, name, checksums(arrays))

    def no_network(url, output_file, pooch):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr(_mnist, "_downloader", lambda pooch: no_network)
    return tmp_path


# --------------------------------------------------------------------------
# IDX format


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_round_trip(tmp_path, dtype, compress):
    array = (np.arange(2 * 3 * 4) - 7).reshape(2, 3, 4).astype(dtype)
    path = tmp_path / ("a.idx.gz" if compress else "a.idx")
    write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == compress
    result = read_idx(path)
    np.testing.assert_array_equal(result, array)
    assert result.dtype == np.dtype(dtype)
    assert result.dtype.isnative
    assert result.flags.writeable


def test_parse_idx_reads_big_endian_header_and_data():
    content = (
        b"\x00\x00\x0c\x02"  # int32, 2 dimensions
        + struct.pack(">II", 2, 1)
        + struct.pack(">ii", 1, -2)
    )
    result = parse_idx(content)
    np.testing.assert_array_equal(result, [[1], [-2]])
    assert result.dtype == np.int32


def test_read_idx_gzip_is_detected_by_content(tmp_path):
    # A gzip file without the .gz suffix still loads.
    path = tmp_path / "labels"
    path.write_bytes(gzip.compress(to_idx_bytes(np.arange(4, dtype=np.uint8))))
    np.testing.assert_array_equal(read_idx(path), np.arange(4))


GOOD = to_idx_bytes(np.arange(6, dtype=np.uint8).reshape(2, 3))


@pytest.mark.parametrize(
    "content, message",
    [
        (GOOD[:-1], "truncated"),
        (GOOD + b"\x00", "corrupt"),
        (GOOD[:10], "truncated: its header declares 2 dimensions"),
        (b"\x00\x00", "not an IDX file"),
        (b"\x01\x00\x08\x01" + GOOD[4:], "bad magic number"),
        (b"\x00\x00\x07\x01" + GOOD[4:], "bad magic number"),
        (gzip.compress(GOOD, mtime=0)[:-12], "corrupt or truncated gzip"),
        (gzip.compress(GOOD, mtime=0)[:12] + b"garbage" * 3, "corrupt or truncated gzip"),
    ],
)
def test_read_idx_corrupt_file(tmp_path, content, message):
    path = tmp_path / "broken-idx1-ubyte"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as excinfo:
        read_idx(path)
    assert str(path) in str(excinfo.value)


def test_to_idx_bytes_rejects_unsupported_dtype():
    with pytest.raises(ValueError, match="cannot be stored"):
        to_idx_bytes(np.zeros(2, dtype=np.uint16))


# --------------------------------------------------------------------------
# The Bunch


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("name", list(FETCHERS))
def test_fetch_bunch(env, arrays, name, compress):
    write_dataset(env / "home" / name, arrays, compress=compress)
    bunch = FETCHERS[name](data_home=env / "home", download_if_missing=False)

    assert isinstance(bunch, Bunch)
    images = arrays[BASENAMES["train-images"]]
    assert bunch.data.shape == (N_TRAIN, 784)
    assert bunch.data.dtype == np.float32
    np.testing.assert_allclose(bunch.data, images.reshape(N_TRAIN, -1) / 255)
    assert bunch.data.min() == 0.0 and bunch.data.max() == 1.0
    assert bunch.images.dtype == np.uint8
    np.testing.assert_array_equal(bunch.images, images)
    assert bunch.target.dtype == np.int64
    np.testing.assert_array_equal(bunch.target, arrays[BASENAMES["train-labels"]])
    assert len(bunch.target_names) == 10
    assert bunch.feature_names[:2] == ["pixel_0_0", "pixel_0_1"]
    assert bunch.feature_names[-1] == "pixel_27_27"
    assert len(bunch.feature_names) == 784
    assert "n_train" not in bunch
    assert "MNIST" in bunch.DESCR


def test_fashion_target_names(env, arrays):
    write_dataset(env / "home" / "fashion-mnist", arrays)
    bunch = fetch_fashion_mnist(data_home=env / "home")
    assert bunch.target_names[0] == "T-shirt/top"
    assert bunch.target_names[9] == "Ankle boot"


@pytest.mark.parametrize("name", list(FETCHERS))
def test_return_X_y(env, arrays, name):
    write_dataset(env / "home" / name, arrays)
    bunch = FETCHERS[name](data_home=env / "home", subset="test")
    X, y = FETCHERS[name](data_home=env / "home", subset="test", return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)
    assert X.shape == (N_TEST, 784) and y.shape == (N_TEST,)


def test_subsets(env, arrays):
    write_dataset(env / "home" / "mnist", arrays)
    train = fetch_mnist(data_home=env / "home", subset="train")
    test = fetch_mnist(data_home=env / "home", subset="test")
    full = fetch_mnist(data_home=env / "home", subset="all")

    np.testing.assert_array_equal(test.images, arrays[BASENAMES["t10k-images"]])
    np.testing.assert_array_equal(test.target, arrays[BASENAMES["t10k-labels"]])
    assert full.n_train == N_TRAIN
    assert full.data.shape == (N_TRAIN + N_TEST, 784)
    # Training rows first, then the test rows.
    np.testing.assert_array_equal(full.data, np.vstack([train.data, test.data]))
    np.testing.assert_array_equal(full.target, np.hstack([train.target, test.target]))
    np.testing.assert_array_equal(full.images[N_TRAIN:], test.images)


def test_subset_only_needs_its_files(env, arrays):
    test_only = {k: v for k, v in arrays.items() if k.startswith("t10k")}
    write_dataset(env / "home" / "mnist", test_only)
    assert fetch_mnist(data_home=env / "home", subset="test").data.shape[0] == N_TEST
    with pytest.raises(FileNotFoundError):
        fetch_mnist(data_home=env / "home", subset="train", download_if_missing=False)


@pytest.mark.parametrize("subset", ["validation", "Train", None])
def test_invalid_subset(env, subset):
    with pytest.raises(ValueError, match="subset must be one of"):
        fetch_mnist(data_home=env / "home", subset=subset)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        fetch_mnist("/tmp")


def test_inconsistent_files(env, arrays, monkeypatch):
    arrays[BASENAMES["train-labels"]] = arrays[BASENAMES["train-labels"]][:-1]
    write_dataset(env / "home" / "mnist", arrays)
    monkeypatch.setitem(_mnist._CHECKSUMS, "mnist", checksums(arrays))
    with pytest.raises(ValueError, match=f"holds {N_TRAIN} images but"):
        fetch_mnist(data_home=env / "home")


def test_label_out_of_range(env, arrays, monkeypatch):
    arrays[BASENAMES["train-labels"]][2] = 10
    write_dataset(env / "home" / "mnist", arrays)
    monkeypatch.setitem(_mnist._CHECKSUMS, "mnist", checksums(arrays))
    with pytest.raises(ValueError, match="label 10, outside 0..9"):
        fetch_mnist(data_home=env / "home")


# --------------------------------------------------------------------------
# Where the files are looked for


def test_default_data_home(env, arrays):
    write_dataset(env / "sk_data" / "mnist", arrays)  # SCIKIT_LEARN_DATA
    assert fetch_mnist(download_if_missing=False).data.shape == (N_TRAIN, 784)


@pytest.mark.parametrize("name", list(FETCHERS))
def test_env_var_folder(env, arrays, monkeypatch, name):
    folder = write_dataset(env / "elsewhere", arrays, compress=False)
    monkeypatch.setenv(ENV_VARS[name], str(folder))
    bunch = FETCHERS[name](data_home=env / "home", download_if_missing=False)
    np.testing.assert_array_equal(bunch.images, arrays[BASENAMES["train-images"]])


def test_data_home_comes_before_env_var(env, monkeypatch):
    first, second = make_arrays(seed=1), make_arrays(seed=2)
    write_dataset(env / "home" / "mnist", first)
    monkeypatch.setenv("SKLEARN_LRA_MNIST", str(write_dataset(env / "env", second)))
    monkeypatch.setitem(_mnist._CHECKSUMS, "mnist", checksums(first))
    bunch = fetch_mnist(data_home=env / "home")
    np.testing.assert_array_equal(bunch.images, first[BASENAMES["train-images"]])


def test_uncompressed_file_is_preferred(env, arrays):
    folder = write_dataset(env / "home" / "mnist", arrays, compress=False)
    # A broken .gz beside a good plain file is never opened.
    for basename in BASENAMES.values():
        (folder / (basename + ".gz")).write_bytes(b"broken")
    assert fetch_mnist(data_home=env / "home").data.shape == (N_TRAIN, 784)


def test_shared_data_found_walking_up_from_cwd(env, arrays, monkeypatch):
    write_dataset(env / "project" / "shared" / "data" / "fashion-mnist", arrays)
    deep = env / "project" / "repo" / "sub"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    bunch = fetch_fashion_mnist(data_home=env / "home", download_if_missing=False)
    np.testing.assert_array_equal(bunch.target, arrays[BASENAMES["train-labels"]])


def test_fashion_system_folder(env, arrays, monkeypatch):
    folder = write_dataset(env / "usr-share", arrays)
    spec = dataclasses.replace(_mnist._FASHION_MNIST, system_dirs=(str(folder),))
    monkeypatch.setattr(_mnist, "_FASHION_MNIST", spec)
    assert fetch_fashion_mnist(data_home=env / "home").data.shape == (N_TRAIN, 784)
    # The system folder belongs to Fashion-MNIST only.
    with pytest.raises(FileNotFoundError):
        fetch_mnist(data_home=env / "home", download_if_missing=False)


def test_not_found_message(env, monkeypatch):
    monkeypatch.setenv("SKLEARN_LRA_FASHION_MNIST", str(env / "nowhere"))
    spec = dataclasses.replace(_mnist._FASHION_MNIST, system_dirs=("/no/such/dir",))
    monkeypatch.setattr(_mnist, "_FASHION_MNIST", spec)
    with pytest.raises(FileNotFoundError) as excinfo:
        fetch_fashion_mnist(data_home=env / "home", subset="test", download_if_missing=False)
    message = str(excinfo.value)
    assert "Fashion-MNIST data not found" in message
    assert "t10k-images-idx3-ubyte[.gz]" in message
    assert "t10k-labels-idx1-ubyte[.gz]" in message
    assert "train-images-idx3-ubyte[.gz]" not in message.split("Looked in")[0]
    for place in [
        env / "home" / "fashion-mnist",
        env / "nowhere",
        Path("/no/such/dir"),
        env / "cwd" / "shared" / "data" / "fashion-mnist",
        env / "shared" / "data" / "fashion-mnist",
        Path("/shared/data/fashion-mnist"),
    ]:
        assert f"  - {place}\n" in message
    assert "download_if_missing=False" in message
    assert "SKLEARN_LRA_FASHION_MNIST" in message
    assert "data_home" in message


# --------------------------------------------------------------------------
# Verification


def test_corrupt_file_is_named(env, arrays):
    folder = write_dataset(env / "home" / "mnist", arrays)
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match="corrupt or truncated") as excinfo:
        fetch_mnist(data_home=env / "home")
    assert str(path) in str(excinfo.value)


def test_truncated_plain_file_is_named(env, arrays):
    folder = write_dataset(env / "home" / "mnist", arrays, compress=False)
    path = folder / "train-labels-idx1-ubyte"
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ValueError, match="is truncated") as excinfo:
        fetch_mnist(data_home=env / "home")
    assert str(path) in str(excinfo.value)


def test_checksum_mismatch(env, arrays, monkeypatch):
    folder = write_dataset(env / "home" / "mnist", arrays)
    table = checksums(arrays)
    table["t10k-labels-idx1-ubyte"] = "0" * 32
    monkeypatch.setitem(_mnist._CHECKSUMS, "mnist", table)
    with pytest.raises(ValueError, match="MD5") as excinfo:
        fetch_mnist(data_home=env / "home", subset="all")
    assert str(folder / "t10k-labels-idx1-ubyte.gz") in str(excinfo.value)
    assert "0" * 32 in str(excinfo.value)


@pytest.mark.parametrize("name", list(FETCHERS))
def test_published_checksums_are_enforced(tmp_path, arrays, name):
    # Without the env fixture the real tables hold, and they reject tiny files
    # found first of all in data_home: the public path always verifies.
    write_dataset(tmp_path / name, arrays)
    with pytest.raises(ValueError, match="not the published one"):
        FETCHERS[name](data_home=tmp_path, download_if_missing=False)


def test_verification_is_cached(env, arrays, monkeypatch):
    write_dataset(env / "home" / "mnist", arrays)
    fetch_mnist(data_home=env / "home")

    def no_hashing(*args, **kwargs):
        raise AssertionError("hashed again")

    monkeypatch.setattr(_mnist.hashlib, "md5", no_hashing)
    fetch_mnist(data_home=env / "home")


# --------------------------------------------------------------------------
# Downloading


class FakeServer:
    """Stands in for pooch's HTTP downloader: serves given bytes by URL, records requests."""

    def __init__(self, files):
        self.files = files
        self.requests = []

    def __call__(self, url, output_file, pooch):
        self.requests.append(url)
        content = self.files.get(url)
        if content is None:
            raise requests.exceptions.ConnectionError(f"no route to {url}")
        Path(output_file).write_bytes(content)


def serve(monkeypatch, downloader):
    """Make the loaders download through ``downloader`` (called as pooch calls one)."""
    monkeypatch.setattr(_mnist, "_downloader", lambda pooch: downloader)


def served(arrays, base_url):
    return {
        base_url + basename + ".gz": gzip.compress(to_idx_bytes(array))
        for basename, array in arrays.items()
    }


@pytest.mark.parametrize("name", list(FETCHERS))
def test_download(env, arrays, monkeypatch, name):
    spec = {"mnist": _mnist._MNIST, "fashion-mnist": _mnist._FASHION_MNIST}[name]
    server = FakeServer(served(arrays, spec.base_urls[0]))
    serve(monkeypatch, server)

    bunch = FETCHERS[name](data_home=env / "home", subset="all")
    np.testing.assert_array_equal(bunch.images[:N_TRAIN], arrays[BASENAMES["train-images"]])
    assert sorted(server.requests) == sorted(server.files)
    cached = sorted(p.name for p in (env / "home" / name).iterdir())
    assert cached == sorted(basename + ".gz" for basename in BASENAMES.values())

    # Once downloaded, the files are read from data_home.
    server.requests.clear()
    FETCHERS[name](data_home=env / "home", subset="all")
    assert server.requests == []


def test_download_only_missing_files(env, arrays, monkeypatch):
    have = {k: v for k, v in arrays.items() if "images" in k}
    write_dataset(env / "home" / "mnist", have)
    server = FakeServer(served(arrays, _mnist._MNIST.base_urls[0]))
    serve(monkeypatch, server)
    fetch_mnist(data_home=env / "home", subset="all")
    assert sorted(url.rsplit("/", 1)[1] for url in server.requests) == [
        "t10k-labels-idx1-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
    ]


def test_download_falls_back_to_mirror(env, arrays, monkeypatch):
    first, mirror = _mnist._MNIST.base_urls
    files = served(arrays, mirror)
    # The first server is down for one file and serves a bad copy of another.
    files.update(served(arrays, first))
    del files[first + "train-images-idx3-ubyte.gz"]
    files[first + "train-labels-idx1-ubyte.gz"] = gzip.compress(
        to_idx_bytes(np.zeros(N_TRAIN, dtype=np.uint8))
    )
    server = FakeServer(files)
    serve(monkeypatch, server)

    bunch = fetch_mnist(data_home=env / "home")
    np.testing.assert_array_equal(bunch.target, arrays[BASENAMES["train-labels"]])
    assert mirror + "train-labels-idx1-ubyte.gz" in server.requests
    assert not list((env / "home" / "mnist").glob("*.part"))


def test_download_failure_leaves_nothing(env, arrays, monkeypatch):
    base_url = _mnist._MNIST.base_urls[0]
    files = served(arrays, base_url)
    # A cut-off transfer on the first server, nothing on the mirror.
    url = base_url + "train-images-idx3-ubyte.gz"
    files[url] = files[url][: len(files[url]) // 2]
    serve(monkeypatch, FakeServer(files))

    with pytest.raises(FileNotFoundError) as excinfo:
        fetch_mnist(data_home=env / "home")
    message = str(excinfo.value)
    assert "missing train-images-idx3-ubyte[.gz]." in message
    assert "Downloading failed" in message
    assert url in message and "truncated" in message
    assert "no route to" in message  # the mirror
    # The labels downloaded fine and stay; the images left no partial file.
    assert sorted(p.name for p in (env / "home" / "mnist").iterdir()) == [
        "train-labels-idx1-ubyte.gz"
    ]


def test_download_cut_short(env, monkeypatch):
    def cut_short(url, output_file, pooch):
        # What requests raises when the server closes the connection early.
        Path(output_file).write_bytes(b"\x1f\x8b")
        incomplete = http.client.IncompleteRead(b"\x1f\x8b", 1000)
        raise requests.exceptions.ChunkedEncodingError(repr(incomplete))

    serve(monkeypatch, cut_short)
    with pytest.raises(FileNotFoundError, match="IncompleteRead"):
        fetch_mnist(data_home=env / "home", subset="test")
    assert not list((env / "home" / "mnist").iterdir())


def test_offline(env, monkeypatch):
    def offline(url, output_file, pooch):
        raise requests.exceptions.ConnectionError("[Errno -3] Temporary failure in name resolution")

    serve(monkeypatch, offline)
    with pytest.raises(FileNotFoundError, match="name resolution") as excinfo:
        fetch_fashion_mnist(data_home=env / "home", subset="test")
    assert "SKLEARN_LRA_FASHION_MNIST" in str(excinfo.value)
    assert not list((env / "home" / "fashion-mnist").iterdir())


def test_the_downloader_is_pooch_s_http_downloader():
    """Without a stand-in, pooch's HTTP downloader fetches, with a timeout."""
    import pooch

    downloader = _mnist._downloader(pooch)
    assert isinstance(downloader, pooch.HTTPDownloader)
    assert downloader.kwargs["timeout"] == _mnist._TIMEOUT


@pytest.mark.parametrize("name", list(FETCHERS))
def test_local_files_load_without_pooch(env, arrays, monkeypatch, name):
    """pooch is only needed to download: local copies load without it."""
    monkeypatch.setitem(sys.modules, "pooch", None)  # import pooch raises ImportError
    write_dataset(env / "home" / name, arrays)
    bunch = FETCHERS[name](data_home=env / "home", subset="all")
    assert bunch.data.shape == (N_TRAIN + N_TEST, 784)
    assert _mnist.missing_files(name, data_home=env / "home") == []


def test_missing_files_without_pooch_name_the_extra(env, arrays, monkeypatch):
    """A download that needs pooch, which is missing, fails naming the extra to install."""
    monkeypatch.setitem(sys.modules, "pooch", None)
    write_dataset(env / "home" / "mnist", {k: v for k, v in arrays.items() if "t10k" in k})
    assert fetch_mnist(data_home=env / "home", subset="test").data.shape[0] == N_TEST
    with pytest.raises(FileNotFoundError) as excinfo:
        fetch_mnist(data_home=env / "home", subset="train")
    message = str(excinfo.value)
    assert "missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]." in message
    assert 'pip install "sklearn-lra[datasets]"' in message
    assert sorted(_mnist.missing_files("mnist", data_home=env / "home")) == [
        BASENAMES["train-images"],
        BASENAMES["train-labels"],
    ]


# --------------------------------------------------------------------------
# The real data, where this machine has it


def _real_data_dir(name):
    repo = Path(__file__).resolve().parents[1]
    for root in (repo.parent / "shared" / "data", Path("/work/shared/data")):
        folder = root / name
        if all(
            (folder / (basename + ".gz")).is_file() or (folder / basename).is_file()
            for basename in BASENAMES.values()
        ):
            return folder
    return None


@pytest.mark.parametrize("name", list(FETCHERS))
def test_real_data(tmp_path, monkeypatch, name):
    folder = _real_data_dir(name)
    if folder is None:
        pytest.skip(f"the real {name} files are not on this machine")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_VARS[name], str(folder))
    bunch = FETCHERS[name](data_home=tmp_path, subset="all", download_if_missing=False)
    assert bunch.n_train == 60_000
    assert bunch.data.shape == (70_000, 784)
    assert bunch.images.shape == (70_000, 28, 28)
    assert bunch.target.shape == (70_000,)
    assert bunch.data.dtype == np.float32
    assert 0.0 == bunch.data.min() and bunch.data.max() == 1.0
    np.testing.assert_array_equal(np.unique(bunch.target), np.arange(10))
    # The training part first: both files' first labels are well known.
    first = {"mnist": (5, 7), "fashion-mnist": (9, 9)}[name]
    assert (bunch.target[0], bunch.target[60_000]) == first
