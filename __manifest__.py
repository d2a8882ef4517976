{
    "name": "France - Avance immédiate de crédit d'impôt (Urssaf)",
    "summary": "Send services à la personne invoices to Urssaf's API Tiers de "
    "prestation for the avance immédiate de crédit d'impôt",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations",
    "author": "l10n_fr_aici contributors",
    "website": "https://github.com/l10n-fr-aici/l10n_fr_aici",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["account", "l10n_fr"],
    "external_dependencies": {"python": ["requests", "dateutil"]},
    "data": [
        "security/aici_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "wizards/aici_enrolment_wizard_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/aici_menus.xml",
    ],
    "installable": True,
    "application": False,
}
