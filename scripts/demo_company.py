# The French company of the demo, set before the accounting is installed.
#
# Run inside `odoo shell` (which provides `env`) on a database holding only
# `base` and `l10n_fr`: the main company becomes a French services à la personne
# provider (country France, euro, Paris time), so that installing the add-on
# loads the French chart of accounts (`fr`, PCG) with French VAT, and the admin
# user works in French and lands in the add-on's menu once it exists.
# ruff: noqa: F821


def main(env):
    euro = env.ref("base.EUR")
    euro.active = True
    company = env.ref("base.main_company")
    company.write(
        {
            "name": "Aide à Domicile Démo",
            "country_id": env.ref("base.fr").id,
            "currency_id": euro.id,
            "street": "12 rue de la République",
            "zip": "69002",
            "city": "Lyon",
            "phone": "+33 4 72 00 00 00",
            "email": "contact@aide-domicile-demo.fr",
        }
    )
    # SIRET: l10n_fr's field on 18.0, the company registry on 19.0
    siret_field = "siret" if "siret" in company._fields else "company_registry"
    company[siret_field] = "55210055400013"
    company.partner_id.lang = "fr_FR"
    env.ref("base.user_admin").write(
        {"lang": "fr_FR", "tz": "Europe/Paris", "email": "admin@aide-domicile-demo.fr"}
    )
    env.cr.commit()
    country, currency = company.country_id.code, company.currency_id.name
    print(f"Demo company: {company.name} ({country}, {currency})")


main(env)
