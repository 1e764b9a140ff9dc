"""`caesar analyse --compute tcp://...`: intake's second stage on a Dask cluster's workers,
with the same results as on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import PASSPHRASE, Caesar
from photos import camera_jpeg

from caesar.core import Archive
from caesar.vault.keys import KdfCost


def _tasks(cluster: Any) -> int:
    prefix = cluster.scheduler.task_prefixes.get("analyse_batch")
    return 0 if prefix is None else int(prefix.state_counts["memory"])


def _content(photos: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(({k: v for k, v in p.items() if k != "sightings"} for p in photos),
                  key=lambda p: p["sha256"])


def test_the_cluster_analyses_what_this_machine_analyses(
        caesar: Caesar, tmp_path: Path, dask_cluster: Any) -> None:
    drive = tmp_path / "drive"
    first = camera_jpeg(drive / "0.jpg", seed=0, size=(320, 240))
    for seed in range(1, 8):
        camera_jpeg(drive / f"{seed}.jpg", seed=seed, size=(320, 240))
    (drive / "cut.jpg").write_bytes(first[:2000])
    assert caesar.json("ingest", str(drive), "--analyse", "later")["not_analysed"] == 9
    before = _tasks(dask_cluster)
    remote = caesar.json("analyse", "--compute", dask_cluster.scheduler_address)
    assert _tasks(dask_cluster) - before == 3  # 9 originals, in runs of 4
    assert remote["analysed"] == 9 and remote["remaining"] == 0
    assert [(f["path"], f["kind"]) for f in remote["flagged"]] == [("cut.jpg", "truncated")]

    here = Caesar(Archive.create(tmp_path / "here", PASSPHRASE, kdf_cost=KdfCost.test).path)
    here.json("ingest", str(drive))
    assert _content(caesar.json("photos", "list")) == _content(here.json("photos", "list"))
    checked = caesar.json("verify")
    assert checked["ok"] == 9 and checked["thumbnails_damaged"] == []
