/** @odoo-module */

import { registry } from "@web/core/registry";

// In French, as an accountant: read why the client refused the payment
// request, then correct the invoice (credit note + new draft to send).
registry.category("web_tour.tours").add("l10n_fr_aici_correct_refusal", {
    steps: () => [
        {
            content: "The badge says the client refused",
            trigger: ".o_field_widget[name='l10n_fr_aici_state'] .badge:contains('Refusée par le client')",
        },
        {
            content: "Open the avance immédiate tab",
            trigger: ".o_notebook a[name='aici']",
            run: "click",
        },
        {
            content: "One sentence says what to do",
            trigger: ".alert-danger .o_l10n_fr_aici_next_step:contains('Corriger la facture')",
        },
        {
            content: "The reason is explained in French, with the client's words",
            trigger: ".o_l10n_fr_aici_refusal:contains('nombre d'heures ou quantités erroné'):contains('Seulement 10 heures')",
        },
        {
            content: "Billing outside is offered too",
            trigger: ".o_notebook button[name='action_l10n_fr_aici_open_exclude']:contains('Facturer hors avance immédiate')",
        },
        {
            content: "Correct the invoice",
            trigger: ".o_notebook button[name='action_l10n_fr_aici_correct']:contains('Corriger la facture')",
            run: "click",
        },
        {
            content: "Confirm the credit note and the new draft",
            trigger: ".modal:contains('avoir') .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The new draft says which invoice it replaces",
            trigger: ".o_form_view .alert:contains('Remplace la facture')",
        },
    ],
});
