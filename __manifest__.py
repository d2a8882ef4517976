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
    "external_dependencies": {"python": ["requests", "python-dateutil"]},
    "data": [
        "security/l10n_fr_aici_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "wizards/l10n_fr_aici_enrolment_wizard_views.xml",
        "views/l10n_fr_aici_exchange_views.xml",
        "views/l10n_fr_aici_payment_request_views.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/l10n_fr_aici_menus.xml",
        "views/account_move_money_views.xml",
        "views/l10n_fr_aici_transfer_views.xml",
        "report/l10n_fr_aici_report_invoice.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "l10n_fr_aici/static/src/scss/l10n_fr_aici_notification.scss"
        ],
        "web.assets_tests": ["l10n_fr_aici/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
