"""A release's unit processes as a matrix database: entries, flows and errors, without a store."""

from __future__ import annotations

import numpy as np
import pytest

from tanzuji.factors.record import ExchangeRecord, ProcessRecord
from tanzuji.gwp import gwp_set
from tanzuji.model.factors import Factor
from tanzuji.model.release_processes import (
    ReleaseProcessError,
    ReleaseProcesses,
    release_database,
)
from tanzuji.model.study import Origin


def ex(direction: str, amount: float, unit: str, **kw: str) -> ExchangeRecord:
    return ExchangeRecord.model_validate({"direction": direction, "name": kw.pop("name", "x"),
                                          "amount": amount, "unit": unit, **kw})


FLIGHT = ProcessRecord(id="flight", name_en="air freight", reference_product="freight",
                       unit="tkm", exchanges=[
                           ex("output", 1000, "kg*km"),
                           ex("input", 2, "kg", process="feed"),
                           ex("input", 1, "kg", factor="diesel"),
                           ex("emission", 0.5, "kg", gas="CO2", origin="aircraft"),
                           ex("emission", 1, "g", gas="N2O", origin="dluc"),
                       ])
FEED = ProcessRecord(id="feed", name_en="feed", reference_product="feed", unit="t",
                     exchanges=[
                         ex("output", 1, "t"),
                         ex("emission", 2, "kg", gas="CH4", origin="fossil"),
                         ex("emission", 3, "kg", gas="CH4", origin="biogenic"),
                         ex("removal", 1500, "kg", gas="CO2", origin="biogenic"),
                     ])
DIESEL = Factor(id="diesel", name="diesel", unit="kg", origin=Origin.fossil, co2e=3.2,
                gwp="AR6")


def test_entries_are_normalised_and_gases_kept_apart_by_origin() -> None:
    rp = ReleaseProcesses("eco", "eco@1", 0, [FEED, FLIGHT], {"diesel": DIESEL})
    db = release_database(rp, gwp_set("AR6"))
    a = db.system.technosphere().toarray()
    assert a == pytest.approx(np.array([[1.0, -0.002], [0.0, 1.0]]))  # 2 kg of feed in t
    assert db.activity("flight") == 1 and db.activity("air freight") == 1
    assert db.key(0) == "eco:feed" and db.unit(1) == "tkm"
    flows = {name: i for i, name in enumerate(db.flow_names or [])}
    assert set(flows) == {"CH4, fossil", "CH4, biogenic", "CO2, biogenic, removal",
                          "CO2e, fossil", "CO2, aircraft", "N2O, dluc"}
    b = db.system.biosphere().toarray()
    assert b[flows["CO2, biogenic, removal"], 0] == -1500
    assert b[flows["CO2e, fossil"], 1] == pytest.approx(3.2)
    assert b[flows["N2O, dluc"], 1] == pytest.approx(0.001)
    assert db.flow(flows["CO2, biogenic, removal"]) == ("CO2", Origin.biogenic, True)
    c = db.system.characterization
    assert (c[flows["CH4, fossil"]], c[flows["CH4, biogenic"]]) == (29.8, 27.0)
    assert db.provenance() == {"id": "eco", "release": "eco@1", "activities": 2}


def test_every_exchange_that_cannot_be_placed_is_named() -> None:
    rp = ReleaseProcesses("eco", "eco@1", 0, [FLIGHT], {})
    with pytest.raises(ReleaseProcessError) as info:
        release_database(rp, gwp_set("AR6"))
    assert info.value.messages == [
        "release eco@1: process 'flight' (air freight), exchanges[1] input 'x': links to "
        "process 'feed', which the release does not contain",
        "release eco@1: process 'flight' (air freight), exchanges[2] input 'x': links to "
        "factor 'diesel', which the release does not contain",
    ]
    bad_unit = FEED.model_copy(update={"exchanges": [ex("output", 1, "kWh"), *FEED.exchanges[1:]]})
    with pytest.raises(ReleaseProcessError, match=r"exchanges\[0\] output 'x'"):
        release_database(ReleaseProcesses("eco", "eco@1", 0, [bad_unit]), gwp_set("AR6"))
