"""Fictional names for generated people and places, from small syllable lists.

People get Chinese names (a common Hainan surname and one or two given characters);
towns and villages get two pinyin syllables, like the demo story's places.
"""

from __future__ import annotations

import random

SURNAMES = tuple("王陈林吴符黄李张邢梁羊郑周冯刘蔡云何文钟卓黎董许")
_MALE = tuple("明亚文国志德海春光永金学建成强平清雄福军")
_FEMALE = tuple("秀英梅兰芳玉花丽娟美桂珍霞燕琼妹红娇云菊")

_SYLLABLES = (
    "Nan", "Bei", "Dong", "Xi", "Shui", "Shan", "Lin", "Hong", "Feng", "Long", "Tian", "Da",
    "Xin", "Bao", "Fu", "Ping", "An", "He", "Jin", "Yun", "Qing", "Lan", "Mao", "Shi", "Tang",
    "Gang", "Ling", "Ban", "Li", "Wu", "Zhong", "Kou", "Tou", "Po", "Tan", "Yang", "Hua", "Sha",
    "Mei", "Cheng",
)  # fmt: skip


def surname(rng: random.Random) -> str:
    return rng.choice(SURNAMES)


def given_name(rng: random.Random, male: bool) -> str:
    chars = _MALE if male else _FEMALE
    if rng.random() < 0.3:
        return rng.choice(chars)
    return rng.choice(chars) + rng.choice(chars)


def person_name(rng: random.Random, male: bool, family: str | None = None) -> str:
    """A full name; `family` keeps a household's surname."""
    return (family or surname(rng)) + given_name(rng, male)


def place_name(rng: random.Random, taken: set[str]) -> str:
    """Two pinyin syllables ("Shuikou"), not yet in `taken` (which it extends)."""
    for _ in range(1000):
        first, second = rng.choice(_SYLLABLES), rng.choice(_SYLLABLES)
        if first == second:
            continue
        name = first + second.lower()
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of place names")  # 41 x 40 names; a county has far fewer
