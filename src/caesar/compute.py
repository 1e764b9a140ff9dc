"""Where heavy work runs: this machine's processes, or the workers of a Dask cluster.

Without an address, work runs in a local process pool, one process per core. With one
(`--compute tcp://HOST:8786`, `$CAESAR_COMPUTE`, or `cluster` in `caesar.toml`), it is sent as
tasks to that Dask scheduler, whose workers run the same functions. A task carries only
what it needs: the store's URL, the object names, and the one key that opens those objects
(never the master key, the catalogue's or the signing key). docs/deploy.md says what a
compromised worker can see and why the scheduler's connection must be private (TLS, or a
network only the archive's machines share).

A task's function must be importable where it runs (Caesar installed on every worker); its
arguments are pickled, as between local processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from caesar.errors import CaesarError

ADDRESS_VARIABLE = "CAESAR_COMPUTE"
_CONNECT_SECONDS = 20

T = TypeVar("T")


class ClusterUnreachable(CaesarError):
    """The Dask scheduler named could not be reached."""


@dataclass(frozen=True)
class Compute:
    """Where a command's heavy work runs: `address` names a Dask scheduler, None this
    machine (`workers` processes; one per core when 0)."""

    address: str | None = None
    workers: int = 0

    @property
    def where(self) -> str:
        """The place as a person reads it."""
        return f"the Dask cluster at {self.address}" if self.address else "this machine"

    def map(self, function: Callable[..., T], tasks: Sequence[tuple[Any, ...]]
            ) -> Iterator[T]:
        """`function(*task)` for every task, results in the tasks' order, each as soon as
        it and those before it are done."""
        if not tasks:
            return iter(())
        if self.address is None:
            return self._local(function, tasks)
        return self._cluster(function, tasks)

    def _local(self, function: Callable[..., T], tasks: Sequence[tuple[Any, ...]]
               ) -> Iterator[T]:
        workers = max(1, min(len(tasks), self.workers or os.cpu_count() or 1))
        with ProcessPoolExecutor(workers) as pool:
            yield from pool.map(function, *zip(*tasks, strict=True))

    def _cluster(self, function: Callable[..., T], tasks: Sequence[tuple[Any, ...]]
                 ) -> Iterator[T]:
        # distributed takes a second to import and is needed only where a cluster is named.
        from distributed import Client

        assert self.address is not None
        try:
            client = Client(  # type: ignore[no-untyped-call]  # distributed is untyped
                self.address, timeout=_CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterUnreachable(
                f"The Dask scheduler at {self.address} could not be reached"
                f" ({type(exc).__name__}).",
                hint="Check the address (tcp://HOST:PORT) and that the scheduler and its"
                " workers are running, or leave out --compute to work on this machine."
            ) from None
        try:
            # pure=False: two checks of the same object are two checks, never one result
            # remembered by the scheduler.
            futures = client.map(function, *zip(*tasks, strict=True), pure=False)
            for future in futures:
                yield future.result()
        finally:
            client.close()  # type: ignore[no-untyped-call]


def compute_for(option: str | None, configured: str | None, workers: int = 0) -> Compute:
    """Where to work: the command's option, else `$CAESAR_COMPUTE`, else the archive's
    settings (`cluster`), else this machine."""
    address = option or os.environ.get(ADDRESS_VARIABLE) or configured
    if address is not None and not address.startswith(("tcp://", "tls://")):
        raise CaesarError(f"{address!r} does not name a Dask scheduler.",
                          hint="Write tcp://HOST:PORT, or tls://HOST:PORT with the cluster's"
                          " certificates (docs/deploy.md).")
    return Compute(address or None, workers)
