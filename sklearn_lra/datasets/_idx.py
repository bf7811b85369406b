"""Reader and writer for the IDX file format of MNIST and Fashion-MNIST.

An IDX file is a header followed by the raw array, everything big-endian:

- 2 zero bytes,
- 1 byte giving the element type (see ``_IDX_DTYPES``),
- 1 byte giving the number of dimensions ``ndim``,
- ``ndim`` unsigned 32-bit integers giving the size of each dimension,
- the elements in C order.

The publishers distribute the files gzip-compressed; both forms are read here,
told apart by the gzip magic bytes rather than by the file name so that a
renamed file still loads.
"""

import gzip
import os
import struct
import zlib

import numpy as np

# Element type codes of the format, mapped to big-endian NumPy dtypes.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def read_idx_bytes(path):
    """Return the decompressed content of an IDX file, gzip-compressed or not.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    Returns
    -------
    content : bytes
        The bytes of the IDX file, decompressed if the file was gzip-compressed.

    Raises
    ------
    ValueError
        If the file looks gzip-compressed but cannot be decompressed.
    """
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        # gzip reports a cut-off download as EOFError and a damaged one as
        # BadGzipFile (an OSError) or zlib.error: one message for all three.
        raise ValueError(f"{os.fspath(path)!r} is a corrupt or truncated gzip file: {exc}") from exc


def parse_idx(content, name="<bytes>"):
    """Parse the bytes of an (uncompressed) IDX file into an array.

    Parameters
    ----------
    content : bytes-like
        The IDX file content.
    name : str, default="<bytes>"
        Name of the file, used in error messages.

    Returns
    -------
    array : ndarray
        A writable array in native byte order, of the shape and type the
        header declares.

    Raises
    ------
    ValueError
        If the header is invalid or the data is shorter or longer than the
        header declares.
    """
    content = memoryview(content).cast("B")
    if len(content) < 4:
        raise ValueError(
            f"{name!r} is not an IDX file: only {len(content)} bytes long, "
            "shorter than the 4-byte magic number"
        )
    zero, code, ndim = content[0] << 8 | content[1], content[2], content[3]
    if zero != 0 or code not in _IDX_DTYPES:
        raise ValueError(
            f"{name!r} is not an IDX file: bad magic number 0x{bytes(content[:4]).hex()}"
        )
    header_size = 4 + 4 * ndim
    if len(content) < header_size:
        raise ValueError(
            f"{name!r} is truncated: its header declares {ndim} dimensions "
            f"but the file is only {len(content)} bytes long"
        )
    shape = struct.unpack(f">{ndim}I", content[4:header_size])
    dtype = _IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(content) - header_size
    if found != expected:
        # A short file is a cut-off download; a long one is not an IDX file
        # of the declared shape. Neither can be trusted.
        what = "truncated" if found < expected else "corrupt"
        raise ValueError(
            f"{name!r} is {what}: its header declares shape {shape} of "
            f"{dtype.name}, i.e. {expected} bytes of data, but it holds {found}"
        )
    array = np.frombuffer(content, dtype=dtype, offset=header_size).reshape(shape)
    # Copy to native byte order: the buffer is read-only and big-endian, and
    # callers expect an ordinary writable array.
    return array.astype(dtype.newbyteorder("="), copy=True)


def read_idx(path):
    """Read an IDX file, gzip-compressed or not, into an array.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    Returns
    -------
    array : ndarray
        A writable array in native byte order.

    Raises
    ------
    ValueError
        If the file is corrupt or truncated; the message names the file.
    """
    return parse_idx(read_idx_bytes(path), name=os.fspath(path))


def to_idx_bytes(array):
    """Encode an array as the bytes of an (uncompressed) IDX file.

    Parameters
    ----------
    array : array-like
        An array whose dtype is one of uint8, int8, int16, int32, float32 and
        float64.

    Returns
    -------
    content : bytes
        The IDX file content.
    """
    array = np.asarray(array)
    codes = [
        code
        for code, dtype in _IDX_DTYPES.items()
        if (dtype.kind, dtype.itemsize) == (array.dtype.kind, array.dtype.itemsize)
    ]
    if not codes:
        raise ValueError(f"dtype {array.dtype} cannot be stored in an IDX file")
    code, dtype = codes[0], _IDX_DTYPES[codes[0]]
    header = struct.pack(f">BBBB{array.ndim}I", 0, 0, code, array.ndim, *array.shape)
    return header + np.ascontiguousarray(array, dtype=dtype).tobytes()


def write_idx(path, array, *, compress=None):
    """Write an array to an IDX file.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    array : array-like
        The array; see :func:`to_idx_bytes` for the dtypes allowed.
    compress : bool or None, default=None
        Whether to gzip the file. ``None`` compresses if the name ends
        with ``.gz``.
    """
    content = to_idx_bytes(array)
    if compress is None:
        compress = os.fspath(path).endswith(".gz")
    if compress:
        # mtime=0 makes the output reproducible byte for byte.
        content = gzip.compress(content, mtime=0)
    with open(path, "wb") as f:
        f.write(content)
