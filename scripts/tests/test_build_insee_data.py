"""The INSEE data generator: a tiny input, the exact files it writes."""

import csv
import gzip
import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "build_insee_data.py"
_spec = importlib.util.spec_from_file_location("build_insee_data", SCRIPT)
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

COMMUNES = [
    {"code": "2A004", "nom": "Ajaccio", "type": "commune-actuelle",
     "codesPostaux": ["20000", "20090"], "anciensCodes": ["20004"]},
    {"code": "01340", "nom": "Saint-Bois", "type": "commune-deleguee",
     "chefLieu": "01015"},
    {"code": "01015", "nom": "Arboys en Bugey", "type": "commune-actuelle",
     "codesPostaux": ["01300"], "anciensCodes": ["01340"]},
    {"code": "01015", "nom": "Arbignieu", "type": "commune-deleguee",
     "chefLieu": "01015"},
    {"code": "75101", "nom": "Paris 1er Arrondissement",
     "type": "arrondissement-municipal", "commune": "75056"},
    {"code": "X", "nom": "ignored", "type": "unknown"},
]  # fmt: skip
COUNTRIES = (
    "COG,ACTUAL,CRPAY,ANI,LIBCOG,LIBENR,CODEISO2,CODEISO3,CODENUM3\n"
    "99100,1,,,France,République française,FR,FRA,250\n"
    "99134,1,,,Espagne,Royaume d'Espagne,ES,ESP,724\n"
    "99313,4,99134,,Territoires espagnols,Ceuta,ES,ESP,724\n"
    "99425,4,99132,,Territoires britanniques,Bermudes,,,\n"
    "99999,2,,,Ancien,Ancien,XX,,\n"
)


def test_generated_files(tmp_path):
    source = tmp_path / "communes.json"
    source.write_text(json.dumps(COMMUNES), encoding="utf-8")
    countries = tmp_path / "pays.csv"
    countries.write_text(COUNTRIES, encoding="utf-8")
    out = tmp_path / "out"
    assert build.main([str(source), str(countries), "--out", str(out)]) == 0
    data = (out / "insee_communes.csv.gz").read_bytes()
    rows = list(csv.reader(gzip.decompress(data).decode().splitlines()))
    assert rows == [
        ["code", "kind", "name", "parent", "postcodes", "old_codes"],
        ["01015", "A", "Arboys en Bugey", "", "01300", "01340"],
        ["01015", "D", "Arbignieu", "01015", "", ""],
        ["01340", "D", "Saint-Bois", "01015", "", ""],
        ["2A004", "A", "Ajaccio", "", "20000 20090", "20004"],
        ["75101", "M", "Paris 1er Arrondissement", "75056", "", ""],
    ]
    # Same input, same bytes (no time stamp in the gzip header).
    assert build.main([str(source), str(countries), "--out", str(out)]) == 0
    assert (out / "insee_communes.csv.gz").read_bytes() == data
    by_iso = {
        row["iso2"]: row["code"]
        for row in csv.DictReader((out / "insee_countries.csv").open())
    }
    assert by_iso["FR"] == "99100"
    assert by_iso["ES"] == "99134"
    assert by_iso["BM"] == "99425"
    assert by_iso["RE"] == "99100"
    assert "XX" not in by_iso
