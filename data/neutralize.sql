-- A neutralized (restored or duplicated) database must never send real payment
-- requests: wipe the Urssaf credentials and fall back to Urssaf's sandbox.
UPDATE res_company
   SET l10n_fr_aici_client_id = NULL,
       l10n_fr_aici_client_secret = NULL,
       l10n_fr_aici_environment = 'sandbox',
       l10n_fr_aici_api_base_url = NULL;
