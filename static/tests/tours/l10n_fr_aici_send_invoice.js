/** @odoo-module */

import { registry } from "@web/core/registry";

// In French, from the invoice form, as an accountant: read what to do, send
// to Urssaf, see the request integrated and what happens next.
registry.category("web_tour.tours").add("l10n_fr_aici_send_invoice", {
    steps: () => [
        {
            content: "The invoice is ready to be sent",
            trigger: ".o_field_widget[name='l10n_fr_aici_state'] .badge:contains('Prête à envoyer')",
        },
        {
            content: "Open the avance immédiate tab",
            trigger: ".o_notebook a[name='aici']",
            run: "click",
        },
        {
            content: "One sentence says what to do",
            trigger: ".alert-info .o_l10n_fr_aici_next_step:contains('Envoyer à l')",
        },
        {
            content: "Send it to Urssaf",
            trigger: ".o_form_statusbar button[name='action_aici_send']",
            run: "click",
        },
        {
            content: "Urssaf integrated it",
            trigger: ".o_notification:contains('intégré la demande de paiement')",
        },
        {
            content: "The badge follows",
            trigger: ".o_field_widget[name='l10n_fr_aici_state'] .badge:contains('Intégrée')",
        },
        {
            content: "The tab says what happens next",
            trigger: ".o_l10n_fr_aici_next_step:contains('48')",
        },
        {
            content: "The send button is gone",
            trigger: ".o_form_view:not(:has(button[name='action_aici_send']))",
        },
    ],
});
