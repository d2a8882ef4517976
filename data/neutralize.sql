-- A neutralized (restored or duplicated) database must never send real payment
-- requests: wipe the Urssaf credentials and fall back to Urssaf's sandbox.
UPDATE res_company
   SET aici_client_id = NULL,
       aici_client_secret = NULL,
       aici_environment = 'sandbox',
       aici_api_base_url = NULL;
