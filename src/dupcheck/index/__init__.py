"""A persistent index of prepared reports, so a repeated scan or a self-check does not start from nothing.

An index holds, per report: where it came from (corpus folder, path, round), who wrote it, a content hash
with the file's size and modification time, the text as read, its sections, its tokens with their
offsets, and its fingerprints (winnowing hashes, passage windows and their MinHash signatures). Updating
an index from a corpus re-reads only files whose size or modification time changed, re-prepares only
those whose content hash changed, and drops files that are gone; all of it at once, so an update is applied
whole or not at all, whatever happens to the process.

Beside the reports, each round has derived data (``derived``): which reports hold each winnowing hash and LSH
band key, and how many members use each k-gram. A self-check looks its draft up in them and reads only the few
reports that can share something with it, yet gets the report a check against every report gives.

The package's modules: ``base`` (the ``Index`` every backend is, its records, and the update written once),
``codec`` (how a report is stored), ``derived`` (what an index keeps beside its reports), ``sqlite`` (the
default backend: one file, no server), ``redis`` (an index shared by several reviewers and machines, opened with
``redis://HOST:PORT/DB``) and ``location`` (which backend a location names, and the default file of a corpus).
Importing the package imports neither the Redis client nor datasketch: ``open_index`` imports the Redis
backend only for a Redis URL.
"""

from dupcheck.index.base import Index, Known, Plan, Record, UpdateResult, plan_update
from dupcheck.index.location import corpus_index, default_index_path, existing_index, is_redis_url, open_index
from dupcheck.index.sqlite import SQLiteIndex

__all__ = [
    "Index",
    "Known",
    "Plan",
    "Record",
    "SQLiteIndex",
    "UpdateResult",
    "corpus_index",
    "default_index_path",
    "existing_index",
    "is_redis_url",
    "open_index",
    "plan_update",
]
