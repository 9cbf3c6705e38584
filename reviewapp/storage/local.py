"""Stored files in a local folder (the embedded default)."""
import os
import tempfile
from pathlib import Path

from . import check_name


class LocalStorage:
    def __init__(self, root):
        self.root = Path(root)

    def _path(self, name):
        return self.root / check_name(name)

    def write(self, name, data):
        """Write atomically: readers see the old file or the whole new one, never half."""
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_directory(path.parent)
        return name

    def read(self, name):
        return self._path(name).read_bytes()

    def exists(self, name):
        try:
            return self._path(name).is_file()
        except FileNotFoundError:
            return False

    def delete(self, name):
        try:
            self._path(name).unlink(missing_ok=True)
        except FileNotFoundError:
            pass

    def local_path(self, name):
        """A path to read the file from; FileNotFoundError if there is none."""
        path = self._path(name)
        if not path.is_file():
            raise FileNotFoundError(name)
        return path

    def names(self):
        """Every stored name (half-written temporary files excluded)."""
        if not self.root.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*")
                      if p.is_file() and not p.name.startswith("."))

    def modified_before(self, cutoff):
        """Names (temporaries included) last modified before `cutoff` (a time.time() value)."""
        if not self.root.exists():
            return []
        found = []
        for path in self.root.rglob("*"):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    found.append(str(path.relative_to(self.root)))
            except FileNotFoundError:
                continue
        return sorted(found)

    def discard(self, name):
        """Remove a name listed by modified_before() (a stored file or a temporary)."""
        path = self.root / name
        if path.parent.resolve() in (self.root.resolve(), (self.root / "builds").resolve()):
            path.unlink(missing_ok=True)


def _fsync_directory(directory):
    # Makes the rename itself durable; not every platform lets a directory be opened.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
