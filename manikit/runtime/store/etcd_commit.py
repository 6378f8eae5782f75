"""Committing a batch of etcd ops atomically, as etcd.py's docstring describes: one txn guarded by the
revision key's mod_revision when the batch fits, else the staged two-phase protocol."""

from __future__ import annotations

import json
import uuid

from manikit.errors import ConflictError, StateError
from manikit.runtime.store.etcd_client import (
    MAX_TXN_BYTES,
    Gateway,
    Json,
    compare,
    delete_op,
    op_size,
    prefix_end,
    put_op,
)

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class Committer:
    """Commits batches under ``root``: ``meta/revision`` is the guard, ``meta/pending`` the pointer to
    a committed staged batch, ``staged/<txid>/<n>`` its chunks."""

    def __init__(self, gw: Gateway, root: str, max_txn_ops: int) -> None:
        self._gw = gw
        self._max_ops = max_txn_ops
        self.meta_rev = root + "meta/revision"
        self.pending = root + "meta/pending"
        self._staged = root + "staged/"

    def commit(self, ops: list[Json], rev: int, meta_mod: int) -> None:
        """Write ``ops`` and move the revision to ``rev`` if the revision key is still at ``meta_mod``;
        else write nothing and raise ConflictError."""
        txid = uuid.uuid4().hex
        meta = put_op(self.meta_rev, _dumps({"rev": rev, "txid": txid}))
        guard = [compare(self.meta_rev, "MOD", meta_mod)]
        if len(ops) < self._max_ops and sum(map(op_size, ops)) < MAX_TXN_BYTES:
            succeeded = bool(self._gw.txn(guard, [*ops, meta]).get("succeeded"))
        else:
            succeeded = self._commit_staged(ops, guard, meta, txid, rev)
        if not succeeded and not self._committed(txid):
            raise ConflictError(
                f"state {self._gw.url} changed while this transaction ran (another writer committed "
                "first); nothing was written: run the command again"
            )

    def _commit_staged(self, ops: list[Json], guard: list[Json], meta: Json, txid: str, rev: int) -> bool:
        staged = f"{self._staged}{txid}/"
        chunks = _chunks(ops, self._max_ops - 1)
        for index, chunk in enumerate(chunks):
            self._gw.txn([], [put_op(f"{staged}{index:06d}", _dumps(chunk))])
        pending = _dumps({"txid": txid, "chunks": len(chunks)})
        response = self._gw.txn(guard, [meta, put_op(self.pending, pending)])
        if not response.get("succeeded") and not self._committed(txid):
            self._gw.txn([], [delete_op(staged, prefix_end(staged))])  # never referenced: drop it
            return False
        try:
            self.roll_forward(pending)
        except StateError as exc:
            raise StateError(
                f"the transaction was committed at revision {rev} but writing it out was interrupted "
                f"({exc}); the next manikit command against {self._gw.url} finishes it"
            ) from exc
        return True

    def _committed(self, txid: str) -> bool:
        """After an ambiguous failure (a retried txn), whether our commit made it after all."""
        kv = self._gw.get(self.meta_rev)
        return kv is not None and json.loads(kv.value).get("txid") == txid

    def roll_forward(self, pending: str) -> None:
        """Apply a committed staged batch; safe to run by several processes at once."""
        info = json.loads(pending)
        staged = f"{self._staged}{info['txid']}/"
        guard = [compare(self.pending, "VALUE", pending)]
        for index in range(int(info["chunks"])):
            kv = self._gw.get(f"{staged}{index:06d}")
            if kv is None:
                return  # another process finished this batch
            if not self._gw.txn(guard, json.loads(kv.value)).get("succeeded"):
                return
        self._gw.txn(guard, [delete_op(self.pending), delete_op(staged, prefix_end(staged))])


def _chunks(ops: list[Json], max_ops: int) -> list[list[Json]]:
    """Split ops into chunks that each fit one txn (by count and by bytes)."""
    chunks: list[list[Json]] = [[]]
    size = 0
    for op in ops:
        cost = op_size(op)
        if chunks[-1] and (len(chunks[-1]) >= max_ops or size + cost > MAX_TXN_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append(op)
        size += cost
    return chunks
