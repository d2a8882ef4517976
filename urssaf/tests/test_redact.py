import json

from urssaf.redact import MASK, mask_iban, redact


def test_mask_iban():
    assert mask_iban("FR76 3000 6000 0112 3456 7890 189") == "FR76 **** 0189"
    assert mask_iban("FR76") == MASK
    assert mask_iban("") == ""
    assert mask_iban(None) == ""


def test_redact_hides_personal_data_and_keeps_shape():
    payload = {
        "civilite": "2",
        "nomNaissance": "Durand",
        "dateNaissance": "1980-03-29T00:00:00Z",
        "lieuNaissance": {"codePaysNaissance": "99100"},
        "coordonneeBancaire": {"iban": "FR7630006000011234567890189", "bic": "X"},
        "items": [{"dateNaissanceClient": "1980-03-29T00:00:00Z", "mnt": 12.5}],
        "empty": None,
    }
    result = redact(payload)
    text = json.dumps(result)
    for secret in ("Durand", "1980-03-29", "FR763000", "99100"):
        assert secret not in text
    assert result["civilite"] == "2"
    assert result["items"][0]["mnt"] == 12.5
    assert result["coordonneeBancaire"]["iban"] == MASK
    assert payload["nomNaissance"] == "Durand"
