from .models.l10n_fr_aici_insee_commune import load_insee_communes
from .models.res_country import load_insee_country_codes


def post_init_hook(env):
    """INSEE's communes and country codes (see scripts/build_insee_data.py)."""
    load_insee_communes(env)
    load_insee_country_codes(env)
