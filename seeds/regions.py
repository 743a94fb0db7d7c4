"""Hainan's region tree down to county level (DOMAIN.md section 2)."""

from __future__ import annotations

from graph.model import RegionLevel
from graph.region import RegionRow

PROVINCE = "460000"

_CITIES = {
    "460100": (
        "Haikou",
        {"460105": "Xiuying", "460106": "Longhua", "460107": "Qiongshan", "460108": "Meilan"},
    ),
    "460200": (
        "Sanya",
        {"460202": "Haitang", "460203": "Jiyang", "460204": "Tianya", "460205": "Yazhou"},
    ),
    "460300": ("Sansha", {}),
    "460400": ("Danzhou", {}),
}

_COUNTY_LEVEL = {
    "469001": "Wuzhishan",
    "469002": "Qionghai",
    "469005": "Wenchang",
    "469006": "Wanning",
    "469007": "Dongfang",
    "469021": "Ding'an",
    "469022": "Tunchang",
    "469023": "Chengmai",
    "469024": "Lingao",
    "469025": "Baisha",
    "469026": "Changjiang",
    "469027": "Ledong",
    "469028": "Lingshui",
    "469029": "Baoting",
    "469030": "Qiongzhong",
}


def hainan() -> list[RegionRow]:
    """The province, its four prefecture cities with their districts, and the 15
    county-level units that hang directly under the province."""
    rows = [RegionRow(PROVINCE, "Hainan", RegionLevel.PROVINCE, None)]
    for code, (name, districts) in _CITIES.items():
        rows.append(RegionRow(code, name, RegionLevel.CITY, PROVINCE))
        rows += [RegionRow(d, n, RegionLevel.DISTRICT, code) for d, n in districts.items()]
    rows += [RegionRow(c, n, RegionLevel.COUNTY, PROVINCE) for c, n in _COUNTY_LEVEL.items()]
    return rows


def county_level_units() -> list[str]:
    """Codes of the units that towns hang under: districts, counties and Danzhou."""
    return [r.code for r in hainan() if r.level in (RegionLevel.DISTRICT, RegionLevel.COUNTY)] + [
        "460400"
    ]
