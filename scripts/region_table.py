"""Write reviewapp/cases/regions.csv, the table of China's provinces, cities and counties the blind copy hides.

The names come from cpca's adcodes table (MIT, the Ministry of Civil Affairs'
administrative division codes): `pip install cpca==0.5.5`, then
`python scripts/region_table.py`. The app reads only the CSV written here, so
neither cpca nor its pandas dependency is needed at run time.
"""
import csv
import sys
from importlib.util import find_spec
from pathlib import Path

# Placeholders of the code table, not places anyone writes.
SKIP = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "自治区直辖县级行政单位"}


def main():
    spec = find_spec("cpca")
    if spec is None:
        sys.exit("cpca is not installed: pip install cpca==0.5.5")
    source = Path(spec.origin).parent / "resources" / "adcodes.csv"
    rows = {}
    with open(source, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            if name and name not in SKIP:
                rows[row["adcode"][:6]] = name
    target = Path(__file__).resolve().parents[1] / "reviewapp" / "cases" / "regions.csv"
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(sorted(rows.items()))
    print(f"{len(rows)} regions written to {target}")


if __name__ == "__main__":
    main()
