from urssaf.redact import MASK, mask_iban


def test_mask_iban():
    assert mask_iban("FR76 3000 6000 0112 3456 7890 189") == "FR76 **** 0189"
    assert mask_iban("FR76") == MASK
    assert mask_iban("") == ""
    assert mask_iban(None) == ""
