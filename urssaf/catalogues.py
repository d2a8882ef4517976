"""Urssaf nomenclatures and code catalogues, with French explanations.

Codes are facts published by Urssaf (official swagger, Urssaf documentation as quoted
by public implementations); the French texts are ours. Every lookup helper accepts an
unknown code and keeps it raw instead of failing: Urssaf adds codes over time.
"""

from dataclasses import dataclass

# --- Nature of services (``codeNature``), article D.7231-1 of the Code du travail ---
NATURES = {
    "10": "Garde d'enfant handicapé",
    "20": "Accompagnement d'enfant handicapé",
    "30": "Aide humaine",
    "40": "Conduite du véhicule personnel",
    "50": "Accompagnement pour les sorties",
    "60": "Ménage - repassage",
    "70": "Jardinage",
    "80": "Petit bricolage",
    "90": "Garde d'enfant + 6 ans",
    "100": "Soutien scolaire",
    "110": "Coiffure - esthétique",
    "120": "Préparation de repas",
    "130": "Livraison de repas",
    "140": "Collecte et livraison de linge",
    "150": "Livraison de course",
    "160": "Assistance informatique",
    "170": "Soins et promenades d'animaux",
    "180": "Gardiennage",
    "190": "Assistance administrative",
    "200": "Accompagnement d'enfant + 6 ans",
    "210": "Téléassistance",
    "220": "Interprétariat et codage",
    "230": "Conduite du véhicule personnel - temporaire",
    "240": "Accompagnement pour les sorties - temporaire",
    "250": "Aide humaine - temporaire",
    "260": "Plateforme de coordination",
    "270": "Divers - Non éligible",
}

UNITS = {"HEURE": "Heure", "FORFAIT": "Forfait"}

# --- Street types (``codeTypeVoie``) as listed in the Urssaf documentation ---
STREET_TYPES = {
    "ALL": "Allée",
    "AV": "Avenue",
    "BAT": "Bâtiment",
    "BD": "Boulevard",
    "C": "Cours",
    "CAN": "Canal",
    "CHE": "Chemin",
    "CHS": "Chaussée",
    "CI": "Cité",
    "CL": "Clos",
    "COG": "Cottage",
    "FG": "Faubourg",
    "HAM": "Hameau",
    "IMB": "Immeuble",
    "IMP": "Impasse",
    "LOT": "Lotissement",
    "MAI": "Maison",
    "MTE": "Montée",
    "PAR": "Parc",
    "PAS": "Passage",
    "PAV": "Pavillon",
    "PL": "Place",
    "POR": "Porte",
    "Q": "Quai",
    "QU": "Quartier",
    "R": "Rue",
    "RAM": "Rampe",
    "RES": "Résidence",
    "RTE": "Route",
    "RUL": "Ruelle",
    "SEN": "Sentier",
    "SQ": "Square",
    "VO": "Voie",
}

STREET_LETTERS = {"B": "Bis", "T": "Ter", "Q": "Quater", "C": "Quinquies"}

FRANCE_INSEE_COUNTRY = "99100"

# --- Payment request (demande de paiement) statuses ---
PAYMENT_STATUSES = {
    "10": "Intégrée",
    "15": "Aides calculées",
    "20": "En attente de validation par le client",
    "30": "Validée",
    "40": "Refusée par le client",
    "50": "Prélevée",
    "60": "En refus de prélèvement (impayé)",
    "70": "Payée",
    "80": "En attente d'échanges",
    "90": "Clôturée",
    "100": "Supprimée",
    "110": "Annulée",
    "111": "Annulée après impayé",
    "112": "Annulée après recouvrement",
    "120": "Recouvrée",
}


def payment_status_label(code):
    """French label of a status code; an unknown code is shown raw."""
    code = str(code or "")
    return PAYMENT_STATUSES.get(code, f"Statut Urssaf inconnu ({code})")


# --- Reasons of refusal, contestation and cancellation (``infoRejet.code``) ---
REJECTION_REASONS = {
    "REGUL_MNT_FACT": "Régularisation : montant facturé ou taux horaire erroné",
    "REGUL_NB_QTE_FACT": "Régularisation : nombre d'heures ou quantités erroné",
    "REGUL_PRESTA_FACT": "Régularisation : prestations facturées erronées",
    "REGUL_AUTRE": "Régularisation : autre motif",
    "CONTEST_ERR_FACT": "Contestation : la facture comporte une erreur",
    "CONTEST_FACT_REGLEE": "Contestation : facture déjà réglée",
    "CONTEST_AUTRE": "Contestation : autre motif",
    "ANNUL_DBL": "Annulation : demande de paiement en double",
    "ANNUL_ERR_MNT": "Annulation : montant erroné",
    "ANNUL_ERR_TECH": "Annulation : erreur technique",
    "ANNUL_AUTRE": "Annulation : autre motif",
}


def rejection_label(code):
    code = str(code or "")
    return REJECTION_REASONS.get(code, f"Motif Urssaf inconnu ({code})")


# What to do after each reason (French, shown under the reason on the invoice).
_REGUL_ADVICE = (
    "Le client demande une facture rectifiée : corrigez la facture (un avoir "
    "l'annule et un nouveau brouillon est créé), rectifiez-la puis envoyez-la."
)
_CONTEST_ADVICE = (
    "Le client conteste la facture : voyez avec lui. Si elle est erronée, "
    "corrigez-la ; s'il vous paie directement, facturez hors avance immédiate."
)
_CANCEL_ADVICE = (
    "La demande est annulée : corrigez la facture si elle doit être renvoyée, "
    "ou facturez le client hors avance immédiate."
)
REJECTION_ADVICE = {
    "REGUL": _REGUL_ADVICE,
    "CONTEST": _CONTEST_ADVICE,
    "ANNUL": _CANCEL_ADVICE,
}
REJECTION_ADVICE_SPECIFIC = {
    "CONTEST_FACT_REGLEE": (
        "Le client dit avoir déjà réglé cette facture : vérifiez ses paiements. "
        "S'il vous a payé directement, facturez hors avance immédiate."
    ),
    "ANNUL_DBL": (
        "Demande en double : l'autre demande de paiement de cette prestation "
        "suit son cours. Facturez hors avance immédiate pour sortir celle-ci "
        "de la liste « À traiter »."
    ),
}


def rejection_advice(code):
    """What the provider does after a refusal or cancellation reason."""
    code = str(code or "")
    if code in REJECTION_ADVICE_SPECIFIC:
        return REJECTION_ADVICE_SPECIFIC[code]
    return REJECTION_ADVICE.get(code.split("_")[0], _CANCEL_ADVICE)


# --- Status of the link between the provider and a particulier (GET /particulier) ---
PARTICULIER_STATUSES = {
    "APPAREILLAGE_EC": "En attente d'activation par le client",
    "APPAREILLAGE_VALIDE": "Actif : demandes de paiement possibles",
    "APPAREILLAGE_NF": "Inscription non finalisée",
    "PARTICULIER_BLOQUE": "Compte du client bloqué",
    "MANDAT_ECHU": "Mandat de prélèvement expiré",
}

PARTICULIER_STATES = {
    "APPAREILLAGE_EC": "waiting",
    "APPAREILLAGE_VALIDE": "active",
    "APPAREILLAGE_NF": "not_finalised",
    "PARTICULIER_BLOQUE": "blocked",
    "MANDAT_ECHU": "mandate_expired",
}


def particulier_state(code):
    return PARTICULIER_STATES.get(str(code or ""), "error")


# --- What happens next for a client, state by state -------------------------------
# The client's states in the order of its life with Urssaf (selections, group-by).
CLIENT_STATES = (
    "not_enrolled",
    "waiting",
    "not_finalised",
    "active",
    "blocked",
    "mandate_expired",
    "error",
)
ACTION_ENROL = "enrol"
ACTION_REFRESH = "refresh"
ACTION_REENROL = "reenrol"


# The tones of a next step, from calm to urgent.
NEXT_STEP_LEVELS = ("info", "success", "warning", "danger")


@dataclass(frozen=True)
class NextStep:
    """What the provider reads and can do for a client in a given state.

    ``code`` names the sentence (written, translated, by the Odoo layer);
    ``actions`` the buttons that fit, the first being the main one; ``level`` the
    tone: ``info``, ``success``, ``warning`` or ``danger``.
    """

    code: str
    actions: tuple
    level: str


CLIENT_NEXT_STEPS = {
    # Check the data with the client, then enrol.
    "not_enrolled": NextStep("enrol", (ACTION_ENROL,), "info"),
    # The client activates in their particulier.urssaf.fr space within 7 days.
    "waiting": NextStep("client_activates", (ACTION_REFRESH,), "info"),
    # Activation started but not finished on the client's side.
    "not_finalised": NextStep("client_finishes", (ACTION_REFRESH,), "warning"),
    # Invoices of services from the activation on can be sent.
    "active": NextStep("send_invoices", (), "success"),
    # Usually an unpaid debit: the client settles with Urssaf; requests refused.
    "blocked": NextStep("client_settles", (ACTION_REFRESH,), "danger"),
    # The client renews the SEPA mandate (bank details) in their space.
    "mandate_expired": NextStep(
        "client_renews_mandate", (ACTION_REFRESH, ACTION_REENROL), "warning"
    ),
    # Urssaf no longer knows the enrolment: enrol again.
    "error": NextStep("reenrol", (ACTION_REENROL, ACTION_REFRESH), "danger"),
}
# An enrolment Urssaf refused: fix the data, enrol again.
_REFUSED_ENROLMENT = NextStep("fix_and_enrol", (ACTION_ENROL,), "danger")
# Urssaf's activation e-mail is valid 7 days; after that the client asks for a
# new one.
ACTIVATION_LINK_DAYS = 7
_LATE_ACTIVATION = NextStep("client_activates_late", (ACTION_REFRESH,), "warning")


def client_next_step(state, *, enrolment_refused=False, activation_overdue=False):
    """The :class:`NextStep` of a client (unknown states read as ``error``).

    ``enrolment_refused``: Urssaf refused the last enrolment attempt;
    ``activation_overdue``: the activation e-mail has expired.
    """
    if state == "not_enrolled" and enrolment_refused:
        return _REFUSED_ENROLMENT
    if state == "waiting" and activation_overdue:
        return _LATE_ACTIVATION
    return CLIENT_NEXT_STEPS.get(state, CLIENT_NEXT_STEPS["error"])


# --- What happens next for an invoice, state by state ---------------------------
ACTION_SEND = "send"
ACTION_CORRECT = "correct"
ACTION_EXCLUDE = "exclude"
ACTION_RESUME = "resume"
ACTION_OPEN_CORRECTION = "open_correction"

INVOICE_NEXT_STEPS = {
    "not_applicable": NextStep("not_applicable", (), "info"),
    # Check the service period, then send.
    "ready": NextStep("send", (ACTION_SEND, ACTION_EXCLUDE), "info"),
    # Fix what the checks or Urssaf found, then send again; or bill directly.
    "error": NextStep("fix_and_send", (ACTION_SEND, ACTION_EXCLUDE), "danger"),
    # The scheduled job sends it.
    "queued": NextStep("queued", (ACTION_SEND, ACTION_EXCLUDE), "info"),
    # The outcome of a sending is being confirmed with Urssaf.
    "to_check": NextStep("being_confirmed", (ACTION_REFRESH,), "warning"),
    # Urssaf notifies the client.
    "sent": NextStep("client_notified", (ACTION_REFRESH,), "info"),
    # The client validates or refuses within 48 hours.
    "waiting_client": NextStep("client_validates", (ACTION_REFRESH,), "info"),
    # Urssaf debits the client's share.
    "validated": NextStep("urssaf_debits", (ACTION_REFRESH,), "info"),
    # Urssaf transfers the amount to the provider.
    "debited": NextStep("urssaf_transfers", (ACTION_REFRESH,), "info"),
    # Urssaf may still report an unpaid debit for a few weeks.
    "paid": NextStep("paid", (ACTION_REFRESH,), "success"),
    # Urssaf could not debit the client: it recovers the share from them.
    "unpaid": NextStep("unpaid", (ACTION_REFRESH,), "danger"),
    "recovered": NextStep("recovered", (), "success"),
    # The client refused: correct the invoice, or bill the client directly.
    "refused": NextStep("refused", (ACTION_CORRECT, ACTION_EXCLUDE), "danger"),
    "cancelled": NextStep("cancelled", (ACTION_CORRECT, ACTION_EXCLUDE), "danger"),
    "corrected": NextStep("corrected", (ACTION_OPEN_CORRECTION,), "success"),
    "excluded": NextStep("excluded", (ACTION_RESUME,), "info"),
}
_CANCELLATION_REQUESTED = NextStep(
    "cancellation_requested", (ACTION_REFRESH,), "warning"
)
_UNKNOWN_STATUS = NextStep("unknown_status", (ACTION_REFRESH,), "danger")
_CANCELLED_AFTER_TRANSFER = NextStep("cancelled_after_transfer", (), "danger")


def invoice_next_step(
    state,
    *,
    cancel_requested=False,
    unknown_status=False,
    transfer_booked=False,
    resumable=True,
):
    """The :class:`NextStep` of an invoice (unknown states read as ``error``).

    ``cancel_requested``: the provider asked Urssaf to cancel the request;
    ``unknown_status``: Urssaf reported a status this add-on does not know;
    ``transfer_booked``: Urssaf's transfer was booked before a cancellation;
    ``resumable``: an invoice billed outside can come back to the avance
    immédiate (its request never reached Urssaf).
    """
    if state == "to_check" and cancel_requested:
        return _CANCELLATION_REQUESTED
    if state == "to_check" and unknown_status:
        return _UNKNOWN_STATUS
    if state == "cancelled" and transfer_booked:
        return _CANCELLED_AFTER_TRANSFER
    step = INVOICE_NEXT_STEPS.get(state, INVOICE_NEXT_STEPS["error"])
    if state == "excluded" and not resumable:
        return NextStep(step.code, (), step.level)
    return step


# --- Error codes ---
@dataclass(frozen=True)
class ErrorInfo:
    explanation: str
    action: str
    field: str = ""


_INFO = ErrorInfo

ERROR_CODES = {
    # Gateway and technical
    "ERREUR_VALIDATION": _INFO(
        "Les données envoyées ne respectent pas le format attendu par l'Urssaf.",
        "Corrigez le champ indiqué dans le message puis renvoyez.",
    ),
    "ERREUR_TECHNIQUE": _INFO(
        "Erreur technique côté Urssaf.",
        "Réessayez plus tard ; l'envoi sera repris automatiquement.",
    ),
    "PARAM_INVALIDE": _INFO(
        "Un paramètre de la requête est invalide.",
        "Vérifiez les données puis renvoyez.",
    ),
    # Registration of a particulier
    "ERR_DATE_NAISSANCE_FUTUR": _INFO(
        "La date de naissance est dans le futur.",
        "Corrigez la date de naissance du client.",
        "birth_date",
    ),
    "ERREUR_LIEU_NAISSANCE_OBLIGATOIRE": _INFO(
        "Le lieu de naissance est obligatoire.",
        "Renseignez le pays et, pour la France, la commune de naissance.",
        "birth_place",
    ),
    "ERR_LIEU_NAISSANCE_OBLIGATOIRE": _INFO(
        "Le libellé de la commune de naissance est obligatoire.",
        "Renseignez le nom de la commune de naissance.",
        "birth_place.commune_label",
    ),
    "ERREUR_LIEU_NAISSANCE_DEPT": _INFO(
        "Le département de naissance est obligatoire pour une naissance en France.",
        "Renseignez le code INSEE de la commune de naissance.",
        "birth_place.commune_code",
    ),
    "ERREUR_LIEU_NAISSANCE_DEPT_FORMAT": _INFO(
        "Le format du département de naissance est incorrect.",
        "Vérifiez le code INSEE de la commune de naissance.",
        "birth_place.commune_code",
    ),
    "ERR_LIEU_NAISSANCE_COMN": _INFO(
        "La commune de naissance est obligatoire pour une naissance en France.",
        "Renseignez le code INSEE de la commune de naissance.",
        "birth_place.commune_code",
    ),
    "ERREUR_LIEU_NAISSANCE_PAYS": _INFO(
        "Une commune de naissance est renseignée pour une naissance à l'étranger.",
        "Pour une naissance à l'étranger, indiquez seulement le pays.",
        "birth_place.country_code",
    ),
    "ERREUR_LIEU_NAISSANCE_INVALIDE": _INFO(
        "Le libellé du lieu de naissance contient des caractères non acceptés.",
        "Utilisez uniquement des lettres et des chiffres, sans point-virgule.",
        "birth_place.commune_label",
    ),
    "ERR_CONTACT": _INFO(
        "Le téléphone, l'e-mail ou l'adresse est incomplet, invalide ou différent "
        "de ce que l'Urssaf connaît déjà pour ce client (inscrit par un autre "
        "prestataire).",
        "Demandez au client les coordonnées de son espace particulier.urssaf.fr "
        "et alignez-les.",
        "email",
    ),
    "ERR_CONTACT_ADRESSE_TYPE_VOIE": _INFO(
        "Le type de voie n'est pas reconnu par l'Urssaf.",
        "Choisissez un type de voie de la liste.",
        "address.street_type",
    ),
    "ERR_CONTACT_ADRESSE_TYPEVOIE": _INFO(
        "Le type de voie est obligatoire quand un libellé de voie est renseigné.",
        "Renseignez le type de voie.",
        "address.street_type",
    ),
    "ERR_CONTACT_ADRESSE_LIBELLEVOIE": _INFO(
        "Le libellé de voie est obligatoire quand un type de voie est renseigné.",
        "Renseignez le libellé de voie.",
        "address.street_label",
    ),
    "ERR_CONTACT_ADRESSE_LETTRE_VOIE": _INFO(
        "L'indice de répétition du numéro n'est pas reconnu.",
        "Utilisez B (bis), T (ter), Q (quater) ou C (quinquies).",
        "address.street_letter",
    ),
    "ERR_CONTACT_ADRESSE_INFORMATION_SUPPLEMENTAIRE": _INFO(
        "L'adresse est incomplète.",
        "Renseignez le type et le libellé de voie, un complément ou un lieu-dit.",
        "address.street_label",
    ),
    "ERR_CONTACT_ADRESSE_COMMUNE": _INFO(
        "La commune de résidence est inconnue.",
        "Vérifiez le code INSEE (5 caractères) de la commune, qui n'est pas le "
        "code postal.",
        "address.commune_code",
    ),
    "ERR_COORDONNEES_BANCAIRES": _INFO(
        "Les coordonnées bancaires (BIC ou IBAN) sont refusées.",
        "Vérifiez l'IBAN et le BIC sur le RIB du client.",
        "bank.iban",
    ),
    "ERR_APPEL_BACB": _INFO(
        "Les coordonnées bancaires (BIC ou IBAN) n'ont pas pu être vérifiées.",
        "Vérifiez l'IBAN et le BIC sur le RIB du client.",
        "bank.iban",
    ),
    "ERR_DGFIP_R2P_INCONNU": _INFO(
        "L'identité du client est introuvable aux impôts (DGFiP).",
        "Vérifiez nom de naissance, prénoms, date et lieu de naissance par rapport "
        "à l'avis d'imposition du client.",
        "birth_name",
    ),
    "ERR_DGFIP_IMPOTPART_INCONNU": _INFO(
        "La situation fiscale du client ne permet pas l'avance immédiate (aucune "
        "déclaration de revenus connue).",
        "Le client doit se rapprocher de son centre des impôts.",
    ),
    "ERR_ECV_PARTICULIERS_EXISTENT": _INFO(
        "Plusieurs comptes particuliers existent pour cet état civil.",
        "Le client doit contacter l'Urssaf ou son centre des impôts.",
    ),
    "ERREUR_REFERENCE_PARTICULIER_EXISTANTE_TYPE": _INFO(
        "Ce couple e-mail / téléphone est déjà utilisé par un autre particulier.",
        "Vérifiez l'e-mail et le téléphone du client.",
        "email",
    ),
    "ERR_COMPTE_BLOQUE": _INFO(
        "Le compte particulier du client est bloqué ; l'inscription est impossible.",
        "Le client doit contacter l'Urssaf.",
    ),
    "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE": _INFO(
        "Ce client est déjà inscrit auprès de votre structure.",
        "Ne réinscrivez pas le client : reprenez son identifiant Urssaf existant.",
    ),
    "ERR_LIEN_TIERS_PRESTATION_PARTICULIER": _INFO(
        "Erreur lors de la création du lien entre votre structure et le client.",
        "Réessayez plus tard ou contactez l'Urssaf.",
    ),
    "ERR_RECHERCHE_PARTICULIER": _INFO(
        "Aucun particulier ne correspond, ou le lien avec ce client a été rompu.",
        "Vérifiez l'identifiant Urssaf du client ; réinscrivez-le si besoin.",
    ),
    # Payment requests
    "ERR_PARTICULIER_INCONNU": _INFO(
        "Client inconnu de l'Urssaf, date de naissance différente, ou client pas "
        "encore activé.",
        "Vérifiez l'inscription du client et sa date de naissance.",
        "partner",
    ),
    "ERR_LIEN_PARTICULIER_PRESTATAIRE": _INFO(
        "Le lien avec le client n'est pas actif sur la période facturée (client "
        "pas encore activé, ou période antérieure à l'activation).",
        "Attendez l'activation par le client ou corrigez la période de prestation.",
        "date_start",
    ),
    "ERR_PRESTATAIRE_EMETTEUR_INCONNU": _INFO(
        "Vos identifiants ne sont rattachés à aucun prestataire connu.",
        "Vérifiez les identifiants API de la société.",
    ),
    "ERR_PRESTATAIRE_FACTURATION_INCONNU": _INFO(
        "L'identifiant de tiers de facturation est inconnu.",
        "Vérifiez l'identifiant de tiers de facturation de la société.",
    ),
    "ERR_FACTURE_DOUBLON": _INFO(
        "Ce numéro de facture a déjà été transmis à l'Urssaf.",
        "La demande existante est recherchée et rattachée à la facture.",
        "invoice_number",
    ),
    "ERR_DATE_FUTUR": _INFO(
        "La période de prestation est dans le futur.",
        "N'envoyez la facture qu'une fois les prestations réalisées.",
        "date_end",
    ),
    "ERR_DATE_PAIEMENT_AVANT_EXP": _INFO(
        "La date est antérieure à l'ouverture du dispositif.",
        "Corrigez la période de prestation.",
        "date_start",
    ),
    "ERR_PERIODE_EMPLOI_MOIS_NON_UNIQUE": _INFO(
        "La période de prestation couvre plusieurs mois civils.",
        "Faites une facture par mois civil.",
        "date_start",
    ),
    "ERR_DATE_FIN_AVANT_DATE_DEB": _INFO(
        "La fin de la période de prestation précède son début.",
        "Corrigez les dates de prestation.",
        "date_end",
    ),
    "ERR_MONTANT_ACOMPTE": _INFO(
        "L'acompte dépasse 50 % du montant de la facture.",
        "Corrigez le montant de l'acompte.",
        "deposit_amount",
    ),
    "ERR_ACOMPTE_BLOQUE": _INFO(
        "Votre structure n'est pas autorisée à déclarer des acomptes.",
        "Envoyez la facture sans acompte.",
        "deposit_amount",
    ),
    "ERR_TOTAL_PRESTATIONS": _INFO(
        "La somme des lignes ne correspond pas au total de la facture.",
        "Vérifiez les montants des lignes.",
        "total_ttc",
    ),
    "ERR_MNT_PREST_TTC": _INFO(
        "Le montant d'une ligne ne correspond pas à quantité × prix unitaire.",
        "Vérifiez la quantité et le prix unitaire.",
        "lines",
    ),
    "ERR_MNT_PREST_HT_TVA": _INFO(
        "Le montant HT plus la TVA d'une ligne ne donne pas son montant TTC.",
        "Vérifiez les taxes de la ligne.",
        "lines",
    ),
    "ERR_FORMAT_VALEUR": _INFO(
        "Un montant a plus de deux décimales.",
        "Arrondissez les montants au centime.",
        "lines",
    ),
    "ERR_VALEUR_NEGATIVE": _INFO(
        "Un montant est négatif.",
        "Les avoirs et lignes négatives ne peuvent pas être envoyés ; intégrez la "
        "remise dans le prix des lignes.",
        "lines",
    ),
    "ERR_CODE_NATURE": _INFO(
        "Le code nature d'une prestation est inconnu.",
        "Choisissez la nature de prestation Urssaf sur l'article.",
        "lines",
    ),
    "ERR_CODE_ACTIVITE": _INFO(
        "Le code activité d'une prestation est inconnu.",
        "Retirez le code activité.",
        "lines",
    ),
    "ERR_CODE_ACTIVITE_NATURE": _INFO(
        "Le code activité ne correspond pas à la nature de prestation.",
        "Retirez le code activité.",
        "lines",
    ),
    "ERR_NBRE_PREST_MAX": _INFO(
        "Trop de demandes de paiement dans un même envoi (10 au maximum).",
        "Réduisez la taille des lots dans la configuration.",
    ),
    "ERR_CMPT_BLOQUE": _INFO(
        "Le compte du client est bloqué (par exemple après un impayé).",
        "Le client doit régulariser sa situation auprès de l'Urssaf ; facturez-le "
        "directement en attendant.",
        "partner",
    ),
    "ERR_MANDAT_ECHU": _INFO(
        "Le mandat de prélèvement du client a expiré.",
        "Le client doit renouveler son mandat dans son espace particulier.urssaf.fr.",
        "partner",
    ),
    "ERR_NUMINTERVENANT_MANQUANT": _INFO(
        "Le numéro de l'intervenant (NOVA ou SIRET) est manquant.",
        "Renseignez le numéro NOVA ou le SIRET de la société.",
        "lines",
    ),
    "ERR_FORMAT_NUMINTERVENANT": _INFO(
        "Le numéro de l'intervenant (NOVA ou SIRET) a un format incorrect.",
        "Utilisez SAP suivi du SIREN, ou SIR suivi du SIRET.",
        "lines",
    ),
    "ERR_NUMINTERVENANT_BLOQUE": _INFO(
        "Le numéro de l'intervenant n'est pas autorisé.",
        "Contactez l'Urssaf.",
        "lines",
    ),
    # Search
    "ERR_CRITERE_RECHERCHE_VIDE": _INFO(
        "Aucun critère de recherche n'a été fourni.",
        "Précisez des identifiants, des numéros de facture ou une période.",
    ),
    "ERR_NBRE_MAX_RESULTAT": _INFO(
        "La recherche renvoie trop de résultats.",
        "Réduisez la période ou le nombre d'identifiants (10 au maximum).",
    ),
    "ERR_RECHERCHE_VIDE": _INFO(
        "Aucune demande de paiement ne correspond à la recherche.",
        "",
    ),
}


def error_info(code, message="", description=""):
    """Explanation for an Urssaf error code, falling back to Urssaf's own text."""
    info = ERROR_CODES.get(str(code or ""))
    if info:
        return info
    text = description or message or "Erreur Urssaf non répertoriée."
    return ErrorInfo(
        f"{text} (code {code or 'inconnu'})",
        "Vérifiez les données ou contactez l'Urssaf avec ce code.",
    )


def code_explanation(code):
    """One French line for an Urssaf code: the code, what it means, what to do."""
    info = error_info(code)
    return " ".join(
        part for part in (f"{code} :", info.explanation, info.action) if part
    )


def codes_explanation(codes):
    """:func:`code_explanation` of each code of a comma-separated list, one a
    line; ``""`` when there is none."""
    found = [code.strip() for code in str(codes or "").split(",")]
    return "\n".join(code_explanation(code) for code in dict.fromkeys(found) if code)
