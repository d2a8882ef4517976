/** @odoo-module */

import { registry } from "@web/core/registry";

// From the invoice form, as an accountant: send to Urssaf, see it accepted.
registry.category("web_tour.tours").add("l10n_fr_aici_send_invoice", {
    steps: () => [
        {
            content: "The invoice is ready to be sent",
            trigger: ".o_field_widget[name='l10n_fr_aici_state'] .badge:contains('Ready to send')",
        },
        {
            content: "Send it to Urssaf",
            trigger: "button[name='action_aici_send']",
            run: "click",
        },
        {
            content: "Urssaf accepted it",
            trigger: ".o_notification:contains('accepted by Urssaf')",
        },
        {
            content: "The badge follows",
            trigger: ".o_field_widget[name='l10n_fr_aici_state'] .badge:contains('Sent')",
        },
        {
            content: "The send button is gone",
            trigger: ".o_form_view:not(:has(button[name='action_aici_send']))",
        },
    ],
});
