"""`caesar verify --compute tcp://...`: the objects are checked by a Dask cluster's workers,
with the same findings as on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Caesar
from preservation.survival import add_photos, flip_byte, object_file

from cluster.conftest import checks_run_on


def _findings(report: dict[str, Any]) -> dict[str, Any]:
    return {k: report[k] for k in ("checked", "ok", "damaged", "missing",
                                   "thumbnails_damaged", "unreferenced", "state")}


def test_the_cluster_finds_what_this_machine_finds(caesar: Caesar, tmp_path: Path,
                                                    dask_cluster: Any) -> None:
    shas = add_photos(caesar, tmp_path / "drive", 20)
    assert caesar.archive is not None
    flip_byte(object_file(caesar.archive, "original", shas[3]))
    object_file(caesar.archive, "thumbnail", shas[5]).unlink()
    before = checks_run_on(dask_cluster)
    remote = caesar("verify", "--json", "--compute", dask_cluster.scheduler_address)
    assert checks_run_on(dask_cluster) - before == 5  # 40 objects, in runs of 8
    local = caesar("verify", "--json")
    assert remote.exit_code == local.exit_code == 1
    assert _findings(remote.json()) == _findings(local.json())
    assert remote.json()["damaged"] == [shas[3]]
    assert remote.json()["thumbnails_damaged"] == [shas[5]]


def test_the_cluster_can_be_named_by_the_environment(caesar: Caesar, tmp_path: Path,
                                                      dask_cluster: Any) -> None:
    add_photos(caesar, tmp_path / "drive", 3)
    before = checks_run_on(dask_cluster)
    run = caesar("verify", "--json", env={"CAESAR_COMPUTE": dask_cluster.scheduler_address})
    assert run.exit_code == 0 and run.json()["ok"] == 3
    assert checks_run_on(dask_cluster) - before == 1


def test_a_scheduler_that_does_not_answer_is_named_and_nothing_is_logged(
        caesar: Caesar, tmp_path: Path) -> None:
    add_photos(caesar, tmp_path / "drive", 2)
    entries = caesar.json("ledger", "verify")["size"]
    run = caesar("verify", "--compute", "tcp://127.0.0.1:9")
    assert run.exit_code == 2
    assert "Dask scheduler at tcp://127.0.0.1:9 could not be reached" in run.stderr
    assert caesar.json("ledger", "verify")["size"] == entries


@pytest.mark.parametrize("address", ["http://127.0.0.1:8786", "127.0.0.1:8786"])
def test_an_address_that_is_not_a_scheduler_is_refused(caesar: Caesar, address: str) -> None:
    run = caesar("verify", "--compute", address)
    assert run.exit_code == 2 and "does not name a Dask scheduler" in run.stderr
