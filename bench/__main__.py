"""Entry point: list the benchmarks or run one by name."""
import importlib
import pkgutil
import sys

import bench


def available():
    return sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__)
        if not m.name.startswith("_")
    )


def main(argv):
    names = available()
    if not argv:
        for name in names:
            doc = (importlib.import_module(f"bench.{name}").__doc__ or "").strip()
            print(f"{name:12} {doc.splitlines()[0] if doc else ''}")
        return 0
    name, rest = argv[0], argv[1:]
    if name not in names:
        print(f"unknown benchmark {name!r}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    return importlib.import_module(f"bench.{name}").main(rest) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
