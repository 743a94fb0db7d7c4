"""The public pages' strings (api/pages.py), in Chinese and English, and how a request
picks one: `?lang=zh` or `?lang=en`, else the Accept-Language header's most preferred
language (zh or zh-* gives Chinese, anything else English). Region, product and
cooperative names are shown as stored, never translated."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph.product import ProductCategory, QuantityUnit
from graph.trace_code import TraceKind


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


# The `lang` attribute of each page's <html>.
HTML_LANG = {Lang.ZH: "zh-Hans", Lang.EN: "en"}


def choose(asked: str | None, accept_language: str | None) -> Lang:
    """`?lang=` when it names a language here, else the most preferred language of
    Accept-Language (the first of equal weight); English when neither says Chinese."""
    if asked in (Lang.ZH.value, Lang.EN.value):
        return Lang(asked)
    best, best_q = "", 0.0
    for item in (accept_language or "")[:500].split(","):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag and q > best_q:
            best, best_q = tag.strip().lower(), q
    return Lang.ZH if best == "zh" or best.startswith("zh-") else Lang.EN


@dataclass(frozen=True)
class Text:
    site: str
    kinds: dict[TraceKind, str]
    household_title: str
    product: str
    produced_on: str
    quantity: str
    place: str
    cooperative: str
    households: str
    households_unit: str
    products: str
    trace_code: str
    about: str
    not_found_title: str
    not_found_body: str
    malformed_title: str
    malformed_body: str
    unavailable_title: str
    unavailable_body: str
    categories: dict[ProductCategory, str]
    # (one, several) of each unit
    units: dict[QuantityUnit, tuple[str, str]]
    separator: str


TEXT: dict[Lang, Text] = {
    Lang.ZH: Text(
        site="扶贫产品溯源",
        kinds={
            TraceKind.LOT: "产品批次",
            TraceKind.COOPERATIVE: "合作社",
            TraceKind.HOUSEHOLD: "生产农户",
        },
        household_title="建档立卡生产农户",
        product="产品",
        produced_on="采收或生产日期",
        quantity="数量",
        place="产地",
        cooperative="合作社",
        households="参与生产的贫困户",
        households_unit="户",
        products="相关产品",
        trace_code="溯源码",
        about="本页只显示产品、产地、合作社和参与户数，不显示任何个人信息。",
        not_found_title="未找到该溯源码",
        not_found_body="没有产品批次、合作社或农户使用溯源码 {code}。请核对标签上的溯源码。",
        malformed_title="溯源码格式不正确",
        malformed_body="溯源码以 FP 开头，后接类型字母（L、C 或 H）和 11 个字符。",
        unavailable_title="暂时无法查询",
        unavailable_body="溯源服务暂时不可用，请稍后再试。",
        categories={
            ProductCategory.FRUIT: "水果",
            ProductCategory.VEGETABLE: "蔬菜",
            ProductCategory.TEA: "茶叶",
            ProductCategory.HONEY: "蜂蜜",
            ProductCategory.EGGS: "禽蛋",
            ProductCategory.POULTRY: "禽类",
            ProductCategory.GRAIN: "粮食",
            ProductCategory.PROCESSED_FOOD: "加工食品",
            ProductCategory.OTHER: "其他",
        },
        units={
            QuantityUnit.KILOGRAM: ("千克", "千克"),
            QuantityUnit.PIECE: ("件", "件"),
            QuantityUnit.BOTTLE: ("瓶", "瓶"),
            QuantityUnit.BOX: ("箱", "箱"),
            QuantityUnit.DOZEN: ("打", "打"),
            QuantityUnit.LITRE: ("升", "升"),
        },
        separator="，按",
    ),
    Lang.EN: Text(
        site="Poverty alleviation product trace",
        kinds={
            TraceKind.LOT: "Product lot",
            TraceKind.COOPERATIVE: "Cooperative",
            TraceKind.HOUSEHOLD: "Producer household",
        },
        household_title="A producer household on the poverty file",
        product="Product",
        produced_on="Harvested or produced on",
        quantity="Quantity",
        place="Place",
        cooperative="Cooperative",
        households="Poor households who contributed",
        households_unit="",
        products="Products",
        trace_code="Trace code",
        about="This page shows the product, its place, its cooperative and how many "
        "households took part: never a person.",
        not_found_title="Trace code not found",
        not_found_body="No lot, cooperative or household has the trace code {code}. "
        "Check the code on the label.",
        malformed_title="Not a trace code",
        malformed_body="A trace code is FP, a kind letter (L, C or H) and 11 characters.",
        unavailable_title="Temporarily unavailable",
        unavailable_body="The trace service cannot answer just now: try again shortly.",
        categories={
            ProductCategory.FRUIT: "fruit",
            ProductCategory.VEGETABLE: "vegetables",
            ProductCategory.TEA: "tea",
            ProductCategory.HONEY: "honey",
            ProductCategory.EGGS: "eggs",
            ProductCategory.POULTRY: "poultry",
            ProductCategory.GRAIN: "grain",
            ProductCategory.PROCESSED_FOOD: "processed food",
            ProductCategory.OTHER: "other",
        },
        units={
            QuantityUnit.KILOGRAM: ("kg", "kg"),
            QuantityUnit.PIECE: ("piece", "pieces"),
            QuantityUnit.BOTTLE: ("bottle", "bottles"),
            QuantityUnit.BOX: ("box", "boxes"),
            QuantityUnit.DOZEN: ("dozen", "dozen"),
            QuantityUnit.LITRE: ("litre", "litres"),
        },
        separator=", by the ",
    ),
}
