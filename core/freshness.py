"""The data version, and the figures computed once per version.

What the public pages count and list (the facet index, the home page's figures, the map, the gaps) is
computed once per version of the data and kept in the shared cache. The version moves on any committed
change to a model an app names in its `public_data` (see the apps' `apps.py`), whoever makes it: the admin,
a service, an import, `manage.py shell`, a data migration, `loaddata`. Saves, deletes and many-to-many
changes are recorded on the database connection as they happen; when the transaction commits, the
listeners (`on_change`: the search documents, for one) hear which rows changed, then the version moves.
`update()` and `bulk_create()` send no signals: code that uses them calls `changed()`.

Until the commit only the connection that made a change can see it. For that connection the version carries
a suffix of its own, so that a request or a test reading in the same transaction sees its own change.
"""

import hashlib
import logging
import mmap
import os
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import translation

from core import allocator

T = TypeVar("T")
logger = logging.getLogger(__name__)

VERSION_KEY = "public-data:version"
# A safety net only: every change moves the version; a value is also computed again after this long.
TIMEOUT = 6 * 60 * 60
# While one process computes a value (the facet index takes about a second at 100,000 products), the others
# serve the previous version's, or wait for it when there is none, polling the cache; past WAIT_SECONDS they
# compute it too.
LOCK_SECONDS = 60
WAIT_SECONDS = 10
POLL_SECONDS = 0.05

_watched: set[str] = set()
_listeners: list[Callable[["Changes"], None]] = []
# Parts of the data with a version of their own: {name: which model labels belong to it}.
_scopes: dict[str, Callable[[str], bool]] = {}


@dataclass
class Changes:
    """What a transaction changed, by model label ("inventory.knowledgeproduct"): the rows saved or deleted
    (and of those, the rows created), and the rows whose links changed (both ends of a many-to-many change,
    what a saved link row points to)."""

    saved: dict[str, set] = field(default_factory=dict)
    linked: dict[str, set] = field(default_factory=dict)
    created: dict[str, set] = field(default_factory=dict)

    def touched(self, label: str) -> set:
        """The rows of `label` saved, deleted or linked anew."""
        return self.saved.get(label, set()) | self.linked.get(label, set())

    def existing(self, label: str) -> set:
        """The rows of `label` saved or deleted that were there before the transaction (what others had
        read of them may have changed: a name renamed)."""
        return self.saved.get(label, set()) - self.created.get(label, set())

    def add(self, kind: dict, label: str, pks: Iterable) -> None:
        kind.setdefault(label, set()).update(pk for pk in pks if pk is not None)


@dataclass
class _Pending:
    """The changes of a connection's open transaction, and the hook that publishes them at commit."""

    hook: Callable[[], None]
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    count: int = 0
    changes: Changes = field(default_factory=Changes)


# --- watching ---------------------------------------------------------------------------------------------


def connect() -> None:
    """Watch the models the apps name in `public_data`; core's AppConfig calls this once. Signals are
    connected per model (not for every model: that would slow every other delete). A data migration's
    models are not these classes; `migrate` moves the version when it ends."""
    for app_config in apps.get_app_configs():
        for name in getattr(app_config, "public_data", ()):
            model = apps.get_model(name if "." in name else f"{app_config.label}.{name}")
            _watched.add(_label(model))
            post_save.connect(_saved, sender=model, dispatch_uid=f"freshness-saved-{_label(model)}")
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"freshness-deleted-{_label(model)}")
            for field_ in model._meta.many_to_many:
                through = field_.remote_field.through
                uid = f"freshness-links-{through._meta.label_lower}"
                m2m_changed.connect(_links_changed, sender=through, dispatch_uid=uid)
    # Once per `migrate` (the signal comes once per app with models): the catalogue's.
    catalogue = apps.get_app_config("inventory")
    post_migrate.connect(_migrated, sender=catalogue, dispatch_uid="freshness-migrated")


class KeptPerVersion:
    """Values computed from some models' rows, kept in this process's memory for the version of the part of
    the data that holds those models (`version_of`: the catalogue's for a product list, so that a need
    submitted leaves it be), the `most` asked for lately in each part: when a part's version moves, its
    values go."""

    def __init__(self, most: int):
        self.most = most
        self._parts: dict[str | None, tuple[str, OrderedDict]] = {}
        self._lock = threading.Lock()

    def get(self, labels: Iterable[str], key, compute: Callable[[str], T]) -> T:
        """The value of `key`, computed from the models `labels`: kept, or `compute(version)`d and kept."""
        part, version = version_of(*labels)
        with self._lock:
            kept_version, values = self._parts.get(part, (None, None))
            if kept_version == version and key in values:
                values.move_to_end(key)
                return values[key]
        value = compute(version)
        with self._lock:
            kept_version, values = self._parts.get(part, (None, None))
            if kept_version != version:
                values = OrderedDict()
                self._parts[part] = (version, values)
            values[key] = value
            while len(values) > self.most:
                values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()


def watches(label: str) -> bool:
    """Whether a committed change to the rows of the model `label` ("inventory.knowledgeproduct") moves the
    data version: what is computed from that model alone may be kept per version."""
    return label in _watched


def on_change(listener: Callable[[Changes], None]) -> Callable[[Changes], None]:
    """Call `listener(changes)` after each commit that changed public data, before the version moves."""
    _listeners.append(listener)
    return listener


def changed(model: type[models.Model] | str, pks: Iterable = (), *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record a change that sent no signal (`update()`, `bulk_create()`, SQL) to rows of `model`."""
    label = model if isinstance(model, str) else model._meta.label_lower
    _record(using, saved={label: pks})


def _label(model) -> str:
    """The model's label; a proxy's is its concrete model's (a nomination is a product)."""
    return model._meta.concrete_model._meta.label_lower


def _saved(sender, instance, created=False, using=DEFAULT_DB_ALIAS, **kwargs):
    _record_row(instance, using, created=created)


def _deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    _record_row(instance, using)


def _record_row(instance: models.Model, using: str, created: bool = False) -> None:
    """The row itself, and the watched rows it points to (a product's tag link names the product)."""
    linked: dict[str, list] = {}
    for field_ in instance._meta.concrete_fields:
        # An empty foreign key links nothing: recorded, it would make a need without a partnership look like
        # a change to the partnerships (see _touches).
        watched = field_.many_to_one and _label(field_.related_model) in _watched
        if watched and (target := getattr(instance, field_.attname)) is not None:
            linked.setdefault(_label(field_.related_model), []).append(target)
    label = _label(type(instance))
    _record(
        using,
        saved={label: [instance.pk]},
        linked=linked,
        created={label: [instance.pk]} if created else None,
    )


def _links_changed(sender, instance, action, model, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_"):
        _record(using, linked={_label(type(instance)): [instance.pk], _label(model): pk_set or ()})


def _migrated(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # A migration may have changed rows with SQL of its own.
    _record(using)


# --- the open transaction ---------------------------------------------------------------------------------


def _record(
    using: str, saved: dict | None = None, linked: dict | None = None, created: dict | None = None
) -> None:
    """Add to the open transaction's record of changes, made (with its commit hook) at the first change.
    Outside a transaction the change is committed already, and the hook runs at once."""
    connection = connections[using]
    pending = _pending(connection)
    first = pending is None
    if first:
        pending = _Pending(hook=lambda: _publish(connection))
        connection.public_data_changes = pending
    changes = pending.changes
    for kind, rows in ((changes.saved, saved), (changes.linked, linked), (changes.created, created)):
        for label, pks in (rows or {}).items():
            changes.add(kind, label, pks)
    pending.count += 1
    if first:
        transaction.on_commit(pending.hook, using=using)


def _pending(connection) -> _Pending | None:
    """The changes recorded in the connection's open transaction. None when there are none, or when the
    transaction that made them was rolled back: the rollback dropped their commit hook."""
    pending = getattr(connection, "public_data_changes", None)
    if pending is not None and not any(entry[1] is pending.hook for entry in connection.run_on_commit):
        connection.public_data_changes = pending = None
    return pending


def _publish(connection) -> None:
    """After a commit: the listeners hear of the changes, then the version moves."""
    pending = getattr(connection, "public_data_changes", None)
    connection.public_data_changes = None
    changes = pending.changes if pending is not None else Changes()
    for listener in _listeners:
        try:
            listener(changes)
        except Exception:
            logger.exception("A listener failed after a change to public data: %r", listener)
    for name, applies in _scopes.items():
        if _touches(changes, applies):
            _cache_call(cache.set, _scope_key(name), _new_version(), None)
    _cache_call(cache.set, VERSION_KEY, _new_version(), None)
    if (read := _versions_read.get()) is not None:
        read.clear()


# --- the version and the values kept per version ----------------------------------------------------------


def current_version() -> str:
    """The data version the cached values are computed at (one cache read)."""
    return _local(_shared_version(_read_version(VERSION_KEY)))


# The versions read in the current request (versions_read_once), by cache key; None outside one.
_versions_read: ContextVar[dict | None] = ContextVar("versions_read", default=None)


@contextmanager
def versions_read_once():
    """Within it (a request that reads), the data's versions, the whole's and each part's, are read from the
    cache in one go at the first asking and kept: a page asks for its part's version (its ETag) and the
    whole's (the facet index), and each asking was a round trip to the cache. A change committed within it
    reads them again."""
    token = _versions_read.set({})
    try:
        yield
    finally:
        _versions_read.reset(token)


def _read_version(key: str) -> str | None:
    read = _versions_read.get()
    if read is None:
        return _cache_call(cache.get, key)
    if not read:
        keys = [VERSION_KEY, *(_scope_key(name) for name in _scopes)]
        read.update(_cache_call(cache.get_many, keys, default={}))
        read[None] = True  # read, whichever keys the cache had
    return read.get(key)


def _shared_version(found: str | None, key: str = VERSION_KEY) -> str:
    if found is not None:
        return found
    # A new cache (or one that lost the key): every process must agree on one version.
    new = _new_version()
    if _cache_call(cache.add, key, new, None, default=False):
        return new
    return _cache_call(cache.get, key) or new


def _new_version() -> str:
    """A version that says when it began (whole seconds, hexadecimal) and is unique: "6750a2c1-9f…"."""
    return f"{int(time.time()):x}-{uuid.uuid4().hex[:20]}"


def version_time(version: str) -> float | None:
    """When `version` began (a Unix time), for the pages' Last-Modified; None for a version of another
    form (one a cache kept from before versions said when they began)."""
    try:
        return float(int(version.split("-", 1)[0], 16)) if "-" in version else None
    except ValueError:
        return None


def register_scope(name: str, applies: Callable[[str], bool]) -> None:
    """Give part of the data a version of its own, which moves only on committed changes to the models whose
    label `applies` accepts (and on changes to rows unnamed: a migration). A value computed from that part
    alone (the catalogue's relevance index) then survives changes to the rest (a need submitted). Register
    in an AppConfig's ready(), so that every process moves it."""
    _scopes[name] = applies


def scoped_version(name: str) -> str:
    """The current version of a registered part of the data (one cache read), as `current_version()`: the
    connection that changed that part in its open transaction sees a version of its own."""
    key = _scope_key(name)
    shared = _shared_version(_read_version(key), key)
    pending = _pending(connections[DEFAULT_DB_ALIAS])
    if pending is not None and _touches(pending.changes, _scopes[name]):
        return f"{shared}.{pending.token}.{pending.count}"
    return shared


def version_of(*labels: str) -> tuple[str | None, str]:
    """The first registered part of the data that holds every model of `labels`, with its version; else
    (None, the whole data's version). What is computed from those models alone may be kept per that
    version: a need submitted then leaves what was computed from the catalogue be."""
    for name, applies in _scopes.items():
        if all(applies(label) for label in labels):
            return name, scoped_version(name)
    return None, current_version()


def _scope_key(name: str) -> str:
    return f"{VERSION_KEY}:{name}"


def _touches(changes: Changes, applies: Callable[[str], bool]) -> bool:
    """Whether `changes` may change the part of the data `applies` names: a row of it saved or deleted, or
    links among its rows alone (a link from a row outside it, a need's theme, changes only that row)."""
    if not changes.saved and not changes.linked:
        return True
    if any(applies(label) for label in changes.saved):
        return True
    linked = set(changes.linked)
    return bool(linked) and all(applies(label) for label in linked)


def _local(shared: str) -> str:
    pending = _pending(connections[DEFAULT_DB_ALIAS])
    return f"{shared}.{pending.token}.{pending.count}" if pending is not None else shared


def cached(
    name: str,
    compute: Callable[[], T],
    *,
    per_language: bool = True,
    timeout: int = TIMEOUT,
) -> T:
    """What `compute()` returns, computed once per data version across processes.

    `name` says everything the value depends on besides the data ("map:type"). Values holding no translated
    text may be shared by the languages (`per_language=False`). While another process computes the value
    for a new version, the previous version's is served."""
    if not getattr(settings, "CACHE_PUBLIC_AGGREGATES", True):
        return compute()
    key = _key(name, per_language)
    found = _cache_call(cache.get_many, [VERSION_KEY, key], default={})
    version = _local(_shared_version(found.get(VERSION_KEY)))
    return _value(key, version, found.get(key), compute, None, timeout)[0]


def cached_at(
    name: str, compute: Callable[[], T], *, version: str, previous: T | None = None, timeout: int = TIMEOUT
) -> tuple[T, bool]:
    """`cached` for a caller that read the version already (`current_version()`) and keeps values in its
    own memory: the value, and whether it is this version's (False: `previous`, or the previous version's
    from the cache, served while another process computes this one). Shared by the languages."""
    key = _key(name, per_language=False)
    entry = _cache_call(cache.get, key)
    return _value(key, version, entry, compute, previous, timeout, load=_load_parts, save=_save_parts)


def peek(name: str, *, version: str) -> tuple[object | None, bool]:
    """What the shared cache holds under `name` (as `cached_at` keeps it), computing nothing: the value, or
    None, and whether it is `version`'s."""
    key = _key(name, per_language=False)
    for _attempt in range(2):  # a second look, should a new version have replaced the parts meanwhile
        entry = _cache_call(cache.get, key)
        if entry is None:
            return None, False
        value = _load_parts(key, entry)
        if value is not _MISSING:
            return value, entry[0] == version
    return None, False


def kept_version(name: str) -> str | None:
    """The version of what the shared cache holds under `name` (as `cached_at` keeps it), read from a label
    kept beside it, without the value: at a million products the relevance index is hundreds of MiB, and
    reading it only to find it is not yet the version awaited cost as much memory again. None when the
    cache holds no label (nothing kept yet, or kept before labels were)."""
    return _cache_call(cache.get, _label_key(_key(name, per_language=False)))


def _label_key(key: str) -> str:
    return f"{key}:version"


# A value `cached_at` keeps is stored in parts of at most PART_BYTES: its pickle, and the arrays it holds
# as they are in memory (pickle's out-of-band buffers), each cut in parts. Read back, each array is put
# together in one buffer of its own size and used where it lies. In one piece, the relevance index (417 MB
# at a million products in the database cache, which writes values in base64) was in memory four times
# over while it was read (the text, its bytes, the decoded pickle, the arrays): 2.1 GiB at the peak. And a
# connection to PostgreSQL keeps as much memory as the largest row it carried until it is closed, which
# DB_CONN_MAX_AGE puts off: a part is the largest row it carries.
PART_BYTES = 4 * 2**20
_MISSING = object()


@dataclass(frozen=True)
class _Parts:
    """Stands in the cache for a value kept in parts: the sizes of its pieces (the pickle first, then each
    array's bytes), each cut in parts stored under `{key}:{version}:{n}`."""

    sizes: tuple[int, ...]

    def keys(self, key: str, version: str) -> list[str]:
        count = sum(-(-size // PART_BYTES) for size in self.sizes)
        return [f"{key}:{version}:{n}" for n in range(count)]


def _save_parts(key: str, version: str, value, timeout: int, replaced) -> None:
    """Store `value` in parts, then what stands for it (then its label), then drop the parts of the value it
    replaces: a process still reading those finds one missing and looks again."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    pieces = [memoryview(head), *(buffer.raw() for buffer in buffers)]
    parts = _Parts(tuple(piece.nbytes for piece in pieces))
    keys = iter(parts.keys(key, version))
    for piece in pieces:
        for start in range(0, piece.nbytes, PART_BYTES):
            _cache_call(cache.set, next(keys), bytes(piece[start : start + PART_BYTES]), timeout)
    _cache_call(cache.set, key, (version, parts), timeout)
    # After the value: a label never names a version whose value is not there yet.
    _cache_call(cache.set, _label_key(key), version, timeout)
    if replaced is not None and isinstance(replaced[1], _Parts) and replaced[0] != version:
        _cache_call(cache.delete_many, replaced[1].keys(key, replaced[0]))
    head = pieces = buffers = None
    allocator.give_back()  # what computing it took (a job builds the relevance index: hundreds of MiB)


def _load_parts(key: str, entry: tuple):
    """The value `entry` stands for, put together from its parts; _MISSING when a part is gone (culled from a
    full database cache, or replaced by a new version's). Its arrays are mapped from the machine's file of
    them (SHARED_ARRAYS_DIR), written from the cache's parts by the first process to read this version."""
    version, parts = entry
    if not isinstance(parts, _Parts):
        return parts  # kept in one piece
    keys = iter(parts.keys(key, version))
    head = _read_piece(keys, parts.sizes[0])
    arrays = _shared_arrays(key, version, parts.sizes[1:], keys) if head is not None else None
    if arrays is None:
        return _MISSING
    value = pickle.loads(head, buffers=arrays)
    head = arrays = None  # the arrays keep their own pieces; the pickle's goes
    allocator.give_back()
    return value


def _read_piece(keys, size: int) -> bytearray | None:
    piece = bytearray(size)
    view = memoryview(piece)
    for start in range(0, size, PART_BYTES):
        part = _cache_call(cache.get, next(keys))
        if part is None or len(part) != min(PART_BYTES, size - start):
            return None
        view[start : start + len(part)] = part
    return piece


# --- the arrays of a value, shared by a machine's processes -----------------------------------------------
#
# Each web process holds the values it reads here (the relevance index, its arrays over a hundred MiB at a
# million products). Their arrays are only ever read, so the first process of a machine to read a value's
# version writes them to a file, and every process maps that file: one copy in the machine's memory (the
# system's page cache), however many processes, and a process's own memory holds only the pages it has
# touched, which it shares with the others. A file holds raw numbers, never a pickle: what is in it cannot
# run. A file of the value's earlier version is removed when the new one is written; a process still using
# it keeps its mapping until it lets go.

ARRAY_ALIGNMENT = 64  # each array starts on a boundary of this many bytes in the file


def _shared_arrays(key: str, version: str, sizes: tuple[int, ...], keys) -> list | None:
    """The value's arrays: mapped from the machine's file, else read from the cache's parts (and written to
    the file for the next process); None when a part is gone."""
    path = _arrays_path(key, version) if sizes else None
    if path is not None and (mapped := _mapped(path, sizes)) is not None:
        return mapped
    pieces = []
    for size in sizes:
        if (piece := _read_piece(keys, size)) is None:
            return None
        pieces.append(piece)
    if path is not None and _write_arrays(path, pieces):
        return _mapped(path, sizes) or pieces
    return pieces


def _arrays_path(key: str, version: str) -> Path | None:
    """The file of the arrays of `key`'s `version`, in a folder of this user's only; None when there is none
    to be had (SHARED_ARRAYS_DIR empty, or the folder unusable)."""
    folder = getattr(settings, "SHARED_ARRAYS_DIR", "")
    if not folder:
        return None
    folder = Path(folder)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.stat().st_uid != os.getuid():
            return None  # someone else's folder: its files are not to be trusted
    except OSError:
        return None
    # Named for the database too: two sites on one machine (or a site and its benchmark) keep files apart.
    site = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    return folder / f"{_digest(f'{site}:{key}')}-{_digest(version)}.arrays"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _offsets(sizes: tuple[int, ...]) -> list[int]:
    offsets, end = [], 0
    for size in sizes:
        offsets.append(end)
        end += -(-size // ARRAY_ALIGNMENT) * ARRAY_ALIGNMENT
    return [*offsets, end]


def _mapped(path: Path, sizes: tuple[int, ...]) -> list[memoryview] | None:
    """The arrays in the file at `path`, read-only, or None when it is not there or not of their size."""
    offsets = _offsets(sizes)
    try:
        with open(path, "rb") as file:
            if os.fstat(file.fileno()).st_size != offsets[-1]:
                return None
            if offsets[-1] == 0:
                return [memoryview(b"") for _ in sizes]
            whole = memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):
        return None
    return [whole[start : start + size] for start, size in zip(offsets, sizes, strict=False)]


def _write_arrays(path: Path, pieces: list[bytearray]) -> bool:
    """Write the arrays to `path` (whole or not at all: to a file of this process's, then renamed), and remove
    the files of the key's other versions."""
    offsets = _offsets(tuple(len(piece) for piece in pieces))
    partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.partial")
    try:
        with open(partial, "wb") as file:
            for start, piece in zip(offsets, pieces, strict=False):
                file.seek(start)
                file.write(piece)
            file.truncate(offsets[-1])
        os.replace(partial, path)
    except OSError as error:
        logger.warning("Could not write %s (%r); this process keeps its own copy", path, error)
        partial.unlink(missing_ok=True)
        return False
    key_digest = path.name.split("-", 1)[0]
    for earlier in path.parent.glob(f"{key_digest}-*.arrays"):
        if earlier != path:
            earlier.unlink(missing_ok=True)
    return True


def _key(name: str, per_language: bool) -> str:
    return f"public-data:{translation.get_language() if per_language else 'all'}:{name}"


def _in_one_piece(key: str, entry: tuple):
    return entry[1]


def _save_in_one_piece(key: str, version: str, value, timeout: int, replaced) -> None:
    _cache_call(cache.set, key, (version, value), timeout)


def _value(
    key, version, entry, compute, previous, timeout, *, load=_in_one_piece, save=_save_in_one_piece
) -> tuple:
    if entry is not None and entry[0] == version:
        value = load(key, entry)
        if value is not _MISSING:
            return value, True
    lock = f"{key}:computing:{version}"
    if _cache_call(cache.add, lock, 1, LOCK_SECONDS, default=True):
        try:
            value = compute()
            save(key, version, value, timeout, entry)
            return value, True
        finally:
            _cache_call(cache.delete, lock)
    # Another process is computing this version: the previous one meanwhile, or wait for it.
    if previous is not None:
        return previous, False
    if entry is not None and entry[0] != version:
        value = load(key, entry)
        if value is not _MISSING:
            return value, False
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        entry = _cache_call(cache.get, key)
        if entry is not None and entry[0] == version:
            value = load(key, entry)
            if value is not _MISSING:
                return value, True
        if not _cache_call(cache.get, lock):
            break  # the other process gave up
    return compute(), True


def _cache_call(method: Callable[..., T], *args, default=None) -> T:
    """A cache operation that never fails its caller: the site works, uncached, while the cache is away.
    The database cache, inside a transaction, runs in a savepoint of its own, so that its failure cannot
    abort the caller's transaction."""
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        if isinstance(caches["default"], DatabaseCache) and connection.in_atomic_block:
            with transaction.atomic():
                return method(*args)
        return method(*args)
    except Exception as error:
        logger.warning("The cache is unusable (%s: %r); going on without it", method.__name__, error)
        logger.debug("The cache's failure", exc_info=True)
        return default
