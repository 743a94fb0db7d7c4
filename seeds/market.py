"""The generator's trade (issue 17 item 3), one county at a time: cooperatives of the
households flagged cooperativeMember, their lots, the cooperatives' acceptances, blends
and packs, sellers, buyers and orders with their payments and EPCIS events. Pure: no
database; graph/bulk_trade.py's GENERATED_WRITES write the rows.

Drawn from a stream of its own, `random.Random(f"fupin-generator/{seed}/{unit.code}/
trade")`, after the rest of the county: every other draw stays what it was. Per county,
in proportion to its households (at 152,000 households: about 1,200 cooperatives,
100,000 lots, 600 sellers, 200,000 buyers, 500,000 orders):

- cooperatives: one for about 127 households, in the village of their first member;
  every member household joins one (its town's when it has one), since a day after its
  registration; each makes one product (Ding'an's: zongzi from glutinous rice, pork and
  bamboo leaves, three cooperatives together)
- household lots (70% of the lots): harvests of member households in the two years
  before the as-of date, dated where they can be within three years after one of the
  household's own INDUSTRY, SKILLS_TRAINING, MICROCREDIT, EMPLOYMENT or ECOMMERCE
  measures (most can: those households are drawn first); most are accepted whole by
  their cooperative in batches of 2-5 (a payment each), the rest sold by the household
- blends (20%): each accepted batch blended into one cooperative lot
- packs and processing (10%): half the blends packed (honey into 500 g bottles) or, in
  Ding'an, a rice, a pork and a leaves blend processed into zongzi
- sellers: a service station for every six villages, stores, online shops and
  enterprises; buyers (about 2.6 an order... a seller's own); orders in the two years
  before the as-of date, 1-3 lines of the county's lots on sale, never more than remains
  of a lot, placed after it was produced; each line pays the lot's owner.
- the sales summaries of those orders (graph/sales_summary.py's `sales_days`), in the
  county's towns, the county and the regions above it (seeds/generator.py adds up the
  counties' summaries of the regions above).

Every rule of the mutations holds (registerLot, acceptLots, transformLots, recordOrder).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.client_mutation import request_digest
from graph.order import CST, Line, order_request
from graph.payment import amount_fen
from graph.sales_summary import day_rows, sales_days
from graph.seller import Channel
from graph.trace_code import ALPHABET, BODY_LENGTH, TraceKind, make
from seeds.layout import Unit
from seeds.regions import hainan

HOUSEHOLDS_PER_COOPERATIVE = 127
LOTS_PER_HOUSEHOLD = 100_000 / 152_000
ORDERS_PER_HOUSEHOLD = 500_000 / 152_000
BUYERS_PER_HOUSEHOLD = 200_000 / 152_000
VILLAGES_PER_STATION = 6
WINDOW_DAYS = 730  # orders and harvests: the two years before the as-of date
ENABLING = frozenset({"INDUSTRY", "SKILLS_TRAINING", "MICROCREDIT", "EMPLOYMENT", "ECOMMERCE"})
ENABLING_DAYS = 3 * 365
DING_AN = "469021"
BIG_BLEND = (20, 25)  # the household lots of a county's first honey blend
REGULAR_ORDERS = 25
ZONGZI_INPUTS = ("GLUTINOUS-RICE", "PORK", "BAMBOO-LEAVES")
# product -> (kg a harvest fewest, most; price per unit in fen; packed as, units a kg)
PRODUCTS: dict[str, tuple[int, int, int, str | None, int]] = {
    "WILD-HONEY": (20, 60, 6000, "WILD-HONEY-500G", 2),
    "NAVEL-ORANGE": (100, 400, 800, None, 0),
    "WINGED-YAM": (80, 300, 600, None, 0),
    "GREEN-TEA": (20, 80, 12000, None, 0),
    "PARTRIDGE-TEA": (10, 40, 16000, None, 0),
    "SELENIUM-RICE": (150, 500, 900, None, 0),
    "EGGS": (40, 150, 1800, None, 0),  # dozens
    "FREE-RANGE-CHICKEN": (20, 80, 9000, None, 0),  # pieces
}
UNIT_PRICE = {"WILD-HONEY-500G": 3880, "ZONGZI": 800, "GLUTINOUS-RICE": 700, "PORK": 3000,
              "BAMBOO-LEAVES": 400}  # fmt: skip
RAW = {**{p: (low, high) for p, (low, high, *_) in PRODUCTS.items()},
       "GLUTINOUS-RICE": (150, 400), "PORK": (60, 200), "BAMBOO-LEAVES": (20, 60)}  # fmt: skip
PRICE = {**{p: v[2] for p, v in PRODUCTS.items()}, **UNIT_PRICE}
SELLER_KINDS = (
    ("SERVICE_STATION", Channel.SERVICE_STATION, 50),
    ("SELF_SERVICE_STORE", Channel.SELF_SERVICE_STORE, 20),
    ("ONLINE_SHOP", Channel.ONLINE, 20),
    ("ENTERPRISE", Channel.ENTERPRISE, 10),
)
CITIES = ("460100", "460200", "460400", "440100", "440300", "110100", "310100", "330100",
          "510100", "420100")  # fmt: skip
COUNTED = frozenset({"WILD-HONEY-500G", "EGGS", "FREE-RANGE-CHICKEN", "ZONGZI"})


@dataclass(frozen=True)
class TradeHome:
    """What a household's trade depends on, as the county drew it."""

    code: str
    village: str
    reg_date: dt.date
    member: bool
    enabling: tuple[dt.date, ...]  # its unvoided enabling measures' dates


@dataclass
class Trade:
    """A county's trade rows, by graph/bulk_trade.py's GENERATED_WRITES key."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, kind: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(kind, []).append(row)

    def count(self, kind: str) -> int:
        return len(self.rows.get(kind, ()))


@dataclass
class _Lot:
    code: str
    product: str
    quantity: float
    produced: dt.date
    village: str
    owner: tuple[str, str]  # (kind, code)
    remaining: float = 0.0


class _Market:
    def __init__(self, unit: Unit, seed: int, as_of: dt.date) -> None:
        self.unit = unit
        self.as_of = as_of
        self.rng = random.Random(f"fupin-generator/{seed}/{unit.code}/trade")
        self.out = Trade()
        self.serial = {"E": 0, "P": 0, "A": 0, "O": 0, "M": 0}
        self.start = as_of - dt.timedelta(days=WINDOW_DAYS)
        self.on_sale: list[_Lot] = []
        self.lots: list[tuple[_Lot, tuple[str, str]]] = []  # (lot, producer), written last
        self.big: _Lot | None = None  # the first honey cooperative's first, big, batch
        self.regions: dict[str, str] = {}  # seller -> its region

    def code(self, kind: TraceKind) -> str:
        return make(kind, "".join(self.rng.choice(ALPHABET) for _ in range(BODY_LENGTH)))

    def next_id(self, kind: str) -> str:
        self.serial[kind] += 1
        return f"gen-{self.unit.code}-{kind}{self.serial[kind]:07d}"

    def event(self, step: str, day: dt.date, place: str, **flows: Any) -> None:
        self.out.add("events", {
            "id": self.next_id("E"), "eventType": flows.pop("eventType", "OBJECT"),
            "bizStep": step, "kind": flows.pop("kind", None), "date": day, "readPoint": place,
            "bizTransaction": flows.pop("transaction", None),
            "inputs": flows.get("inputs", []), "outputs": flows.get("outputs", []),
        })  # fmt: skip

    def lot(
        self, product: str, quantity: float, day: dt.date, village: str,
        producer: tuple[str, str],
    ) -> _Lot:  # fmt: skip
        made = _Lot(self.code(TraceKind.LOT), product, quantity, day, village, producer, quantity)
        self.lots.append((made, producer))
        return made

    def write_lot(self, lot: _Lot, producer: tuple[str, str]) -> None:
        self.out.add("lots", {
            "traceCode": lot.code, "product": lot.product, "quantity": lot.quantity,
            "remaining": round(lot.remaining, 3), "producedOn": lot.produced,
            "villageCode": lot.village, "producerKind": producer[0], "producer": producer[1],
            "ownerKind": lot.owner[0], "owner": lot.owner[1],
        })  # fmt: skip

    # cooperatives and harvests

    def harvest_day(self, home: TradeHome) -> dt.date:
        """A day in the window, within three years after an enabling measure when one
        allows it; never before the registration."""
        rng, end = self.rng, self.as_of - dt.timedelta(days=20)
        low = max(self.start, home.reg_date + dt.timedelta(days=1))
        for measure in sorted(home.enabling, reverse=True):
            first, last = max(low, measure), min(end, measure + dt.timedelta(days=ENABLING_DAYS))
            if first <= last:
                return first + dt.timedelta(days=rng.randint(0, (last - first).days))
        return low + dt.timedelta(days=rng.randint(0, max(0, (end - low).days)))

    def draw(self, homes: Sequence[TradeHome]) -> Trade:
        rng, unit = self.rng, self.unit
        members = [h for h in homes if h.member]
        if not members:
            return self.out
        n_coops = max(1, round(len(homes) / HOUSEHOLDS_PER_COOPERATIVE))
        ding_an = unit.code == DING_AN
        products = list(PRODUCTS)
        coops: list[dict[str, Any]] = []
        per = -(-len(members) // n_coops)
        for i in range(n_coops):
            group = members[i * per : (i + 1) * per]
            if not group:
                break
            # The first makes honey: its first blend is the big one (BIG_BLEND).
            product = "ZONGZI" if ding_an else "WILD-HONEY" if i == 0 else rng.choice(products)
            code = f"GEN-COOP-{unit.code}-{i + 1:03d}"
            name = f"{unit.name} {product.title()} Cooperative {i + 1}"
            coop: dict[str, Any] = {
                "code": code, "name": name, "villageCode": group[0].village,
                "traceCode": self.code(TraceKind.COOPERATIVE), "product": product,
                "members": group,
            }  # fmt: skip
            coops.append(coop)
            self.out.add("cooperatives", {k: coop[k] for k in ("code", "name", "villageCode",
                                                               "traceCode")})  # fmt: skip
            for home in group:
                since = home.reg_date + dt.timedelta(days=rng.randint(1, 300))
                since = min(since, self.start - dt.timedelta(days=1))
                since = max(since, home.reg_date)
                self.out.add("members", {"id": self.next_id("M"), "householdCode": home.code,
                                         "cooperativeCode": code, "since": since})  # fmt: skip
        target = max(len(coops), round(len(homes) * LOTS_PER_HOUSEHOLD * 0.7))
        # Households with an enabling measure harvest first (most producing ones have one).
        ordered = sorted(members, key=lambda h: (not h.enabling, h.code))
        producing = ordered[: max(1, min(len(ordered), round(target / 1.5)))]
        of_coop = {h.code: c for c in coops for h in c["members"]}
        # Ding'an's members grow the zongzi's three inputs, by turns.
        grows = {h.code: ZONGZI_INPUTS[k % 3] if ding_an else of_coop[h.code]["product"]
                 for k, h in enumerate(members)}  # fmt: skip
        harvests: dict[str, list[tuple[TradeHome, _Lot]]] = {c["code"]: [] for c in coops}
        traced: set[str] = set()
        for k in range(target):
            home = producing[k % len(producing)]
            coop = of_coop[home.code]
            low, high = RAW[grows[home.code]]
            quantity = float(rng.randint(low, high))
            day = self.harvest_day(home)
            made = self.lot(grows[home.code], quantity, day, home.village, ("HOUSEHOLD", home.code))
            harvests[coop["code"]].append((home, made))
            self.event("commissioning", day, home.village,
                       outputs=[{"lot": made.code, "quantity": quantity}])  # fmt: skip
            if home.code not in traced:
                traced.add(home.code)
                trace_code = self.code(TraceKind.HOUSEHOLD)
                self.out.add("householdTraceCodes", {"code": home.code, "traceCode": trace_code})
        blends: dict[str, list[_Lot]] = {c["code"]: [] for c in coops}
        for coop in coops:
            by_product: dict[str, list[tuple[TradeHome, _Lot]]] = {}
            for home, made in harvests[coop["code"]]:
                by_product.setdefault(made.product, []).append((home, made))
            for batch in by_product.values():
                self.accept_and_blend(coop, batch, blends[coop["code"]])
            if ding_an:
                self.zongzi(coop, blends[coop["code"]])
            else:
                self.pack(coop, blends[coop["code"]])
        self.sell(homes)
        for made, producer in self.lots:
            self.write_lot(made, producer)
        self.summarize()
        return self.out

    def summarize(self) -> None:
        """The sales summaries of the county's orders (graph/sales_summary.py's twin):
        every buyer is one of the county's sellers', so its orders are all here."""
        parent = {r.code: r.parent for r in hainan()}
        above, up = [], parent.get(self.unit.code)
        while up is not None:
            above.append(up)
            up = parent.get(up)
        town_of = {t.name: t.code for t in self.unit.towns}
        ancestors = {v.code: [town_of[v.town], self.unit.code, *above] for v in self.unit.villages}
        lots = {made.code: (made.village, made.product) for made, _ in self.lots}
        cells = sales_days(self.out.rows.get("orders", []), lots, ancestors)
        self.out.rows["salesDays"] = day_rows(cells)
        # The households' payment summaries (graph/payment.py's SUMMARIZE_PAYMENTS): the
        # acceptances, and the sales of lots a household still owns.
        owner = {made.code: made.owner for made, _ in self.lots}
        paid: dict[str, list[tuple[dt.date, str, int]]] = {}
        for p in self.out.rows.get("payments", []):
            paid.setdefault(p["household"], []).append((p["date"], p["id"], p["amount"]))
        for o in self.out.rows.get("orders", []):
            for p in o["payments"]:
                kind, code = owner[p["lot"]]
                if kind == "HOUSEHOLD":
                    paid.setdefault(code, []).append((p["date"], p["id"], p["amount"]))
        for code, got in sorted(paid.items()):
            got.sort()
            self.out.add("householdPayments", {"code": code, "days": [d for d, _, _ in got],
                                               "amounts": [a for _, _, a in got]})  # fmt: skip

    def accept_and_blend(
        self, coop: dict[str, Any], harvests: list[tuple[TradeHome, _Lot]], blends: list[_Lot]
    ) -> None:
        """Most harvests accepted whole in batches of 2-5 and blended; the rest sold by
        their households."""
        rng = self.rng
        harvests.sort(key=lambda x: (x[1].produced, x[1].code))
        i = 0
        big = coop["code"].endswith("-001") and coop["product"] == "WILD-HONEY"
        while i < len(harvests):
            size = rng.randint(*BIG_BLEND) if big and i == 0 else rng.randint(2, 5)
            batch = harvests[i : i + size]
            i += size
            if big and not blends:
                self.big = batch[-1][1]
                batch.sort(key=lambda x: x[1].code)
            elif len(batch) < 2 or rng.random() < 0.15:
                for _, made in batch:
                    self.on_sale.append(made)
                continue
            last = max(m.produced for _, m in batch)
            accepted = min(
                self.as_of - dt.timedelta(days=3), last + dt.timedelta(days=rng.randint(1, 5))
            )
            blended = min(
                self.as_of - dt.timedelta(days=2), accepted + dt.timedelta(days=rng.randint(0, 3))
            )
            flows = [{"lot": m.code, "quantity": m.quantity} for _, m in batch]
            acceptance = self.next_id("A")
            self.event("accepting", accepted, coop["villageCode"], outputs=flows,
                       transaction=f"acceptance:{acceptance}")  # fmt: skip
            for home, made in batch:
                made.owner = ("COOPERATIVE", coop["code"])
                made.remaining = 0.0
                self.out.add("payments", {
                    "id": self.next_id("P"), "household": home.code, "lot": made.code,
                    "amount": amount_fen(made.quantity, PRICE[made.product]), "date": accepted,
                    "source": "ACCEPTANCE"})  # fmt: skip
            total = round(sum(m.quantity for _, m in batch), 3)
            blend = self.lot(coop["product"], total, blended, coop["villageCode"],
                             ("COOPERATIVE", coop["code"]))  # fmt: skip
            blend.remaining = 0.0
            self.event("transforming", blended, coop["villageCode"], eventType="TRANSFORMATION",
                       kind="BLENDING", inputs=flows,
                       outputs=[{"lot": blend.code, "quantity": total}])  # fmt: skip
            blend.remaining = total
            blends.append(blend)
            if self.big is batch[-1][1] or any(self.big is m for _, m in batch):
                self.big = blend

    def pack(self, coop: dict[str, Any], blends: list[_Lot]) -> None:
        """Half the blends packed (honey into bottles; other produce into boxes sold by
        the kilogram, as a packed lot of the same product); the rest sold as they are."""
        rng = self.rng
        for blend in list(blends):
            bench = blend is self.big
            if not bench and rng.random() >= 0.5:
                self.on_sale.append(blend)
                continue
            packed_as, per_kg = PRODUCTS[coop["product"]][3], PRODUCTS[coop["product"]][4]
            product = packed_as or coop["product"]
            quantity = float(int(blend.quantity) * per_kg) if packed_as else blend.quantity
            used = float(int(blend.quantity)) if packed_as else blend.quantity
            day = min(
                self.as_of - dt.timedelta(days=1),
                blend.produced + dt.timedelta(days=rng.randint(1, 4)),
            )
            made = self.lot(
                product, quantity, day, coop["villageCode"], ("COOPERATIVE", coop["code"])
            )
            if bench:  # a fixed code the benches name (bench/queries.py)
                made.code = bench_lot(self.unit.code)
            blend.remaining = round(blend.quantity - used, 3)
            self.event("packing", day, coop["villageCode"], eventType="TRANSFORMATION",
                       kind="PACKING", inputs=[{"lot": blend.code, "quantity": used}],
                       outputs=[{"lot": made.code, "quantity": quantity}])  # fmt: skip
            self.on_sale.append(made)
            if blend.remaining > 0:
                self.on_sale.append(blend)

    def zongzi(self, coop: dict[str, Any], blends: list[_Lot]) -> None:
        """Ding'an: a rice, a pork and a leaves blend of one cooperative processed into
        zongzi (10 pieces a kilogram of rice); what is left of them is sold as it is."""
        rng = self.rng
        by_input = {p: [b for b in blends if b.product == p] for p in ZONGZI_INPUTS}
        for rice, pork, leaves in zip(*by_input.values(), strict=False):
            parts = [(rice, min(rice.quantity, 100.0)), (pork, min(pork.quantity, 40.0)),
                     (leaves, min(leaves.quantity, 10.0))]  # fmt: skip
            last = max(p.produced for p, _ in parts)
            day = min(
                self.as_of - dt.timedelta(days=1), last + dt.timedelta(days=rng.randint(1, 4))
            )
            pieces = float(int(parts[0][1]) * 10)
            made = self.lot(
                "ZONGZI", pieces, day, coop["villageCode"], ("COOPERATIVE", coop["code"])
            )
            for p, used in parts:
                p.remaining = round(p.remaining - used, 3)
            self.event("transforming", day, coop["villageCode"], eventType="TRANSFORMATION",
                       kind="PROCESSING",
                       inputs=[{"lot": p.code, "quantity": used} for p, used in parts],
                       outputs=[{"lot": made.code, "quantity": pieces}])  # fmt: skip
            self.on_sale.append(made)
        self.on_sale += [b for b in blends if b.remaining > 0]

    # sellers, buyers, orders

    def sell(self, homes: Sequence[TradeHome]) -> None:
        rng, unit = self.rng, self.unit
        villages = [v.code for v in unit.villages]
        sellers: list[tuple[str, Channel]] = []
        counts = {
            "SERVICE_STATION": max(1, len(villages) // VILLAGES_PER_STATION),
            "SELF_SERVICE_STORE": max(1, len(villages) // 40),
            "ONLINE_SHOP": max(1, len(villages) // 50),
            "ENTERPRISE": max(1, len(villages) // 80),
        }
        share = {kind: weight for kind, _, weight in SELLER_KINDS}
        weights: list[float] = []
        for kind, channel, _ in SELLER_KINDS:
            for i in range(counts[kind]):
                region = villages[(i * VILLAGES_PER_STATION) % len(villages)] if (
                    kind == "SERVICE_STATION") else unit.code  # fmt: skip
                code = f"GEN-{kind.split('_')[-1]}-{unit.code}-{i + 1:03d}"
                self.out.add("sellers", {"code": code, "kind": kind, "regionCode": region,
                                         "name": f"{unit.name} {kind.replace('_', ' ').lower()} "
                                                 f"{i + 1}"})  # fmt: skip
                sellers.append((code, channel))
                weights.append(share[kind] / counts[kind])
                self.regions[code] = region
        n_orders = round(len(homes) * ORDERS_PER_HOUSEHOLD)
        n_buyers = max(1, round(len(homes) * BUYERS_PER_HOUSEHOLD))
        buyers: dict[str, list[tuple[str, str]]] = {code: [] for code, _ in sellers}
        for b in range(n_buyers):
            seller = rng.choices(sellers, weights)[0][0]
            buyer = (f"gen-buyer-{unit.code}-{b + 1:06d}", rng.choice((*CITIES, unit.code)))
            buyers[seller].append(buyer)
            self.out.add("buyers", {"seller": seller, "id": buyer[0], "city": buyer[1]})
        # A regular of the first store: the first REGULAR_ORDERS orders are theirs.
        store = f"GEN-STORE-{unit.code}-001"
        regular = (regular_buyer(unit.code), unit.code)
        buyers[store].append(regular)
        self.out.add("buyers", {"seller": store, "id": regular[0], "city": regular[1]})
        selling = [lot for lot in self.on_sale if lot.remaining > 0]
        if not selling:
            return
        end = dt.datetime.combine(self.as_of, dt.time(), CST)
        for k in range(n_orders):
            seller, channel = rng.choices(sellers, weights)[0]
            if k < REGULAR_ORDERS:
                seller, channel = store, Channel.SELF_SERVICE_STORE
            if not buyers[seller]:
                continue
            buyer = regular if k < REGULAR_ORDERS else rng.choice(buyers[seller])
            lines: list[tuple[_Lot, float]] = []
            for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
                lot = selling[rng.randrange(len(selling))]
                if lot.remaining <= 0 or any(lot is x for x, _ in lines):
                    continue
                want = (
                    float(rng.randint(1, 3)) if lot.product in COUNTED else float(rng.randint(1, 5))
                )
                quantity = min(want, lot.remaining if lot.product not in COUNTED
                               else float(int(lot.remaining)))  # fmt: skip
                if quantity <= 0:
                    continue
                lines.append((lot, quantity))
            if not lines:
                continue
            first = max(dt.datetime.combine(max(x.produced for x, _ in lines), dt.time(8), CST),
                        end - dt.timedelta(days=WINDOW_DAYS))  # fmt: skip
            span = int((end - first).total_seconds())
            if span <= 3600:
                continue
            placed = first + dt.timedelta(seconds=rng.randrange(span - 3600))
            for lot, quantity in lines:
                lot.remaining = round(lot.remaining - quantity, 3)
            self.order(seller, channel, placed, buyer, lines)

    def order(
        self, seller: str, channel: Channel, placed: dt.datetime, buyer: tuple[str, str],
        lines: list[tuple[_Lot, float]],
    ) -> None:  # fmt: skip
        order_id = self.next_id("O")
        parsed = [Line(lot.code, quantity, PRICE[lot.product]) for lot, quantity in lines]
        rows = [
            {"n": i, "lot": x.trace_code, "quantity": x.quantity, "unitPrice": x.unit_price,
             "amount": amount_fen(x.quantity, x.unit_price)}
            for i, x in enumerate(parsed)
        ]  # fmt: skip
        day = placed.astimezone(CST).date()
        payments = [{"id": self.next_id("P"), "lot": r["lot"], "amount": r["amount"],
                     "date": day} for r in rows]  # fmt: skip
        self.out.add("orders", {
            "id": order_id, "seller": seller, "channel": channel.value, "placedAt": placed,
            "buyer": buyer[0], "total": sum(r["amount"] for r in rows),
            "digest": request_digest(order_request(channel, placed, buyer, parsed)),
            "lines": rows, "payments": payments,
        })  # fmt: skip
        self.event(
            "retail_selling",
            day,
            self.regions[seller],
            transaction=f"order:{seller}:{order_id}",
            inputs=[{"lot": r["lot"], "quantity": r["quantity"]} for r in rows],
        )


def bench_lot(county: str) -> str:
    """The trace code of a county's packed lot of its big honey blend."""
    return make(TraceKind.LOT, f"{county}PK01")


def regular_buyer(county: str) -> str:
    """The id of the county's first store's regular buyer (REGULAR_ORDERS orders)."""
    return f"gen-buyer-{county}-regular"


def draw_trade(unit: Unit, seed: int, as_of: dt.date, homes: Sequence[TradeHome]) -> Trade:
    """A county's trade rows (pure; the module docstring)."""
    return _Market(unit, seed, as_of).draw(homes)
