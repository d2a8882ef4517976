"""Pure-Python core of the Urssaf "API Tiers de prestation" integration.

Nothing in this package imports Odoo: it is used by the add-on's models and tested
with plain pytest. Modules import each other relatively so that the package works
both as ``urssaf`` (tests, sandbox) and as ``odoo.addons.l10n_fr_aici.urssaf``.
"""
