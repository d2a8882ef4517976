from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.res_partner import REGISTRATION_FIELDS, particulier_of
from ..urssaf.catalogues import STREET_TYPES
from ..urssaf.payload import build_particulier
from ..urssaf.redact import mask_iban
from ..urssaf.validators import validate_particulier


class AiciEnrolmentWizard(models.TransientModel):
    """Enrol clients: the problems first, fixed in place, the confirmation last.

    With one client, the wizard edits the contact's registration data itself
    (related fields): what is fixed here is fixed on the contact. With several,
    it shows each one's data and problems, and enrols those without problems.
    """

    _name = "l10n_fr_aici.enrolment.wizard"
    _description = "Avance immédiate enrolment"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Clients",
        required=True,
        default=lambda self: self._default_partner_ids(),
    )
    partner_id = fields.Many2one(
        "res.partner", compute="_compute_partner_id", store=True, string="Client"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    confirm_checked = fields.Boolean(
        string="I checked these data with the client",
        help="Identity exactly as on the tax notice, French mobile, e-mail and the "
        "bank account Urssaf will debit.",
    )
    preview_html = fields.Html(
        compute="_compute_preview", sanitize=False, string="Data Sent to Urssaf"
    )
    problems_html = fields.Html(
        compute="_compute_preview", sanitize=False, string="Problems"
    )
    problem_count = fields.Integer(compute="_compute_preview")
    result_html = fields.Html(readonly=True, sanitize=False)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    # --- the contact's registration data, edited in place ------------------
    l10n_fr_aici_civility = fields.Selection(
        related="partner_id.l10n_fr_aici_civility", readonly=False
    )
    l10n_fr_aici_birth_name = fields.Char(
        related="partner_id.l10n_fr_aici_birth_name", readonly=False
    )
    l10n_fr_aici_usage_name = fields.Char(
        related="partner_id.l10n_fr_aici_usage_name", readonly=False
    )
    l10n_fr_aici_first_names = fields.Char(
        related="partner_id.l10n_fr_aici_first_names", readonly=False
    )
    l10n_fr_aici_birth_date = fields.Date(
        related="partner_id.l10n_fr_aici_birth_date", readonly=False
    )
    l10n_fr_aici_birth_country_id = fields.Many2one(
        related="partner_id.l10n_fr_aici_birth_country_id", readonly=False
    )
    l10n_fr_aici_birth_commune_id = fields.Many2one(
        related="partner_id.l10n_fr_aici_birth_commune_id", readonly=False
    )
    l10n_fr_aici_mobile = fields.Char(
        related="partner_id.l10n_fr_aici_mobile", readonly=False
    )
    l10n_fr_aici_email = fields.Char(
        related="partner_id.l10n_fr_aici_email", readonly=False
    )
    l10n_fr_aici_street_number = fields.Char(
        related="partner_id.l10n_fr_aici_street_number", readonly=False
    )
    l10n_fr_aici_street_letter = fields.Selection(
        related="partner_id.l10n_fr_aici_street_letter", readonly=False
    )
    l10n_fr_aici_street_type = fields.Selection(
        related="partner_id.l10n_fr_aici_street_type", readonly=False
    )
    l10n_fr_aici_street_label = fields.Char(
        related="partner_id.l10n_fr_aici_street_label", readonly=False
    )
    l10n_fr_aici_address_complement = fields.Char(
        related="partner_id.l10n_fr_aici_address_complement", readonly=False
    )
    l10n_fr_aici_lieu_dit = fields.Char(
        related="partner_id.l10n_fr_aici_lieu_dit", readonly=False
    )
    l10n_fr_aici_zip = fields.Char(
        related="partner_id.l10n_fr_aici_zip", readonly=False
    )
    l10n_fr_aici_commune_label = fields.Char(
        related="partner_id.l10n_fr_aici_commune_label", readonly=False
    )
    l10n_fr_aici_commune_code = fields.Char(
        related="partner_id.l10n_fr_aici_commune_code", readonly=False
    )
    l10n_fr_aici_country_code = fields.Char(
        related="partner_id.l10n_fr_aici_country_code", readonly=False
    )
    l10n_fr_aici_iban = fields.Char(
        related="partner_id.l10n_fr_aici_iban", readonly=False
    )
    l10n_fr_aici_bic = fields.Char(
        related="partner_id.l10n_fr_aici_bic", readonly=False
    )
    l10n_fr_aici_bank_holder = fields.Char(
        related="partner_id.l10n_fr_aici_bank_holder", readonly=False
    )
    l10n_fr_aici_birth_country_code = fields.Char(
        related="l10n_fr_aici_birth_country_id.l10n_fr_aici_insee_code"
    )

    @api.model
    def _default_partner_ids(self):
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids"):
            return [fields.Command.set(context["active_ids"])]
        return False

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # What the contact already knows is not typed twice: its e-mail, phone,
        # address and bank account fill the empty registration fields.
        ids = self._fields["partner_ids"].convert_to_cache(
            values.get("partner_ids") or [], self.browse()
        )
        partners = self.env["res.partner"].browse(ids)
        to_prefill = partners.filtered(
            lambda p: not p.is_company and p.l10n_fr_aici_data_editable
        )
        if to_prefill and self.env.user.has_group("l10n_fr_aici.group_aici_manager"):
            to_prefill.action_aici_prefill()
        return values

    @api.depends("partner_ids")
    def _compute_partner_id(self):
        for wizard in self:
            single = len(wizard.partner_ids) == 1
            wizard.partner_id = wizard.partner_ids[:1] if single else False

    @api.depends("partner_ids", "company_id", *REGISTRATION_FIELDS)
    def _compute_preview(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            blocks = []
            problem_lines = []
            edited = wizard.partner_id._origin
            for partner in wizard.partner_ids._origin:
                # The one client edited in place is read from the wizard.
                source = wizard if partner == edited else partner.sudo()
                problems = wizard._partner_problems(partner, today, source=source)
                problem_lines += [
                    (partner, problem) for problem in dict.fromkeys(problems)
                ]
                if partner != edited:
                    blocks.append(wizard._preview_block(partner, problems))
                elif not problems:
                    payload = build_particulier(particulier_of(wizard))
                    blocks.append(
                        wizard._preview_html(
                            partner, wizard._payload_rows(payload), [], True
                        )
                    )
            wizard.preview_html = Markup("").join(blocks)
            wizard.problem_count = len(problem_lines)
            wizard.problems_html = wizard._problems_html(problem_lines)

    def _problems_html(self, problem_lines):
        if not problem_lines:
            return False
        several = len(self.partner_ids) > 1
        items = Markup("").join(
            Markup("<li>%s</li>")
            % (
                self.env._("%(client)s: %(problem)s", client=p.display_name, problem=m)
                if several
                else m
            )
            for p, m in problem_lines
        )
        return Markup("<ul class='mb-0'>%s</ul>") % items

    def _partner_problems(self, partner, today, source=None):
        """Every reason not to send this partner, each once, in French-ready text."""
        messages = []
        if partner.is_company:
            messages.append(
                _("A company cannot be enrolled: only individuals are eligible.")
            )
            return messages
        if partner.l10n_fr_aici_id_client and not partner.l10n_fr_aici_can_reenrol:
            messages.append(
                _(
                    "Already enrolled (Urssaf client ID %(id)s): enrolling again "
                    "would be refused.",
                    id=partner.l10n_fr_aici_id_client,
                )
            )
            return messages
        source = source if source is not None else partner.sudo()
        messages += partner._l10n_fr_aici_problem_messages(
            validate_particulier(particulier_of(source), today=today)
        )
        return list(dict.fromkeys(messages))

    def _birth_place_text(self, place, commune):
        """ "Lyon (INSEE 69123), France": names first, the codes sent in brackets."""
        country = self.env["res.country"].search(
            [("l10n_fr_aici_insee_code", "=", place["codePaysNaissance"])], limit=1
        )
        department = place.get("departementNaissance") or ""
        if len(department) == 3 and department.startswith("0"):
            department = department[1:]  # "069" -> "69", "02A" -> "2A"
        town = commune.get("libelleCommune")
        if town and commune.get("codeCommune"):
            town = _(
                "%(name)s (INSEE %(code)s)",
                name=town,
                code=department + commune["codeCommune"],
            )
        return ", ".join(
            filter(None, [town, country.name or place["codePaysNaissance"]])
        )

    def _payload_rows(self, payload):
        """The exact values that will be sent, in the user's words."""
        place = payload["lieuNaissance"]
        commune = place.get("communeNaissance") or {}
        address = payload["adressePostale"]
        bank = payload["coordonneeBancaire"]
        birth_date = fields.Date.to_date(payload["dateNaissance"][:10])
        return [
            (_("Civility"), {"1": _("Mr"), "2": _("Mrs")}[payload["civilite"]]),
            (_("Birth name"), payload["nomNaissance"]),
            (_("Usage name"), payload.get("nomUsage")),
            (_("First names"), payload["prenoms"]),
            (_("Birth date"), format_date(self.env, birth_date)),
            (_("Birth place"), self._birth_place_text(place, commune)),
            (_("Mobile"), payload["numeroTelephonePortable"]),
            (_("E-mail"), payload["adresseMail"]),
            (
                _("Address"),
                " ".join(
                    filter(
                        None,
                        [
                            address.get("numeroVoie"),
                            address.get("lettreVoie"),
                            STREET_TYPES.get(address.get("codeTypeVoie", "")),
                            address.get("libelleVoie"),
                            address.get("complement"),
                            address.get("lieuDit"),
                            address["codePostal"],
                            address["libelleCommune"],
                            f"(INSEE {address['codeCommune']})",
                        ],
                    )
                ),
            ),
            (
                _("Bank account"),
                f"{mask_iban(bank['iban'])} {bank['bic']} {bank['titulaire']}",
            ),
        ]

    def _preview_block(self, partner, problems):
        data = partner.sudo()
        if not problems:
            # Nothing to fix: show the values exactly as they will be sent
            # (names reduced to Urssaf's characters, mobile without spaces…).
            payload = build_particulier(partner._l10n_fr_aici_particulier())
            return self._preview_html(
                partner, self._payload_rows(payload), problems, sent_values=True
            )
        address = " ".join(
            filter(
                None,
                [
                    data.l10n_fr_aici_street_number,
                    data.l10n_fr_aici_street_letter,
                    STREET_TYPES.get(data.l10n_fr_aici_street_type or ""),
                    data.l10n_fr_aici_street_label,
                    data.l10n_fr_aici_address_complement,
                    data.l10n_fr_aici_lieu_dit,
                    data.l10n_fr_aici_zip,
                    data.l10n_fr_aici_commune_label,
                    data.l10n_fr_aici_commune_code
                    and f"(INSEE {data.l10n_fr_aici_commune_code})",
                ],
            )
        )
        birth_place = " ".join(
            filter(
                None,
                [
                    data.l10n_fr_aici_birth_commune_label,
                    data.l10n_fr_aici_birth_commune_code
                    and f"(INSEE {data.l10n_fr_aici_birth_commune_code})",
                    data.l10n_fr_aici_birth_country_code
                    and _(
                        "[country %(code)s]", code=data.l10n_fr_aici_birth_country_code
                    ),
                ],
            )
        )
        civility_field = data._fields["l10n_fr_aici_civility"]
        civilities = dict(civility_field._description_selection(self.env))
        rows = [
            (_("Civility"), civilities.get(data.l10n_fr_aici_civility, "")),
            (_("Birth name"), data.l10n_fr_aici_birth_name),
            (_("Usage name"), data.l10n_fr_aici_usage_name),
            (_("First names"), data.l10n_fr_aici_first_names),
            (_("Birth date"), data.l10n_fr_aici_birth_date and fields.Date.to_string(
                data.l10n_fr_aici_birth_date)),
            (_("Birth place"), birth_place),
            (_("Mobile"), data.l10n_fr_aici_mobile),
            (_("E-mail"), data.l10n_fr_aici_email),
            (_("Address"), address),
            (_("Bank account"), " ".join(filter(None, [
                mask_iban(data.l10n_fr_aici_iban or ""), data.l10n_fr_aici_bic,
                data.l10n_fr_aici_bank_holder]))),
        ]  # fmt: skip
        return self._preview_html(partner, rows, problems)

    def _preview_html(self, partner, rows, problems, sent_values=False):
        body = Markup("").join(
            Markup("<tr><th class='pe-3'>%s</th><td>%s</td></tr>")
            % (label, value or "—")
            for label, value in rows
        )
        html = Markup("<h5>%s</h5>") % partner.display_name
        if sent_values:
            html += Markup("<p class='text-muted'>%s</p>") % _(
                "Values exactly as they will be sent to Urssaf."
            )
        html += Markup("<table class='table table-sm'>%s</table>") % body
        if not partner.l10n_fr_aici_data_checked and not partner.l10n_fr_aici_id_client:
            html += Markup("<p class='text-warning'>%s</p>") % _(
                "Some data were pre-filled from the contact: check them before sending."
            )
        if problems:
            html += Markup("<div class='alert alert-danger'><ul>%s</ul></div>") % (
                Markup("").join(Markup("<li>%s</li>") % p for p in problems)
            )
        return html

    def action_enrol(self):
        self.ensure_one()
        self.partner_ids._l10n_fr_aici_check_manager()
        if not self.confirm_checked:
            raise UserError(
                _("Please confirm that the data were checked with the client.")
            )
        today = fields.Date.context_today(self)
        blocked = {
            partner: problems
            for partner in self.partner_ids
            if (problems := self._partner_problems(partner, today))
        }
        if len(blocked) == len(self.partner_ids):
            raise UserError(
                _("Nothing was sent to Urssaf. Please fix these problems first:")
                + "\n"
                + "\n".join(
                    self.env._(
                        "%(client)s: %(problem)s",
                        client=partner.display_name,
                        problem=problem,
                    )
                    for partner, problems in blocked.items()
                    for problem in problems
                )
            )
        results = []
        to_send = self.partner_ids.filtered(lambda p: p not in blocked)
        to_send.write({"l10n_fr_aici_data_checked": True})
        with self.company_id._l10n_fr_aici_client() as client:
            for partner in to_send:
                error = partner._l10n_fr_aici_enrol(self.company_id, client)
                results.append((partner, error))
        for partner, problems in blocked.items():
            results.append((partner, "\n".join(problems)))
        self.write({"state": "done", "result_html": self._result_html(results)})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Enrolment result"),
        }

    def _result_html(self, results):
        """One line per client; the name first, then what happened and what
        comes next (no participle agreeing with the client's name)."""
        items = []
        for partner, error in results:
            if error:
                text = self.env._(
                    "%(client)s: enrolment refused. %(error)s",
                    client=partner.display_name,
                    error=error,
                )
                items.append(Markup("<li class='text-danger'>%s</li>") % text)
            else:
                text = self.env._(
                    "%(client)s: enrolment recorded. %(next_step)s",
                    client=partner.display_name,
                    next_step=partner.l10n_fr_aici_next_step or "",
                )
                items.append(Markup("<li class='text-success'>%s</li>") % text)
        return Markup("<ul class='o_l10n_fr_aici_result'>%s</ul>") % Markup("").join(
            items
        )
