"""How many BLAS threads the matrix products of a fit or a prediction use.

OpenBLAS starts as many threads as there are cores and keeps them spinning
between calls. That pays for large matrix products on an idle machine, and
costs up to an order of magnitude when the products are small or the cores
are shared (other processes, joblib workers, a notebook next to other work):
the threads wait for each other on busy cores. :func:`blas_threads` therefore
chooses, for one call of ``fit``, ``partial_fit`` or a prediction, the number
of BLAS threads by :func:`choose_threads`, and puts the caller's setting back
afterwards.

The policy only ever lowers the number of threads: a limit set by the user
(``threadpoolctl.threadpool_limits``), by joblib in its workers
(``inner_max_num_threads``, ``parallel_config``) or by the environment
(``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``) is what OpenBLAS reports as its
current number of threads, and it is the ceiling.
"""

import os
import threading
import time
from contextlib import contextmanager

#: Multiply-adds of one minibatch's forward pass (rows x sum of n_{l-1} n_l),
#: counted in float64 (a float32 product counts half), under which one BLAS
#: thread is used whatever the machine: products this small gain little
#: from a second thread and lose much when a core is shared. For scale:
#: 784-256x3-10 at batch 50 in float32 is about 2**23, 64-256x2-10 (digits)
#: at batch 200 in float64 about 2**24, at batch 32 about 2**21. Above it,
#: the threads follow the load (:func:`choose_threads`).
#: ``benchmarks/speed/threads.py`` reports one thread against the default on an
#: idle machine for networks on both sides of it.
SMALL_WORK = 2**22

#: Seconds between two looks at the load (see :func:`blas_threads`).
LOOK_INTERVAL = 0.001

_lock = threading.Lock()
_active = {"depth": 0, "limiter": None}
_controller = None


def forward_work(layer_units, n_rows, itemsize):
    """Float64-equivalent multiply-adds of a forward pass over ``n_rows`` rows.

    Parameters
    ----------
    layer_units : sequence of int
        Widths ``n_0, ..., n_L`` of the network.
    n_rows : int
        Rows of one minibatch (or of one prediction chunk).
    itemsize : int
        Bytes per element of the training dtype (4 or 8).

    Returns
    -------
    work : float
    """
    macs = sum(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))
    return n_rows * macs * itemsize / 8


def choose_threads(work, limit, n_cpus, others_running):
    """The number of BLAS threads for matrix products of size ``work``.

    Parameters
    ----------
    work : float
        Size of the products, from :func:`forward_work`.
    limit : int
        The caller's current number of BLAS threads: never exceeded.
    n_cpus : int
        CPUs this process may run on.
    others_running : int
        Threads of other processes that were runnable when the call started.

    Returns
    -------
    n_threads : int
        1 for products under :data:`SMALL_WORK`; else the caller's limit,
        lowered to the CPUs that other processes leave free (at least 1).
    """
    if limit <= 1:
        return limit
    if work < SMALL_WORK:
        return 1
    free = n_cpus - others_running
    return max(1, min(limit, free))


@contextmanager
def blas_threads(work, looks=1):
    """Run the block with the BLAS threads :func:`choose_threads` gives for ``work``.

    The first (outermost) block of the process decides and restores the
    caller's setting when it ends; blocks nested inside it, or entered by
    other Python threads meanwhile, run under that decision, so that no block
    restores a setting another one still relies on.

    Parameters
    ----------
    work : float
        Size of the block's matrix products, from :func:`forward_work`.
    looks : int, default=1
        Times the load is read, :data:`LOOK_INTERVAL` seconds apart; the
        smallest count counts, so that a process that only passes by does
        not cost a long fit its threads. Fits look 3 times (a few
        milliseconds), predictions once.
    """
    with _lock:
        if _active["depth"] == 0:
            _active["limiter"] = _limit_for(work, looks)
        _active["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _active["depth"] -= 1
            if _active["depth"] == 0 and _active["limiter"] is not None:
                _active["limiter"].restore_original_limits()
                _active["limiter"] = None


def _limit_for(work, looks=1):
    """A threadpoolctl limiter for the threads to use, or None to leave BLAS as it is."""
    blas = _blas_controller()
    if blas is None:
        return None
    limit = min(lib.num_threads for lib in blas.lib_controllers)
    if limit <= 1:
        return None
    probe = work >= SMALL_WORK  # small work needs no look at the machine
    n_cpus = _n_cpus() if probe else 1
    others = _least_others_running(looks) if probe else 0
    n_threads = choose_threads(work, limit, n_cpus, others)
    if n_threads >= limit:
        return None
    return blas.limit(limits=n_threads)


def _least_others_running(looks):
    """The smallest of ``looks`` counts of other processes' runnable threads."""
    least = _others_running()
    for _ in range(looks - 1):
        if least == 0:
            break
        time.sleep(LOOK_INTERVAL)
        least = min(least, _others_running())
    return least


def _blas_controller():
    """threadpoolctl's controller of the loaded BLAS libraries (made once), or None."""
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # scikit-learn requires it; stay harmless without it
            return None
        _controller = ThreadpoolController()
    blas = _controller.select(user_api="blas")
    if not blas.lib_controllers:
        # BLAS may have been loaded after the controller was made: look once more.
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
        blas = _controller.select(user_api="blas")
    return blas if blas.lib_controllers else None


def _n_cpus():
    """CPUs this process may run on (its affinity where the system says)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _others_running():
    """Threads of other processes runnable right now (Linux), else 0.

    ``/proc/loadavg``'s fourth field counts the runnable threads of the whole
    system at this instant, this process's own among them; those are counted
    from ``/proc/self/task`` and taken off. Plain ``os`` calls keep the look
    at a few tens of microseconds.
    """
    try:
        running = int(_read("/proc/loadavg").split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, running - _own_running())


def _own_running():
    """Runnable threads of this process (at least 1: the one asking)."""
    own = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for task in tasks:
        try:
            stat = _read(f"/proc/self/task/{task}/stat")
        except OSError:
            continue  # the thread ended meanwhile
        # The state follows the command name, which is in parentheses and may hold spaces.
        if stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] == b"R":
            own += 1
    return max(own, 1)


def _read(path):
    """The first bytes of a small file (enough for the fields read here)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 512)
    finally:
        os.close(fd)
