/** @odoo-module */

import { registry } from "@web/core/registry";

// From the contact form, as an accountant: open the enrolment, fix the two
// problems in place (a digit in the birth name, the birth commune to choose),
// confirm, enrol, and read what comes next.
registry.category("web_tour.tours").add("l10n_fr_aici_enrol_client", {
    steps: () => [
        {
            content: "Open the avance immédiate tab",
            trigger: ".o_notebook .nav-link:contains('Avance immédiate')",
            run: "click",
        },
        {
            content: "The tab says what to do",
            trigger: ".alert-info .o_l10n_fr_aici_next_step:contains('Not enrolled yet')",
        },
        {
            content: "Enrol",
            trigger: "button[name='action_aici_open_enrolment']:contains('Enrol')",
            run: "click",
        },
        {
            content: "The problems come first, each once",
            trigger: ".modal .o_l10n_fr_aici_problems li:contains('contient un chiffre')",
        },
        {
            content: "Nothing to confirm nor send while problems remain",
            trigger: ".modal:not(:has(.o_field_widget[name='confirm_checked'])) .o_l10n_fr_aici_enrol_disabled",
        },
        {
            content: "Fix the birth name in place",
            trigger: ".modal .o_field_widget[name='l10n_fr_aici_birth_name'] input",
            run: "edit Durand",
        },
        {
            content: "Look the birth commune up by its name",
            trigger: ".modal .o_field_widget[name='l10n_fr_aici_birth_commune_id'] input",
            run: "edit Lyon",
        },
        {
            content: "Choose Lyon",
            trigger: ".o-autocomplete--dropdown-item a:contains('Lyon (69123)')",
            run: "click",
        },
        {
            content: "No problem left: the confirmation comes last",
            trigger: ".modal:not(:has(.o_l10n_fr_aici_problems:visible)) .o_field_widget[name='confirm_checked'] input",
            run: "click",
        },
        {
            content: "Enrol with Urssaf",
            trigger: ".modal footer button[name='action_enrol']",
            run: "click",
        },
        {
            content: "Urssaf recorded the enrolment",
            trigger: ".modal .o_l10n_fr_aici_result li:contains('enrolment recorded')",
        },
        {
            content: "Close",
            trigger: ".modal footer button:contains('Close')",
            run: "click",
        },
        {
            content: "The client waits for the activation",
            trigger: ".o_field_widget[name='l10n_fr_aici_state'] .badge:contains('Awaiting activation')",
        },
        {
            content: "The tab says what the client must do, with the button to check",
            trigger: ".alert-info .o_l10n_fr_aici_next_step:contains('particulier.urssaf.fr')",
        },
        {
            content: "Refresh is offered",
            trigger: "button[name='action_aici_refresh_status']",
        },
    ],
});
